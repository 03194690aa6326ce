#!/usr/bin/env bash
# The browse pages on a national database: 100,000 open items of 7,000
# organisations in 350 municipalities (generated in SQL, the words of the
# load test), served by the release build. For the first page, a filtered
# page (one municipality and one category) and a search, `wrk -t2 -c64
# -d10s` gives req/s, p50 and p99 (the goal: p99 under 50 ms).
#
#   scripts/bench-national.sh
#   DURATION=5 scripts/bench-national.sh
#   NATIONAL_URL=postgres://…/db scripts/bench-national.sh   # reuse a seeded database
#
# Suggestions of the generated items are marked computed: this measures the
# pages, not the suggestion worker catching up with 100,000 new items.
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10}"; conns="${CONNECTIONS:-64}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/beursvloer"
if [ -n "${REBUILD:-}" ] || [ ! -x "$bin" ]; then cargo build --release --bin beursvloer; fi
. scripts/lib.sh
work="$(mktemp -d /tmp/beursvloer-national-XXXXXX)"; chmod 755 "$work"
[ -n "${KEEP:-}" ] || on_exit "rm -rf '$work'"
ulimit -n 65536 2>/dev/null || true
psql="$(psql_bin)"
if [ -n "${NATIONAL_URL:-}" ]; then
  url="$NATIONAL_URL"
else
  private_postgres "$bin"
  fresh_database "bv_national_$$"
  url="$(database_url "bv_national_$$")"
fi
port="$(free_port)"; base="http://127.0.0.1:$port"
# Start once to migrate, seed, then serve on the seeded database.
serve_and_wait "$base" "$work/app.log" env RUST_LOG=warn DATABASE_URL="$url" \
  "$bin" serve --bind "127.0.0.1:$port"
t0=$(date +%s)
[ "$("$psql" -At "$url" -c "SELECT count(*) FROM items")" -ge 100000 ] || "$psql" -q -v ON_ERROR_STOP=1 "$url" <<'SQL'
INSERT INTO municipalities (name) SELECT 'Gemeente ' || g FROM generate_series(1, 350) g;
WITH kinds AS (SELECT ARRAY['bedrijf','maatschappelijke_organisatie','vrijwilligersorganisatie',
                            'school','serviceclub','overheid'] AS k),
     ms AS (SELECT array_agg(id ORDER BY id) AS ids FROM municipalities)
INSERT INTO organisations (name, kind, municipality_id, postcode)
SELECT 'Organisatie ' || g, (SELECT k[1 + g % 6] FROM kinds), (SELECT ids[1 + g % 350] FROM ms),
       lpad((1000 + g % 8999)::text, 4, '0')
FROM generate_series(1, 7000) g;
WITH words AS (SELECT ARRAY['vergaderruimte','bestelbus','klussers','schilders','laptop','tuinhulp',
                            'boekhouding','fotograaf','website','koffie','tafels','stoelen','workshop',
                            'vrijwilligers','netwerk','drukwerk','kantine','aanhanger','coaching','muziek'] AS w),
     orgs AS (SELECT array_agg(id ORDER BY id) AS ids FROM organisations)
INSERT INTO items (organisation_id, direction, category, title, description, theme, hours,
                   created_at, updated_at, suggested_at)
SELECT (SELECT ids[1 + (g * 7919) % 7000] FROM orgs),
       CASE WHEN g % 2 = 0 THEN 'offer' ELSE 'request' END,
       (ARRAY['menskracht','kennis','materiaal','netwerk','faciliteiten','creativiteit'])[1 + g % 6],
       initcap((SELECT w[1 + g % 20] FROM words)) || ' voor ' || (SELECT w[1 + (g / 20) % 20] FROM words) || ' ' || g,
       'Wij ' || CASE WHEN g % 2 = 0 THEN 'bieden' ELSE 'zoeken' END || ' ' || (SELECT w[1 + (g * 7) % 20] FROM words)
         || ' en ' || (SELECT w[1 + (g * 3) % 20] FROM words) || ' voor een dag in het najaar.',
       (ARRAY['sport','cultuur','zorg','onderwijs','natuur'])[1 + g % 5], 1 + g % 40,
       now() - g * interval '1 minute', now() - g * interval '1 minute', now()
FROM generate_series(1, 100000) g;
VACUUM ANALYZE;
SQL
echo "seeded $("$psql" -At "$url" -c "SELECT count(*) FROM items WHERE status = 'open'") open items in $(( $(date +%s) - t0 )) s"
municipality="$("$psql" -At "$url" -c "SELECT id FROM municipalities ORDER BY id OFFSET 100 LIMIT 1")"
pages=("/markt" "/markt?gemeente=$municipality&categorie=kennis" "/markt?q=vrijwilligers"
       "/markt?q=vrijwilligers&gemeente=$municipality")
for p in "${pages[@]}"; do curl -fsS -o /dev/null "$base$p"; done
printf '%-46s %10s %9s %9s %7s\n' page req/s p50 p99 non-2xx
for p in "${pages[@]}"; do
  log="$work/wrk.log"
  wrk -t2 -c"$conns" -d"${duration}s" --latency "$base$p" > "$log" 2>&1
  bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$log")
  printf '%-46s %10s %9s %9s %7s\n' "$p" "$(sed -n 's/^Requests\/sec: *//p' "$log")" \
    "$(awk '$1 == "50%" {print $2}' "$log")" "$(awk '$1 == "99%" {print $2}' "$log")" "${bad:-0}"
done
# A different page per request: what a page costs when it is not in memory.
first="$("$psql" -At "$url" -c "SELECT min(id) FROM municipalities")"
last="$("$psql" -At "$url" -c "SELECT max(id) FROM municipalities")"
for mode in filter search; do
  log="$work/wrk.$mode.log"
  MODE=$mode FIRST=$first LAST=$last wrk -t2 -c"$conns" -d"${duration}s" --latency \
    -s scripts/load/national.lua "$base" > "$log" 2>&1
  bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$log")
  printf '%-46s %10s %9s %9s %7s\n' "random $mode (lua)" "$(sed -n 's/^Requests\/sec: *//p' "$log")" \
    "$(awk '$1 == "50%" {print $2}' "$log")" "$(awk '$1 == "99%" {print $2}' "$log")" "${bad:-0}"
done
