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

. scripts/lib.sh

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
  pip_install aiosmtpd
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
# The server in DATABASE_URL or a private cluster; a fresh database on it.
private_postgres "$bin"
db_name="beursvloer_browser_$$"
fresh_database "$db_name"
app_db_url="$(database_url "$db_name")"

# --- the SMTP server ------------------------------------------------------------
# aiosmtpd's Mailbox handler creates the Maildir itself (it must not exist yet).
maildir="$artifacts/maildir"
rm -rf "$maildir"
smtp_port="$(free_port)"
python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" \
  >"$artifacts/browser-smtp.log" 2>&1 &
smtp_pid=$!
on_exit "kill $smtp_pid; wait $smtp_pid"
wait_for_port "$smtp_port" "$smtp_pid" "$artifacts/browser-smtp.log"

# --- the app -----------------------------------------------------------------
port="$(free_port)"
base_url="http://127.0.0.1:$port"
serve_and_wait "$base_url" "$artifacts/browser-app.log" \
  env SMTP_URL="smtp://127.0.0.1:$smtp_port" DATABASE_URL="$app_db_url" "$bin" serve --demo --bind "127.0.0.1:$port" --base-url "$base_url"
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
