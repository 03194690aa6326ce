# Shared by the scripts in this folder: one way to get a Postgres, a free port
# and an app that answers, and one list of things to undo at exit.
#
#   . "$(dirname "$0")/lib.sh"
#   private_postgres "$bin"          # DATABASE_URL: given, or a private cluster
#   fresh_database bv_x_$$           # CREATE DATABASE, dropped at exit
#   url="$(database_url bv_x_$$)"
#   port="$(free_port)"
#   serve_and_wait "http://127.0.0.1:$port" "$log" "$bin" serve --bind "127.0.0.1:$port"
#
# Sourcing sets the EXIT trap; add cleanup with `on_exit 'command'` (run last
# added first) rather than a trap of your own.

# --- cleanup ------------------------------------------------------------------
_lib_on_exit=()
on_exit() { _lib_on_exit+=("$1"); }
_lib_run_exit() {
  local status=$? i
  for ((i = ${#_lib_on_exit[@]} - 1; i >= 0; i--)); do
    eval "${_lib_on_exit[$i]}" >/dev/null 2>&1 || true
  done
  exit $status
}
trap _lib_run_exit EXIT

say() { echo "$(basename "$0"): $*" >&2; }

# --- tools ----------------------------------------------------------------------
# psql may be installed only under /usr/lib/postgresql/N/bin (server package).
psql_bin() {
  command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -n 1
}

# pip_install MODULE [PACKAGE]: install a Python package from PyPI unless its
# module imports already (Debian's Python may want --break-system-packages).
pip_install() {
  python3 -c "import $1" 2>/dev/null && return 0
  python3 -m pip --version >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null; }
  python3 -m pip install --quiet --disable-pip-version-check "${2:-$1}" \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${2:-$1}"
}

# A TCP port nobody listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- Postgres -----------------------------------------------------------------
# private_postgres BIN: make sure DATABASE_URL names a server. When it is set,
# that server is used as it is; else BIN starts a private embedded cluster
# (`beursvloer db start`) in a directory outside the clone (a clone under /root
# is not reachable by the postgres user), stopped and removed at exit.
private_postgres() {
  local bin="$1"
  [ -n "${DATABASE_URL:-}" ] && return 0
  scripts/ensure-postgres.sh
  BEURSVLOER_DATA="$(mktemp -d "${TMPDIR:-/tmp}/beursvloer-pg-$(id -u)-XXXXXX")"
  export BEURSVLOER_DATA
  chmod 755 "$BEURSVLOER_DATA"
  on_exit "BEURSVLOER_DATA='$BEURSVLOER_DATA' '$bin' db stop; rm -rf '$BEURSVLOER_DATA'"
  DATABASE_URL="$("$bin" db start | sed -n 's/^DATABASE_URL=//p')"
  [ -n "$DATABASE_URL" ] || { say "the embedded cluster did not start"; exit 1; }
  export DATABASE_URL
}

# database_url NAME: a URL for database NAME on DATABASE_URL's server; the
# query (?host=/socket/dir for a Unix socket) is kept.
database_url() {
  local base="${DATABASE_URL%%\?*}" query=""
  [[ "$DATABASE_URL" == *\?* ]] && query="?${DATABASE_URL#*\?}"
  if [[ "$base" =~ ^[a-z]+://[^/]*$ ]]; then
    echo "$base/$1$query"
  else
    echo "${base%/*}/$1$query"
  fi
}

# fresh_database NAME: create an empty database on DATABASE_URL's server,
# dropped at exit.
fresh_database() {
  local psql
  psql="$(psql_bin)"
  [ -n "$psql" ] || { say "psql not found"; exit 1; }
  "$psql" "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $1" >/dev/null
  on_exit "'$psql' '$DATABASE_URL' -qc 'DROP DATABASE IF EXISTS $1 WITH (FORCE)'"
}

# --- processes ------------------------------------------------------------------
# serve_and_wait BASE_URL LOG COMMAND...: start COMMAND in the background with
# its output in LOG, stopped at exit, and wait (up to 60 s) until
# BASE_URL/healthz answers. Sets SERVED_PID. Stops the script, with the end of
# LOG, when the command dies first or never answers.
serve_and_wait() {
  local base_url="$1" log="$2"
  shift 2
  "$@" >"$log" 2>&1 &
  SERVED_PID=$!
  on_exit "kill $SERVED_PID; wait $SERVED_PID"
  local _
  for _ in $(seq 1 240); do
    curl -fsS "$base_url/healthz" >/dev/null 2>&1 && return 0
    if ! kill -0 "$SERVED_PID" 2>/dev/null; then
      say "$1 stopped before it answered; its log:"; tail -n 40 "$log" >&2; exit 1
    fi
    sleep 0.25
  done
  say "no answer from $base_url/healthz after 60 s; its log:"; tail -n 40 "$log" >&2; exit 1
}

# wait_for_port PORT PID LOG: wait (up to 10 s) until something listens on PORT.
wait_for_port() {
  local port="$1" pid="$2" log="$3" _
  for _ in $(seq 1 40); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      say "the process on port $port stopped; its log:"; tail -n 40 "$log" >&2; exit 1
    fi
    sleep 0.25
  done
  say "nothing listens on port $port"; exit 1
}
