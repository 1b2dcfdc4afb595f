#!/usr/bin/env bash
# Runs everything a developer needs on one machine: a Temporal dev server in
# the background (state kept in .data/, so cases survive a restart) and the
# EHC worker in the foreground. Ctrl-C stops the worker, then the server.
#
# Called by `make run`, which builds bin/temporal, bin/ehc and bin/ehc-worker
# first. Arguments are passed to the worker (e.g. -log-level debug).
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL=${EHC_TEMPORAL_CLI:-bin/temporal}
WORKER=bin/ehc-worker
IP=127.0.0.1
PORT=7233
UI_PORT=8233
ADDRESS=$IP:$PORT
DATA=.data
LOG=$DATA/temporal.log

for bin in "$TEMPORAL" "$WORKER"; do
	if [[ ! -x $bin ]]; then
		echo "run-local: $bin is missing; use 'make run'" >&2
		exit 1
	fi
done

server_pid=
worker_pid=

# On exit, however it comes, stop the server this script started.
cleanup() {
	if [[ -n $worker_pid ]] && kill -0 "$worker_pid" 2>/dev/null; then
		kill -TERM "$worker_pid" 2>/dev/null || true
		wait "$worker_pid" 2>/dev/null || true
	fi
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		echo "run-local: stopping the Temporal dev server" >&2
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 1 60); do
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.25
		done
		if kill -0 "$server_pid" 2>/dev/null; then
			echo "run-local: the dev server did not stop in 15s; killing it" >&2
			kill -KILL "$server_pid" 2>/dev/null || true
		fi
		wait "$server_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

# Ctrl-C or SIGTERM: ask the worker to stop (it drains and exits), or, before
# it has started, leave (cleanup stops the server).
interrupted=
on_signal() {
	interrupted=1
	if [[ -n $worker_pid ]]; then
		kill -TERM "$worker_pid" 2>/dev/null || true
	fi
}
trap on_signal INT TERM

# Children run in the background and are waited for, so that a Ctrl-C
# reaches on_signal at once even when the child handles SIGINT itself.
healthy() {
	"$TEMPORAL" operator cluster health --address "$ADDRESS" >/dev/null 2>&1 &
	wait $!
}
nap() {
	sleep "$1" &
	wait $! || true
}

if healthy; then
	echo "run-local: a Temporal server is already answering at $ADDRESS; using it" >&2
	if ! "$TEMPORAL" operator search-attribute list --address "$ADDRESS" 2>/dev/null | grep -q EhcCaseRef; then
		echo "run-local: it lacks the EHC search attributes; stop it, or register them (see scripts/run-local.sh)" >&2
		exit 1
	fi
else
	mkdir -p "$DATA"
	echo "run-local: starting the Temporal dev server at $ADDRESS (UI http://$IP:$UI_PORT, log $LOG)" >&2
	"$TEMPORAL" server start-dev \
		--ip "$IP" --port "$PORT" --ui-port "$UI_PORT" \
		--db-filename "$DATA/temporal.db" \
		--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
		--search-attribute EhcCaseRef=Keyword \
		--search-attribute EhcStage=Keyword \
		--search-attribute EhcNextDeadline=Datetime \
		--search-attribute EhcOverdue=Bool \
		--search-attribute EhcCaseworker=Keyword \
		--log-level warn \
		>"$LOG" 2>&1 </dev/null &
	server_pid=$!

	for i in $(seq 1 120); do
		if healthy; then
			break
		fi
		if [[ -n $interrupted ]]; then
			exit 130
		fi
		if ! kill -0 "$server_pid" 2>/dev/null; then
			echo "run-local: the dev server exited; the end of $LOG:" >&2
			tail -n 20 "$LOG" >&2
			server_pid=
			exit 1
		fi
		if [[ $i == 120 ]]; then
			echo "run-local: the dev server did not answer within 60s; the end of $LOG:" >&2
			tail -n 20 "$LOG" >&2
			exit 1
		fi
		nap 0.5
	done
	echo "run-local: dev server ready" >&2
fi

if [[ -n $interrupted ]]; then
	exit 130
fi

# The worker talks to this server whatever the shell's environment says.
if [[ -n $server_pid ]]; then
	echo "run-local: starting the worker; Ctrl-C stops it and the dev server" >&2
else
	echo "run-local: starting the worker; Ctrl-C stops it" >&2
fi
env -u TEMPORAL_API_KEY -u TEMPORAL_TLS_CERT -u TEMPORAL_TLS_KEY -u TEMPORAL_TLS_CA -u TEMPORAL_TLS_SERVER_NAME \
	TEMPORAL_ADDRESS="$ADDRESS" TEMPORAL_NAMESPACE=default \
	"$WORKER" "$@" </dev/null &
worker_pid=$!

# wait returns early when a trapped signal arrives; wait again until the
# worker has really gone, then report its status.
status=0
while :; do
	if wait "$worker_pid"; then status=0; else status=$?; fi
	kill -0 "$worker_pid" 2>/dev/null || break
done
worker_pid=
exit "$status"
