# Two commands for a developer: `make run` and `make test`.

TEMPORAL_CLI_VERSION := v1.5.1
TEMPORAL := $(CURDIR)/bin/temporal

# The integration test starts its own dev server with this CLI.
export EHC_TEMPORAL_CLI := $(TEMPORAL)

.PHONY: run test build fmt-check clean histories bench plan-years bench-register ensure-postgres ensure-chromium board-check migrate fuzz chaos chaos-histories

## run: start PostgreSQL if needed and migrate the register, then (bin/ehc dev) the codec server, a local Temporal dev server (its UI decoding through the codec server) and the worker, and drive the demo cases on a compressed clock (EHC_DEMO_WEEK_SECONDS, default 10) in the foreground; Ctrl-C stops all of it
# The local stack runs in demonstration mode, so EHC_DEMO_WEEK_SECONDS is
# accepted by every step of it, migrate included.
run: export EHC_DEMO := true
run: $(TEMPORAL) build ensure-postgres migrate
	bin/ehc dev

## test: check formatting, that go.mod is tidy, vet, workflowcheck (no non-determinism in ./workflows/...), and run every test (integration tests included; starts PostgreSQL and installs Chromium if needed; the board report's page, screenshot and A4 PDF are left in bin/board), then each fuzz target for 5s
test: fmt-check $(TEMPORAL) ensure-postgres ensure-chromium
	go mod tidy -diff
	go vet ./...
	go tool workflowcheck -config workflows/workflowcheck.config.yaml ./workflows/...
	EHC_BOARD_OUT=$(CURDIR)/bin/board go test ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=5s

# The native Go fuzz targets, as package:target. Plain go test runs their
# seeds (f.Add and testdata/fuzz/TARGET); fuzz searches beyond them.
FUZZ_TARGETS := ./workflows/assessment:FuzzCheckBounds ./activities/letters:FuzzCheckEmail ./register:FuzzProviderBounds \
	./starter/commands:FuzzStartFlags ./starter/commands:FuzzStepFlags ./starter/commands:FuzzPlanStepFlags \
	./starter/commands:FuzzImportRow ./register/sen2:FuzzParsePlacement ./activities/letters:FuzzFeedbackToken
FUZZTIME ?= 10s

## fuzz: run each fuzz target for FUZZTIME (default 10s); a failing input is saved under the package's testdata/fuzz
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "go test $${t%%:*} -run '^$$' -fuzz '^$${t#*:}$$' -fuzztime $(FUZZTIME)"; \
		go test "$${t%%:*}" -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME); \
	done

## histories: record workflow histories from the integration tests for the replay test
histories: $(TEMPORAL) ensure-postgres
	EHC_RECORD_HISTORIES=$(CURDIR)/workflows/testdata/histories go test ./starter/e2e -run Integration -count=1

## chaos: the fault test (not part of make test; about 10 minutes): its own stack on free ports, 200 cases on a compressed clock, the worker killed at random, PostgreSQL refusing and SendGrid misbehaving; prints one table and fails when any figure is over target
chaos: $(TEMPORAL) ensure-postgres
	go run ./worker/chaos $(CHAOS_FLAGS)

## chaos-histories: run the fault test and record a history of every path (timers, refusal, exception, retries, withdrawal, late entry, encrypted) for the replay test
chaos-histories: $(TEMPORAL) ensure-postgres
	go run ./worker/chaos -record $(CURDIR)/workflows/testdata/histories $(CHAOS_FLAGS)

## bench: the load figures (not part of make test; about 30-60 minutes): on its own stack on free ports, three runs of lifecycle cases/s of the assessment against a same-shaped no-op, Update latencies, a light load, 10,000 open cases and the CLI's wall times, as one table with each target met or not (BENCH_FLAGS, e.g. -runs 1 -cases 40 -open 500); then bench-register
bench: $(TEMPORAL) ensure-postgres
	go run ./worker/bench $(BENCH_FLAGS)
	$(MAKE) --no-print-directory bench-register

## plan-years: one plan in force run for 5 years on a compressed clock (about 5 minutes), printing each run's history length: what continuing as new after each review keeps it to
plan-years: $(TEMPORAL) ensure-postgres
	go run ./worker/planyears $(PLAN_YEARS_FLAGS)

## bench-register: time the manager's report and the overdue list on an England-sized register (seeded once, about a minute)
bench-register: ensure-postgres
	go test ./register -run '^$$' -bench . -benchtime 20x -v

## build: build the caseworker CLI (bin/ehc), the worker (bin/ehc-worker) and the codec server (bin/ehc-codec)
build:
	go build -o bin/ehc ./starter
	go build -o bin/ehc-worker ./worker
	go build -o bin/ehc-codec ./codecserver

## ensure-chromium: install Debian's chromium for the board report's browser check unless it is there (or EHC_CHROMIUM names a browser)
ensure-chromium:
	scripts/ensure-chromium.sh

## board-check: render the board report for the test year of cases and open it in headless Chromium: bin/board/board.html, board.png (a screenshot) and board.pdf (printed to A4)
board-check: ensure-postgres ensure-chromium
	EHC_BOARD_OUT=$(CURDIR)/bin/board go test ./starter/commands -run 'TestReportHTMLBoard' -count=1 -v

## ensure-postgres: start PostgreSQL on 127.0.0.1:5432 unless it is running (or DATABASE_URL names another server)
ensure-postgres:
	scripts/ensure-postgres.sh

## migrate: create the case register's database if missing and apply its migrations (DATABASE_URL)
migrate: build ensure-postgres
	bin/ehc migrate

## fmt-check: fail if any Go file is not gofmt-formatted
fmt-check:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then \
		echo "These files are not gofmt-formatted (run gofmt -w on them):"; \
		echo "$$unformatted"; \
		exit 1; \
	fi

# The Temporal CLI, built from source at a pinned version when missing.
$(TEMPORAL):
	GOBIN=$(CURDIR)/bin go install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)

## clean: remove built binaries (not bin/temporal) and local state: the dev server's, the payload key and codec token (.data/codec-*), the local register database ehc (unless DATABASE_URL is set), and any PostgreSQL cluster under .data/postgres (stopped first)
clean:
	rm -f bin/ehc bin/ehc-worker bin/ehc-codec
	@# The local register goes with the local Temporal data, or the two would disagree;
	@# a DATABASE_URL of your own is never touched.
	@if [ -z "$$DATABASE_URL" ] && command -v psql >/dev/null && psql -q -h 127.0.0.1 -U postgres -d postgres -c '' 2>/dev/null; then \
		psql -q -h 127.0.0.1 -U postgres -d postgres -c 'drop database if exists ehc with (force)' && echo "clean: dropped the local register database ehc"; fi
	scripts/ensure-postgres.sh stop
	rm -rf .data
