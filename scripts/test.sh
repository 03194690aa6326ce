#!/usr/bin/env bash
# The whole test suite against a real Postgres: a private embedded cluster,
# or the one in DATABASE_URL when that is set.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh
# The mail tests deliver over SMTP to a real server on localhost: aiosmtpd.
pip_install aiosmtpd

cargo build --quiet --bin beursvloer
private_postgres "${CARGO_TARGET_DIR:-target}/debug/beursvloer"

cargo test --workspace --all-targets "$@"

# The same pages in a real browser: stories, axe-core (WCAG 2.1 AA), the Nu
# HTML Checker, keyboard only and without JavaScript.
scripts/browser-test.sh
