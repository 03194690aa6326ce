#!/usr/bin/env bash
# The offline data of the query! macros (.sqlx/), made against a fresh,
# migrated database:
#
#   scripts/sqlx-prepare.sh           # after changing a query!: writes .sqlx/
#   scripts/sqlx-prepare.sh --check   # CI: fails when .sqlx/ is out of date
#
# Uses the server in DATABASE_URL, or a private cluster like scripts/test.sh
# (which needs the binary built: with a changed query!, give DATABASE_URL).
# Installs sqlx-cli (the version of the sqlx crate) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if ! cargo sqlx --version >/dev/null 2>&1; then
  say "installing sqlx-cli"
  cargo install --locked --quiet sqlx-cli --version 0.8.6 --no-default-features --features postgres
fi

# The private cluster is started by the binary, which builds only while
# .sqlx/ is current: after changing a query!, give a server in DATABASE_URL
# (then nothing is built first).
[ -n "${DATABASE_URL:-}" ] || cargo build --quiet --bin beursvloer
private_postgres "${CARGO_TARGET_DIR:-target}/debug/beursvloer"
db="bv_sqlx_$$"
fresh_database "$db"
url="$(database_url "$db")"
cargo sqlx migrate run --database-url "$url" >/dev/null
SQLX_OFFLINE=false DATABASE_URL="$url" cargo sqlx prepare "$@" -- --all-targets
