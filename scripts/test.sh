#!/usr/bin/env bash
# The whole test suite against a real Postgres: a private embedded cluster,
# or the one in DATABASE_URL when that is set.
set -euo pipefail
cd "$(dirname "$0")/.."

# The mail tests deliver over SMTP to a real server on localhost: aiosmtpd.
if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
  python3 -m pip --version >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3-pip >/dev/null; }
  python3 -m pip install --quiet --disable-pip-version-check aiosmtpd \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages aiosmtpd
fi

if [ -z "${DATABASE_URL:-}" ]; then
  scripts/ensure-postgres.sh
  cargo build --quiet --bin beursvloer
  bin="${CARGO_TARGET_DIR:-target}/debug/beursvloer"
  # Outside the clone: a clone under /root is not reachable by the postgres user.
  export BEURSVLOER_DATA="${TMPDIR:-/tmp}/beursvloer-test-$(id -u)-$$"
  mkdir -p "$BEURSVLOER_DATA" && chmod 755 "$BEURSVLOER_DATA"
  cleanup() { "$bin" db stop || true; rm -rf "$BEURSVLOER_DATA"; }
  trap cleanup EXIT
  DATABASE_URL="$("$bin" db start | sed -n 's/^DATABASE_URL=//p')"
  export DATABASE_URL
fi

cargo test --workspace --all-targets "$@"

# The same pages in a real browser: stories, axe-core (WCAG 2.1 AA), the Nu
# HTML Checker, keyboard only and without JavaScript.
scripts/browser-test.sh
