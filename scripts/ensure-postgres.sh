#!/usr/bin/env bash
# Makes sure the case register's PostgreSQL answers on 127.0.0.1:5432 before
# `make run` and `make test`, starting it when it is not running:
#
#   1. a server already answering there is used as it is;
#   2. else a Debian cluster on port 5432 (/etc/postgresql/VERSION/main) is
#      started with pg_ctlcluster (as root, or with sudo when it needs no
#      password);
#   3. else (or when that cluster is not ours to start), if PostgreSQL's
#      server programs are installed, a cluster of the repository's own is
#      created under .data/postgres (git-ignored; trust authentication for
#      local and 127.0.0.1 connections, superuser postgres, listening on
#      127.0.0.1:5432 only; as root, run by the postgres system user) and
#      started with pg_ctl, its log in .data/postgres.log;
#   4. else it fails, saying what to install.
#
# When DATABASE_URL names a server other than 127.0.0.1 or localhost port
# 5432, that server is the user's own and nothing is done.
#
# `scripts/ensure-postgres.sh stop` stops the repository's own cluster
# (.data/postgres) if it is running, and nothing else; `make clean` uses it
# before removing .data/.
#
# It prints one line saying what it did. When the server is up it also checks
# that the URL's user can log in, and says how to fix it when not.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=127.0.0.1
PORT=5432
DEFAULT_URL="postgres://postgres@$HOST:$PORT/ehc?sslmode=disable"
DATA=$PWD/.data
PGDATA_DIR=$DATA/postgres
LOG=$DATA/postgres.log
WAIT_SECONDS=60

say() { echo "ensure-postgres: $*" >&2; }
die() {
	say "$*"
	exit 1
}

# --- where DATABASE_URL points ---------------------------------------------

# Sets url_host ('' for this machine's socket, '?' for several hosts),
# url_port, url_user and url_password from a connection string, read by pgx
# (starter/dev/pgurl) as the worker will read it.
parse_url() {
	local out
	out=$(go run ./starter/dev/pgurl "$1") || die "cannot read DATABASE_URL (above)"
	eval "$out"
}

# --- finding PostgreSQL's programs -------------------------------------------

# The newest installed version's directory of server programs
# (/usr/lib/postgresql/N/bin on Debian), else the directory holding initdb
# on PATH (Homebrew, other distributions); empty when there is none.
server_bindir() {
	local d best='' bestv=-1 v
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x $d/initdb && -x $d/pg_ctl ]] || continue
		v=$(basename "$(dirname "$d")")
		v=${v%%.*}
		if [[ $v =~ ^[0-9]+$ ]] && ((v > bestv)); then
			best=$d bestv=$v
		fi
	done
	if [[ -z $best ]] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
		best=$(dirname "$(command -v initdb)")
	fi
	echo "$best"
}

# A client program: on PATH, else from the newest server installation.
client_prog() {
	local name=$1 d
	if command -v "$name" >/dev/null; then
		command -v "$name"
		return
	fi
	while IFS= read -r d; do
		if [[ -x $d/$name ]]; then
			echo "$d/$name"
			return
		fi
	done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
}

# --- is it up? -----------------------------------------------------------------

# ready succeeds when a PostgreSQL server accepts connections on HOST:PORT.
# Without pg_isready (a server in a container, no client here), an open TCP
# port will do.
ready() {
	local isready
	isready=$(client_prog pg_isready)
	if [[ -n $isready ]]; then
		"$isready" -q -h "$HOST" -p "$PORT" -t 2 >/dev/null 2>&1
	else
		(exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null
	fi
}

wait_ready() {
	local what=$1 i
	for ((i = 0; i < WAIT_SECONDS * 4; i++)); do
		if ready; then
			return 0
		fi
		sleep 0.25
	done
	die "$what did not accept connections on $HOST:$PORT within ${WAIT_SECONDS}s${2:+; see $2}"
}

# check_login connects as the register will (the URL's user and password) to
# the server's postgres database, so a server that wants a password the URL
# does not give is reported here, with the way out, rather than by every test.
check_login() {
	local psql out
	psql=$(client_prog psql)
	[[ -n $psql ]] || return 0 # no client to ask with; the worker will say
	if out=$(PGPASSWORD=$url_password PGCONNECT_TIMEOUT=5 "$psql" -X -w -q -At \
		-h "$url_host" -p "$url_port" -U "$url_user" -d postgres -c 'select 1' 2>&1); then
		return 0
	fi
	say "PostgreSQL on $url_host:$url_port is running but does not let user \"$url_user\" in: ${out//$'\n'/ }"
	if [[ $out == *"does not exist"* ]]; then
		die "give DATABASE_URL a user the server has (postgres://USER:PASSWORD@$url_host:$url_port/ehc?sslmode=disable), or create the role $url_user"
	fi
	say "either give DATABASE_URL a user and password it accepts (postgres://USER:PASSWORD@$url_host:$url_port/ehc?sslmode=disable),"
	die "or let local connections in: add 'host all $url_user 127.0.0.1/32 trust' to the server's pg_hba.conf (before the other host lines) and reload it"
}

# --- running programs as the right user ------------------------------------------

# initdb and the server refuse to run as root: as root, they run as the
# postgres system user, which owns the data directory.
as_owner() {
	if ((EUID != 0)); then
		"$@"
	elif command -v runuser >/dev/null; then
		runuser -u postgres -- "$@"
	else
		su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
	fi
}

check_owner() {
	((EUID == 0)) || return 0
	if ! id -u postgres >/dev/null 2>&1; then
		die "running as root, and PostgreSQL will not run as root: create a 'postgres' system user (useradd --system postgres), run as an ordinary user, or set DATABASE_URL to a reachable server"
	fi
	if ! as_owner test -x "$DATA"; then
		die "running as root, the postgres user cannot reach $DATA (a directory above it is not searchable by others); move the checkout, or set DATABASE_URL to a reachable server"
	fi
}

# --- the repository's own cluster ------------------------------------------------

pg_ctl_local() {
	as_owner "$bindir/pg_ctl" -D "$PGDATA_DIR" "$@"
}

local_running() {
	[[ -f $PGDATA_DIR/PG_VERSION ]] && [[ -n ${bindir:-} ]] && pg_ctl_local status >/dev/null 2>&1
}

stop_local() {
	bindir=$(server_bindir)
	if [[ ! -f $PGDATA_DIR/PG_VERSION ]]; then
		say "no cluster under .data/postgres; nothing to stop"
		return
	fi
	if [[ -z $bindir ]]; then
		say "PostgreSQL's programs are not installed; cannot stop the cluster under .data/postgres"
		return
	fi
	if local_running; then
		pg_ctl_local stop -m fast -w -t "$WAIT_SECONDS" >/dev/null
		say "stopped the cluster under .data/postgres"
	else
		say "the cluster under .data/postgres is not running"
	fi
}

start_local() {
	local created=''
	mkdir -p "$DATA"
	check_owner
	if [[ ! -f $PGDATA_DIR/PG_VERSION ]]; then
		if [[ -e $PGDATA_DIR ]] && [[ -n $(ls -A "$PGDATA_DIR") ]]; then
			die "$PGDATA_DIR exists but holds no cluster; remove it (make clean) and try again"
		fi
		if ((EUID == 0)); then
			install -d -o postgres -g "$(id -gn postgres)" -m 700 "$PGDATA_DIR"
		else
			install -d -m 700 "$PGDATA_DIR"
		fi
		local out
		if ! out=$(as_owner "$bindir/initdb" -D "$PGDATA_DIR" -U postgres \
			--auth-local=trust --auth-host=trust -E UTF8 --no-locale 2>&1); then
			echo "$out" >&2
			die "initdb failed creating $PGDATA_DIR"
		fi
		# TCP on 127.0.0.1:5432 only; no Unix socket, whose default directory
		# (/var/run/postgresql on Debian) may not be ours to write.
		cat >>"$PGDATA_DIR/postgresql.conf" <<-EOF

			# Set by scripts/ensure-postgres.sh
			listen_addresses = '$HOST'
			port = $PORT
			unix_socket_directories = ''
		EOF
		created=1
	fi
	touch "$LOG"
	if ((EUID == 0)); then
		chown postgres "$LOG"
	fi
	if ! pg_ctl_local start -w -t "$WAIT_SECONDS" -l "$LOG" >/dev/null 2>&1; then
		say "the server under .data/postgres did not start; the end of $LOG:"
		tail -n 20 "$LOG" >&2
		exit 1
	fi
	wait_ready "the server under .data/postgres" "$LOG"
	if [[ -n $created ]]; then
		say "created a PostgreSQL cluster under .data/postgres and started it on $HOST:$PORT (log .data/postgres.log)${instead:-}"
	else
		say "started the PostgreSQL cluster under .data/postgres on $HOST:$PORT (log .data/postgres.log)${instead:-}"
	fi
}

# --- a Debian cluster ------------------------------------------------------------

# The newest Debian cluster "main" configured for port 5432, if any.
debian_cluster() {
	local d v port best='' bestv=-1
	for d in /etc/postgresql/*/main; do
		[[ -f $d/postgresql.conf ]] || continue
		v=$(basename "$(dirname "$d")")
		port=$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$d/postgresql.conf" | tail -n 1)
		[[ ${port:-5432} == "$PORT" ]] || continue
		[[ -d /usr/lib/postgresql/$v/bin ]] || continue
		if [[ ${v%%.*} =~ ^[0-9]+$ ]] && ((${v%%.*} > bestv)); then
			best=$v bestv=${v%%.*}
		fi
	done
	echo "$best"
}

start_debian() {
	local v=$1 out
	local cmd=(pg_ctlcluster --skip-systemctl-redirect "$v" main start)
	if ((EUID != 0)) && [[ $(id -un) != postgres ]]; then
		if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
			cmd=(sudo -n "${cmd[@]}")
		else
			return 1 # not ours to start
		fi
	fi
	if ! out=$("${cmd[@]}" 2>&1); then
		echo "$out" >&2
		die "could not start the PostgreSQL $v cluster: ${cmd[*]} failed (its log: /var/log/postgresql/postgresql-$v-main.log)"
	fi
	wait_ready "the PostgreSQL $v cluster" "/var/log/postgresql/postgresql-$v-main.log"
	say "started the PostgreSQL $v cluster (/etc/postgresql/$v/main) on $HOST:$PORT"
}

# --- main ------------------------------------------------------------------------

if [[ ${1:-} == stop ]]; then
	stop_local
	exit 0
elif [[ $# -gt 0 ]]; then
	die "usage: $0 [stop]"
fi

parse_url "${DATABASE_URL:-$DEFAULT_URL}"
case $url_host in
'' | 127.0.0.1 | localhost) ;;
*)
	say "DATABASE_URL names a server of your own ($url_host:$url_port); leaving it to you"
	exit 0
	;;
esac
if [[ $url_port != "$PORT" ]]; then
	say "DATABASE_URL names a server of your own (${url_host:-localhost}:$url_port); leaving it to you"
	exit 0
fi
url_host=${url_host:-$HOST}

if ready; then
	check_login
	say "PostgreSQL is already running on $HOST:$PORT"
	exit 0
fi

instead=''
if version=$(debian_cluster) && [[ -n $version ]]; then
	if start_debian "$version"; then
		check_login
		exit 0
	fi
	# Starting a system cluster needs root (or sudo without a password);
	# the repository's own cluster needs neither.
	instead=" (the PostgreSQL $version cluster needs root to start: 'sudo pg_ctlcluster $version main start')"
fi

bindir=$(server_bindir)
if [[ -n $bindir ]]; then
	start_local
	check_login
	exit 0
fi

die "PostgreSQL is not running on $HOST:$PORT and is not installed: install it (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql), or set DATABASE_URL to a server you can reach"
