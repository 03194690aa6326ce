#!/usr/bin/env bash
# Browser tests: the main stories through the real UI (with and without
# JavaScript), axe-core WCAG 2.0/2.1 A+AA on every page type, a keyboard-only
# walk-through, and the Nu HTML Checker (the current vnu.jar, from the npm
# package vnu-jar in browser/) on every page type's HTML.
#
# Mail goes by SMTP to a real server on localhost (aiosmtpd from PyPI, its
# Mailbox handler writing a Maildir that the stories read through MAILDIR),
# the way it goes to a mail relay in production.
#
# Runs Debian's Chromium through playwright-core (browser/). Installs what is
# missing: chromium (apt), the npm packages (npm ci), a Java runtime for vnu.jar.
# Uses the Postgres in DATABASE_URL (a fresh database is created on it for the
# run and dropped afterwards), or starts a private embedded cluster like
# scripts/test.sh when DATABASE_URL is unset.
#
# Screenshots and the checked HTML end up in test-artifacts/ (gitignored),
# the app's log in test-artifacts/browser-app.log.
#
# Environment: BROWSER_TEST_BIN (use this binary instead of building),
# CHROMIUM (default /usr/bin/chromium). Extra arguments go to `node --test`,
# e.g. scripts/browser-test.sh --test-name-pattern=toetsenbord
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
artifacts="$root/test-artifacts"
mkdir -p "$artifacts"
started=$(date +%s)

say() { echo "browser-test: $*" >&2; }

if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="missing"; fi
apt_updated=""
apt_install() {
  if [ "$SUDO" = missing ]; then
    say "need root or sudo to install: $*"; exit 1
  fi
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- tools -----------------------------------------------------------------
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  say "installing chromium"
  apt_install chromium fonts-liberation fonts-dejavu-core
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing node and npm"
  apt_install nodejs npm
fi
if ! command -v java >/dev/null; then
  say "installing a Java runtime for the Nu HTML Checker"
  apt_install default-jre-headless
fi
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  say "installing aiosmtpd"
  python3 -m pip --version >/dev/null 2>&1 || apt_install python3-pip
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages aiosmtpd
fi
# npm ci when node_modules is missing or was installed from another lock file.
if ! cmp -s browser/package-lock.json browser/node_modules/.installed-lock.json; then
  say "npm ci in browser/"
  (cd browser && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.installed-lock.json)
fi

# --- the app's binary ------------------------------------------------------
if [ -n "${BROWSER_TEST_BIN:-}" ]; then
  bin="$BROWSER_TEST_BIN"
else
  cargo build --quiet --bin beursvloer
  bin="${CARGO_TARGET_DIR:-target}/debug/beursvloer"
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

# --- database ----------------------------------------------------------------
app_pid=""
smtp_pid=""
maildir=""
own_cluster=""
db_name="beursvloer_browser_$$"
server_url=""
psql_bin="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -n 1)"

cleanup() {
  status=$?
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  if [ -n "$smtp_pid" ] && kill -0 "$smtp_pid" 2>/dev/null; then
    kill "$smtp_pid" 2>/dev/null || true
    wait "$smtp_pid" 2>/dev/null || true
  fi
  if [ -n "$own_cluster" ]; then
    BEURSVLOER_DATA="$own_cluster" "$bin" db stop >/dev/null 2>&1 || true
    rm -rf "$own_cluster"
  elif [ -n "$server_url" ]; then
    "$psql_bin" "$server_url" -qc "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  exit $status
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  scripts/ensure-postgres.sh
  # Outside the clone: a clone under /root is not reachable by the postgres user.
  own_cluster="${TMPDIR:-/tmp}/beursvloer-browser-$(id -u)-$$"
  mkdir -p "$own_cluster" && chmod 755 "$own_cluster"
  DATABASE_URL="$(BEURSVLOER_DATA="$own_cluster" "$bin" db start | sed -n 's/^DATABASE_URL=//p')"
  [ -n "$DATABASE_URL" ] || { say "the embedded cluster did not start"; exit 1; }
fi
server_url="$DATABASE_URL"
[ -n "$psql_bin" ] || { say "psql not found"; exit 1; }

# Same server, fresh database: replace the path of the URL, keep its query
# (?host=/socket/dir for a Unix socket).
url_base="${server_url%%\?*}"
url_query="${server_url#"$url_base"}"
if [[ "$url_base" =~ ^[a-z]+://[^/]*$ ]]; then
  app_db_url="$url_base/$db_name$url_query"
else
  app_db_url="${url_base%/*}/$db_name$url_query"
fi
"$psql_bin" "$server_url" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db_name" >/dev/null

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# --- the SMTP server ------------------------------------------------------------
# aiosmtpd's Mailbox handler creates the Maildir itself (it must not exist yet).
maildir="$artifacts/maildir"
rm -rf "$maildir"
smtp_port="$(free_port)"
python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" \
  >"$artifacts/browser-smtp.log" 2>&1 &
smtp_pid=$!
for _ in $(seq 1 40); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then break; fi
  if ! kill -0 "$smtp_pid" 2>/dev/null; then
    say "the SMTP server stopped; its log:"; cat "$artifacts/browser-smtp.log" >&2; exit 1
  fi
  sleep 0.25
done
(exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null || { say "no SMTP server on port $smtp_port"; exit 1; }

# --- the app -----------------------------------------------------------------
port="$(free_port)"
base_url="http://127.0.0.1:$port"
SMTP_URL="smtp://127.0.0.1:$smtp_port" DATABASE_URL="$app_db_url" "$bin" serve --demo --bind "127.0.0.1:$port" --base-url "$base_url" \
  >"$artifacts/browser-app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 120); do
  if curl -fsS "$base_url/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$app_pid" 2>/dev/null; then
    say "the app stopped; its log:"; tail -n 40 "$artifacts/browser-app.log" >&2; exit 1
  fi
  sleep 0.5
done
curl -fsS "$base_url/healthz" >/dev/null || { say "no answer from $base_url/healthz"; exit 1; }
say "app up at $base_url (database $db_name, mail to smtp://127.0.0.1:$smtp_port, $maildir) after $(( $(date +%s) - started ))s"

# --- the tests -----------------------------------------------------------------
set +e
(cd browser && BASE_URL="$base_url" ARTIFACTS_DIR="$artifacts" MAILDIR="$maildir" \
  node --test --test-concurrency=1 --test-reporter=spec "$@" tests/*.test.js)
result=$?
set -e
say "screenshots: $artifacts/screenshots, checked HTML: $artifacts/html, app log: $artifacts/browser-app.log, mail: $maildir"
say "finished in $(( $(date +%s) - started ))s"
exit $result
