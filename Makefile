# Two commands for a developer: `make run` and `make test`.

TEMPORAL_CLI_VERSION := v1.5.1
TEMPORAL := $(CURDIR)/bin/temporal

# The integration test starts its own dev server with this CLI.
export EHC_TEMPORAL_CLI := $(TEMPORAL)

.PHONY: run test build fmt-check clean histories

## run: start a local Temporal dev server and the worker; Ctrl-C stops both
run: $(TEMPORAL) build
	scripts/run-local.sh

## test: check formatting, vet, and run every test (integration tests included)
test: fmt-check $(TEMPORAL)
	go vet ./... && go test ./...

## histories: record workflow histories from the integration tests for the replay test
histories: $(TEMPORAL)
	EHC_RECORD_HISTORIES=$(CURDIR)/workflows/testdata/histories go test ./starter -run Integration -count=1

## build: build the caseworker CLI (bin/ehc) and the worker (bin/ehc-worker)
build:
	go build -o bin/ehc ./starter
	go build -o bin/ehc-worker ./worker

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

## clean: remove built binaries (not bin/temporal) and local dev-server state
clean:
	rm -f bin/ehc bin/ehc-worker
	rm -rf .data
