#!/usr/bin/env bash
# Runs everything a developer needs on one machine: the codec server, a
# Temporal dev server (state kept in .data/, so cases survive a restart) and
# the EHC worker in the background (its log in .data/worker.log), and in the
# foreground `ehc demo`, which starts the fictional demo cases DEMO-1..4 on a
# compressed statutory clock (EHC_DEMO_WEEK_SECONDS seconds a week, default
# 10) and drives them, printing what happens. The stack runs in demonstration
# mode (EHC_DEMO=true). When the demo has run its course the stack keeps
# running. Ctrl-C stops the demo driver, the worker, then the server, then
# the codec server; running it again carries on where it was.
#
# Payloads are encrypted with the keys in .data/codec-keys, made on the first
# run (bin/ehc finds that file by itself when run from the checkout). The
# codec server (bin/ehc-codec) lets the dev server's UI show them decrypted;
# the UI cannot send an Authorization header, so it is given the codec
# server's token (.data/codec-token, also made on the first run) in the path
# of its codec endpoint: http://127.0.0.1:8234/TOKEN.
#
# Called by `make run`, which builds bin/temporal, bin/ehc, bin/ehc-worker and
# bin/ehc-codec first. Arguments are passed to the worker (e.g. -log-level
# debug).
set -euo pipefail
cd "$(dirname "$0")/.."

# The local stack is a demonstration: every process of it accepts the
# compressed clock (EHC_DEMO_WEEK_SECONDS) and refuses production mail.
export EHC_DEMO=true

TEMPORAL=${EHC_TEMPORAL_CLI:-bin/temporal}
WORKER=bin/ehc-worker
CODEC=bin/ehc-codec
IP=127.0.0.1
PORT=7233
UI_PORT=8233
ADDRESS=$IP:$PORT
DATA=.data
LOG=$DATA/temporal.log
WORKER_LOG=$DATA/worker.log
CODEC_PORT=8234
CODEC_ADDR=$IP:$CODEC_PORT
CODEC_LOG=$DATA/codec.log
KEYS_FILE=$DATA/codec-keys
TOKEN_FILE=$DATA/codec-token

for bin in "$TEMPORAL" "$WORKER" "$CODEC" bin/ehc; do
	if [[ ! -x $bin ]]; then
		echo "run-local: $bin is missing; use 'make run'" >&2
		exit 1
	fi
done

server_pid=
worker_pid=
codec_pid=
demo_pid=

# On exit, however it comes, stop the servers this script started.
cleanup() {
	if [[ -n $demo_pid ]] && kill -0 "$demo_pid" 2>/dev/null; then
		kill -TERM "$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
	fi
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
	if [[ -n $codec_pid ]] && kill -0 "$codec_pid" 2>/dev/null; then
		echo "run-local: stopping the codec server" >&2
		kill -TERM "$codec_pid" 2>/dev/null || true
		for _ in $(seq 1 40); do
			kill -0 "$codec_pid" 2>/dev/null || break
			sleep 0.25
		done
		kill -KILL "$codec_pid" 2>/dev/null || true
		wait "$codec_pid" 2>/dev/null || true
	fi
}
trap cleanup EXIT

# Ctrl-C or SIGTERM: ask the demo driver and the worker to stop (the worker
# drains and exits), or, before they have started, leave (cleanup stops the
# servers).
interrupted=
on_signal() {
	interrupted=1
	if [[ -n $demo_pid ]]; then
		kill -TERM "$demo_pid" 2>/dev/null || true
	fi
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

# 32 random bytes, as base64 (a key) or hex (the token: it goes in a URL).
random_base64() {
	if command -v openssl >/dev/null 2>&1; then
		openssl rand -base64 32
	else
		head -c 32 /dev/urandom | base64
	fi
}
random_hex() {
	if command -v openssl >/dev/null 2>&1; then
		openssl rand -hex 32
	else
		head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'
	fi
}

# The payload key and the codec server's token, made once and kept: losing
# the key makes every case in .data/temporal.db unreadable. Only this user
# may read them (the files are created under umask 077).
mkdir -p "$DATA"
if [[ ! -s $KEYS_FILE ]]; then
	(
		umask 077
		{
			# (No commas in comments: the key list may also be comma-separated.)
			echo "# EHC payload encryption keys for the local stack: one id=base64 (32 bytes) a line; the first encrypts."
			echo "# Made by scripts/run-local.sh. Never commit or share it: without it the cases in temporal.db cannot be read."
			echo "local-$(date +%Y%m%d%H%M%S)=$(random_base64)"
		} >"$KEYS_FILE.tmp"
		mv "$KEYS_FILE.tmp" "$KEYS_FILE"
	)
	echo "run-local: made a payload encryption key in $KEYS_FILE" >&2
fi
if [[ ! -s $TOKEN_FILE ]]; then
	(
		umask 077
		random_hex >"$TOKEN_FILE.tmp"
		mv "$TOKEN_FILE.tmp" "$TOKEN_FILE"
	)
	echo "run-local: made a codec server token in $TOKEN_FILE" >&2
fi
chmod 600 "$KEYS_FILE" "$TOKEN_FILE"
TOKEN=$(tr -d ' \r\n' <"$TOKEN_FILE")
if [[ ! $TOKEN =~ ^[A-Za-z0-9._~-]+$ ]]; then
	echo "run-local: $TOKEN_FILE must hold one token of letters, digits and . _ ~ - (it goes in a URL); delete it to get a new one" >&2
	exit 1
fi

# Every process of the local stack uses the local key file, whatever the
# shell's environment says; the token goes to the codec server only.
codec_unset=(-u EHC_CODEC_KEYS -u EHC_CODEC_TOKEN -u EHC_CODEC_ADDR -u EHC_CODEC_UI_ORIGINS)

codec_listening() {
	(exec 3<>"/dev/tcp/$IP/$CODEC_PORT") 2>/dev/null
}

# The codec server starts first: if its port is taken, nothing else starts.
if codec_listening; then
	echo "run-local: something already listens on $CODEC_ADDR (an ehc-codec left running?); stop it first" >&2
	exit 1
fi
echo "run-local: starting the codec server at http://$CODEC_ADDR (log $CODEC_LOG)" >&2
env "${codec_unset[@]}" EHC_CODEC_KEYS_FILE="$KEYS_FILE" EHC_CODEC_TOKEN="$TOKEN" EHC_CODEC_ADDR="$CODEC_ADDR" \
	EHC_CODEC_UI_ORIGINS="http://$IP:$UI_PORT,http://localhost:$UI_PORT" \
	"$CODEC" >"$CODEC_LOG" 2>&1 </dev/null &
codec_pid=$!
for i in $(seq 1 40); do
	if ! kill -0 "$codec_pid" 2>/dev/null; then
		wait "$codec_pid" 2>/dev/null || true
		codec_pid=
		echo "run-local: the codec server exited:" >&2
		tail -n 5 "$CODEC_LOG" >&2
		exit 1
	fi
	if codec_listening; then
		break
	fi
	if [[ -n $interrupted ]]; then
		exit 130
	fi
	if [[ $i == 40 ]]; then
		echo "run-local: the codec server did not listen within 10s; the end of $CODEC_LOG:" >&2
		tail -n 5 "$CODEC_LOG" >&2
		exit 1
	fi
	nap 0.25
done

if healthy; then
	echo "run-local: a Temporal server is already answering at $ADDRESS; using it" >&2
	if ! "$TEMPORAL" operator search-attribute list --address "$ADDRESS" 2>/dev/null | grep -q EhcCaseRef; then
		echo "run-local: it lacks the EHC search attributes; stop it, or register them (see scripts/run-local.sh)" >&2
		exit 1
	fi
	echo "run-local: its UI decodes payloads only if it was started with --ui-codec-endpoint http://$CODEC_ADDR/\$(cat $TOKEN_FILE)" >&2
else
	echo "run-local: starting the Temporal dev server at $ADDRESS (UI http://$IP:$UI_PORT, log $LOG)" >&2
	"$TEMPORAL" server start-dev \
		--ip "$IP" --port "$PORT" --ui-port "$UI_PORT" \
		--ui-codec-endpoint "http://$CODEC_ADDR/$TOKEN" \
		--db-filename "$DATA/temporal.db" \
		--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
		--dynamic-config-value matching.useNewMatcher=true \
		--search-attribute EhcCaseRef=Keyword \
		--search-attribute EhcStage=Keyword \
		--search-attribute EhcNextDeadline=Datetime \
		--search-attribute EhcOverdue=Bool \
		--search-attribute EhcCaseworker=Keyword \
		--search-attribute EhcDeliveryProblem=Bool \
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
	echo "run-local: dev server ready; its UI decodes payloads through the codec server" >&2
fi

if [[ -n $interrupted ]]; then
	exit 130
fi

# The worker and the demo driver talk to this server whatever the shell's
# environment says.
local_env=("${codec_unset[@]}" -u TEMPORAL_API_KEY -u TEMPORAL_TLS_CERT -u TEMPORAL_TLS_KEY -u TEMPORAL_TLS_CA -u TEMPORAL_TLS_SERVER_NAME
	TEMPORAL_ADDRESS="$ADDRESS" TEMPORAL_NAMESPACE=default EHC_CODEC_KEYS_FILE="$KEYS_FILE")
echo "run-local: starting the worker (log $WORKER_LOG)" >&2
env "${local_env[@]}" "$WORKER" "$@" </dev/null >>"$WORKER_LOG" 2>&1 &
worker_pid=$!

if [[ -n $server_pid ]]; then
	echo "run-local: starting the demo; Ctrl-C stops it, the worker, the dev server and the codec server" >&2
else
	echo "run-local: starting the demo; Ctrl-C stops it, the worker and the codec server" >&2
fi
env -u SENDGRID_API_KEY "${local_env[@]}" bin/ehc demo --ui "http://$IP:$UI_PORT" --worker-log "$WORKER_LOG" </dev/null &
demo_pid=$!

# The demo driver tells its story in the foreground; when it has finished,
# the stack runs on until Ctrl-C. If the worker stops, so does the demo.
while [[ -n $demo_pid ]]; do
	if ! kill -0 "$demo_pid" 2>/dev/null; then
		if wait "$demo_pid"; then demo_status=0; else demo_status=$?; fi
		demo_pid=
		if [[ -z $interrupted ]]; then
			if ((demo_status != 0)); then
				echo "run-local: the demo driver stopped (exit $demo_status); the stack runs on" >&2
			fi
			echo "run-local: the stack runs on: UI http://$IP:$UI_PORT, worker log $WORKER_LOG; Ctrl-C stops it" >&2
		fi
		break
	fi
	if ! kill -0 "$worker_pid" 2>/dev/null; then
		echo "run-local: the worker stopped; stopping the demo driver. The end of $WORKER_LOG:" >&2
		tail -n 5 "$WORKER_LOG" >&2
		kill -TERM "$demo_pid" 2>/dev/null || true
		wait "$demo_pid" 2>/dev/null || true
		demo_pid=
		break
	fi
	nap 0.5
done

# wait returns early when a trapped signal arrives; wait again until the
# worker has really gone, then report its status.
status=0
while :; do
	if wait "$worker_pid"; then status=0; else status=$?; fi
	kill -0 "$worker_pid" 2>/dev/null || break
done
worker_pid=
exit "$status"
