#!/usr/bin/env bash
# Backup and restore, tested: dump a database with the demo data (pg_dump,
# custom format), restore it into a fresh database (pg_restore), and compare
# the row count of every table. Exits non-zero on any difference.
#
# The documented procedure it checks:
#   pg_dump --format=custom --no-owner "$DATABASE_URL" > beursvloer.dump
#   createdb NEW && pg_restore --no-owner --exit-on-error -d NEW beursvloer.dump
#
# Uses DATABASE_URL's server when set, else a private embedded cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --bin beursvloer
bin="${CARGO_TARGET_DIR:-target}/debug/beursvloer"
. scripts/lib.sh
work="$(mktemp -d /tmp/beursvloer-backup-XXXXXX)"
chmod 755 "$work"
on_exit "rm -rf '$work'"
private_postgres "$bin"
url_for() { database_url "$1"; }
src="bv_backup_src_$$"
dst="bv_backup_dst_$$"
fresh_database "$src"
fresh_database "$dst"

DATABASE_URL="$(url_for "$src")" "$bin" import demo/demo.json >/dev/null
psql -q -v ON_ERROR_STOP=1 "$(url_for "$src")" <<'SQL'
INSERT INTO rate_events (kind, key) SELECT 'item', 'ip:10.0.0.' || g FROM generate_series(1, 50) g;
INSERT INTO login_failures (email, ip) SELECT 'x' || g || '@voorbeeld.nl', '10.0.0.1' FROM generate_series(1, 25) g;
SQL

echo "dump:    pg_dump --format=custom $src"
pg_dump --format=custom --no-owner "$(url_for "$src")" > "$work/beursvloer.dump"
echo "restore: pg_restore into $dst ($(du -h "$work/beursvloer.dump" | cut -f1) dump)"
pg_restore --no-owner --exit-on-error -d "$(url_for "$dst")" "$work/beursvloer.dump"

counts() {
  psql -At -v ON_ERROR_STOP=1 "$1" <<'SQL'
SELECT format('SELECT %L || '' '' || count(*) FROM %I.%I;', table_schema || '.' || table_name, table_schema, table_name)
FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY 1
\gexec
SQL
}
counts "$(url_for "$src")" > "$work/src.txt"
counts "$(url_for "$dst")" > "$work/dst.txt"
printf '%-40s %8s %8s\n' table source restored
join "$work/src.txt" "$work/dst.txt" | while read -r t a b; do printf '%-40s %8s %8s\n' "$t" "$a" "$b"; done
tables=$(wc -l < "$work/src.txt")
rows=$(awk '{s += $2} END {print s}' "$work/src.txt")
if diff -u "$work/src.txt" "$work/dst.txt"; then
  echo "backup-restore: OK, $tables tables, $rows rows, identical counts"
else
  echo "backup-restore: FAILED, counts differ" >&2
  exit 1
fi
