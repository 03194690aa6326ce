#!/usr/bin/env bash
# Load test on loopback: a realistic event (500 organisations, 1,000 items),
# ~300 concurrent connections for DURATION seconds through browse, search,
# item pages, login and posting (one wrk process per route, all at once).
# Reports p50/p99 per route, every status (zero 5xx required), posted-vs-stored
# items, and our /markt's throughput as a ratio to examples/floor.rs (what
# axum + sqlx + askama cost: one trivial query of its own table, one
# template), measured in the same run with the same connections. Every page
# against the floor: scripts/bench-pages.sh.
#
#   scripts/load-test.sh                  # DURATION=60, release build
#   DURATION=20 scripts/load-test.sh
#
# Needs wrk (apt-get install wrk). Builds with --release unless the binaries exist
# (REBUILD=1 forces it).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-60}"
c_browse="${C_BROWSE:-100}"; c_search="${C_SEARCH:-70}"; c_item="${C_ITEM:-100}"
c_post="${C_POST:-24}"; c_login="${C_LOGIN:-6}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/beursvloer"; floor="$target/release/examples/floor"
if [ -n "${REBUILD:-}" ] || [ ! -x "$bin" ] || [ ! -x "$floor" ]; then
  cargo build --release --bin beursvloer --example floor
fi
. scripts/lib.sh
work="$(mktemp -d /tmp/beursvloer-load-XXXXXX)"; chmod 755 "$work"
[ -n "${KEEP:-}" ] || on_exit "rm -rf '$work'"
ulimit -n 65536 2>/dev/null || true
unset DATABASE_URL  # always a private cluster, sized for the test
private_postgres "$bin"
url="$DATABASE_URL"
port="$(free_port)"; base_port="$(free_port)"
# Room for the app's pool (20), the floor's (8) and the psql checks.
psql -q "$url" -c "ALTER SYSTEM SET max_connections = 200" >/dev/null || true

# Abuse limits would refuse most posts and logins from one loopback address:
# this test is about capacity, so they are raised (tests/it/abuse.rs covers them).
export BEURSVLOER_LIMIT_ITEMS_PER_ACCOUNT=10000000 BEURSVLOER_LIMIT_ITEMS_PER_IP=10000000
export BEURSVLOER_LIMIT_REGISTRATIONS_PER_IP=10000
DATABASE_URL="$url" BIND="127.0.0.1:$base_port" "$floor" > "$work/floor.log" 2>&1 &
floor_pid=$!
on_exit "kill $floor_pid; wait $floor_pid"
base="http://127.0.0.1:$port"
serve_and_wait "$base" "$work/app.log" env RUST_LOG=warn DATABASE_URL="$url" \
  "$bin" serve --bind "127.0.0.1:$port"
wait_for_port "$base_port" "$floor_pid" "$work/floor.log"

# 20 people register through the form (they log in and post during the test).
token() { curl -s -b "$1" -c "$1" "$base$2" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1; }
: > "$work/sessions"
for u in $(seq 1 20); do
  jar="$work/jar.$u"
  t="$(token "$jar" /registreren)"
  curl -s -o /dev/null -b "$jar" -c "$jar" -H "Origin: $base" --data-urlencode "csrf=$t" \
    --data-urlencode "name=Gebruiker $u" --data-urlencode "email=gebruiker$u@voorbeeld.nl" \
    --data-urlencode "password=een lang geheim wachtwoord" --data-urlencode "org_name=Deelnemer $u" \
    --data-urlencode "kind=bedrijf" --data-urlencode "municipality=Raalte" "$base/registreren"
  t="$(token "$jar" /items/nieuw)"
  echo "$(awk '$6 == "beursvloer_sessie" {print $6 "=" $7}' "$jar") $t" >> "$work/sessions"
done

# The event: 500 organisations (with the 20 above), 1,000 open items.
psql -q -v ON_ERROR_STOP=1 "$url" <<'SQL'
INSERT INTO municipalities (name) VALUES ('Raalte'), ('Olst-Wijhe'), ('Deventer'), ('Hellendoorn')
  ON CONFLICT DO NOTHING;
WITH kinds AS (SELECT ARRAY['bedrijf','maatschappelijke_organisatie','vrijwilligersorganisatie',
                            'school','serviceclub','overheid'] AS k)
INSERT INTO organisations (name, kind, municipality_id, postcode, description)
SELECT 'Organisatie ' || g, (SELECT k[1 + g % 6] FROM kinds),
       (SELECT id FROM municipalities ORDER BY id OFFSET g % 4 LIMIT 1), '81' || lpad((g % 100)::text, 2, '0'),
       'Een organisatie uit de regio, nummer ' || g
FROM generate_series(1, 480) g;
WITH words AS (SELECT ARRAY['vergaderruimte','bestelbus','klussers','schilders','laptop','tuinhulp',
                            'boekhouding','fotograaf','website','koffie','tafels','stoelen','workshop',
                            'vrijwilligers','netwerk','drukwerk','kantine','aanhanger','coaching','muziek'] AS w),
     orgs AS (SELECT array_agg(id) AS ids FROM organisations)
INSERT INTO items (organisation_id, direction, category, title, description, theme, hours)
SELECT (SELECT ids[1 + g % array_length(ids, 1)] FROM orgs),
       CASE WHEN g % 2 = 0 THEN 'offer' ELSE 'request' END,
       (ARRAY['menskracht','kennis','materiaal','netwerk','faciliteiten','creativiteit'])[1 + g % 6],
       initcap((SELECT w[1 + g % 20] FROM words)) || ' voor ' || (SELECT w[1 + (g / 20) % 20] FROM words) || ' ' || g,
       'Wij ' || CASE WHEN g % 2 = 0 THEN 'bieden' ELSE 'zoeken' END || ' ' || (SELECT w[1 + (g * 7) % 20] FROM words)
         || ' en ' || (SELECT w[1 + (g * 3) % 20] FROM words) || ' voor een dag in het najaar.',
       (ARRAY['sport','cultuur','zorg','onderwijs','natuur'])[1 + g % 5], 1 + g % 40
FROM generate_series(1, 1000) g;
ANALYZE;
SQL
psql -At "$url" -c "SELECT id FROM items" > "$work/item-ids"
printf '%s\n' vergaderruimte bus klussers "laptop werk" tuin boekhouding fotograaf website koffie \
  tafels workshop vrijwilligers drukwerk aanhanger coaching muziek schilders kantine > "$work/words"
echo "seeded: $(psql -At "$url" -c "SELECT count(*) FROM organisations") organisations, $(wc -l < "$work/item-ids") items"
before=$(psql -At "$url" -c "SELECT count(*) FROM items WHERE title LIKE 'Lasttest %'")

run() { # mode connections threads seconds url
  MODE="$1" LOAD_DIR="$work" wrk -t"$3" -c"$2" -d"$4s" --timeout 10s --latency \
    -s scripts/load/routes.lua "$5" > "$work/wrk.$1.log" 2>&1
}
echo "running $((c_browse + c_search + c_item + c_post + c_login)) connections for ${duration}s ..."
loads=()
run browse "$c_browse" 2 "$duration" "$base" & loads+=($!)
run search "$c_search" 2 "$duration" "$base" & loads+=($!)
run item "$c_item" 2 "$duration" "$base" & loads+=($!)
run post "$c_post" "$c_post" "$duration" "$base" & loads+=($!)
run login "$c_login" "$c_login" "$duration" "$base" & loads+=($!)
for p in "${loads[@]}"; do wait "$p" || true; done
echo
echo "route    per-route results (wrk; statuses as code=count)"
grep -h '^RESULT' "$work"/wrk.{browse,search,item,login,post}.log | sed 's/^RESULT //'
acked=$(sed -n 's/^RESULT post.*statuses=.*303=\([0-9]*\).*/\1/p' "$work/wrk.post.log")
stored=$(( $(psql -At "$url" -c "SELECT count(*) FROM items WHERE title LIKE 'Lasttest %'") - before ))
fivexx=$(grep -h '^RESULT' "$work"/wrk.*.log | { grep -oE '[=,]5[0-9][0-9]=[0-9]+' || true; } | awk -F= '{s += $NF} END {print s + 0}')
timeouts=$(grep -h '^RESULT' "$work"/wrk.*.log | sed -n 's/.*timeouts=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')
echo
echo "posted (303): ${acked:-0}; stored: $stored; 5xx answers: $fivexx; timeouts: $timeouts"

# Throughput of /markt against the floor page, same connections, one after the other.
cmp_c="${C_COMPARE:-100}"; cmp_d="${COMPARE_DURATION:-15}"
wrk -t2 -c"$cmp_c" -d"${cmp_d}s" --latency "$base/markt" > "$work/ours.log"
wrk -t2 -c"$cmp_c" -d"${cmp_d}s" --latency "http://127.0.0.1:$base_port/" > "$work/floor-run.log"
ours=$(sed -n 's/^Requests\/sec: *//p' "$work/ours.log"); theirs=$(sed -n 's/^Requests\/sec: *//p' "$work/floor-run.log")
echo "/markt alone: ours $ours req/s, floor $theirs req/s, ratio $(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.2f", a / b}')"
grep -E "Non-2xx|Socket errors" "$work/ours.log" "$work/floor-run.log" || true
if [ "$fivexx" -eq 0 ] && [ "$stored" -ge "${acked:-0}" ]; then
  echo "load-test: OK"
else
  echo "load-test: FAILED" >&2; exit 1
fi
