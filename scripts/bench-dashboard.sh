#!/usr/bin/env bash
# Server time of the municipality's dashboard and of the region page on
# generated history: 350 municipalities x 5 editions x 400 items and their
# matches (scripts/seed-figures.sql), one region over all of them, in a
# database of its own.
#
#   scripts/bench-dashboard.sh            # release build
#   BUILD=debug scripts/bench-dashboard.sh
#   REQUESTS=200 scripts/bench-dashboard.sh
#   MUNICIPALITIES=10 ITEMS=400 scripts/bench-dashboard.sh   # the earlier, smaller bench
#   BIN=path/to/beursvloer scripts/bench-dashboard.sh   # no build
#
# Uses the Postgres in DATABASE_URL, or starts a private cluster like
# scripts/test.sh. Needs psql and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD="${BUILD:-release}"
REQUESTS="${REQUESTS:-100}"
MUNICIPALITIES="${MUNICIPALITIES:-350}"
ITEMS="${ITEMS:-400}"
target="${CARGO_TARGET_DIR:-target}"
if [ -n "${BIN:-}" ]; then
  bin="$BIN"
elif [ "$BUILD" = release ]; then
  cargo build --quiet --release --bin beursvloer
  bin="$target/release/beursvloer"
else
  cargo build --quiet --bin beursvloer
  bin="$target/debug/beursvloer"
fi

. scripts/lib.sh
work="$(mktemp -d "${TMPDIR:-/tmp}/bench-dashboard.XXXXXX")"
on_exit "rm -rf '$work'"
private_postgres "$bin"
db="bv_bench_$$"
fresh_database "$db"
bench_url="$(database_url "$db")"
"$bin" migrate --database-url "$bench_url" >/dev/null 2>&1

echo "seeding $MUNICIPALITIES municipalities x 5 editions x $ITEMS items, one region over them ..."
start=$(date +%s)
psql -q -v ON_ERROR_STOP=1 "$bench_url" -f scripts/seed-figures.sql >/dev/null
psql -q -v ON_ERROR_STOP=1 "$bench_url" >/dev/null <<SQL
SELECT seed_figures('Gemeente ' || g, 5, $ITEMS, 2021) FROM generate_series(1, $MUNICIPALITIES) g;
INSERT INTO regions (slug, name) VALUES ('bench', 'Alle gemeenten van de bench');
INSERT INTO region_municipalities (region_id, municipality_id)
  SELECT r.id, m.id FROM regions r, municipalities m WHERE r.slug = 'bench' AND m.name LIKE 'Gemeente %';
INSERT INTO region_targets (region_id, year, matches)
  SELECT id, y, 1000 * $MUNICIPALITIES FROM regions, generate_series(2021, 2025) y WHERE slug = 'bench';
-- The generated items count as suggested: this measures the figures, not
-- the suggestion worker catching up with 700,000 new items (it took the
-- dashboard from about 0.1 s to 1.4 s a request, and its writes keep the
-- market cache's counts refreshing).
UPDATE items SET suggested_at = now() WHERE suggested_at IS NULL;
ANALYZE;
SQL
psql -At "$bench_url" -c "SELECT (SELECT count(*) FROM items) || ' items, ' ||
  (SELECT count(*) FROM matches) || ' matches, ' ||
  (SELECT count(*) FROM event_participants) || ' participations'"
echo "seeded in $(( $(date +%s) - start )) s"

# The demo brings a gemeente account (password beursvloer-demo); give it Gemeente 1.
port="$(free_port)"
base="http://127.0.0.1:$port"
serve_and_wait "$base" "$work/server.log" env RUST_LOG="warn,tower_http=debug" \
  "$bin" serve --demo --database-url "$bench_url" --bind "127.0.0.1:$port"
municipality="$(psql -At "$bench_url" -c "SELECT id FROM municipalities WHERE name = 'Gemeente 1'")"
psql -q "$bench_url" -c "INSERT INTO role_grants (user_id, role, municipality_id)
  SELECT id, 'gemeente', $municipality FROM users WHERE email = 'gemeente@demo.beursvloer.nl'
  ON CONFLICT DO NOTHING" >/dev/null

jar="$work/cookies"
token="$(curl -fs -c "$jar" -b "$jar" "$base/inloggen" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)"
status="$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H "Origin: $base" \
  --data-urlencode "csrf=$token" --data-urlencode "email=gemeente@demo.beursvloer.nl" \
  --data-urlencode "password=beursvloer-demo" "$base/inloggen")"
[ "$status" = 303 ] || { echo "login failed ($status)"; tail -20 "$work/server.log"; exit 1; }

stats() { # milliseconds from seconds, one per line
  sort -n | awk '{ v[NR] = $1 * 1000 } END {
    printf "median %.1f ms, p95 %.1f ms, min %.1f ms, max %.1f ms (n=%d)\n",
      v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.5)], v[1], v[NR], NR }'
}

# time_page PATH: warm up, then REQUESTS sequential requests, client and server side.
time_page() {
  local page="$1"
  read -r code first < <(curl -s -o "$work/page.html" -w '%{http_code} %{time_total}\n' -b "$jar" "$base$page")
  [ "$code" = 200 ] || { echo "GET $page: $code"; exit 1; }
  echo "$page: $(wc -c <"$work/page.html") bytes, first request $(awk -v s="$first" 'BEGIN { printf "%.0f", s * 1000 }') ms"
  for _ in 1 2 3 4 5; do curl -fs -o /dev/null -b "$jar" "$base$page"; done
  lines_before=$(wc -l <"$work/server.log")
  for _ in $(seq 1 "$REQUESTS"); do
    curl -fs -o /dev/null -b "$jar" -w '%{time_total}\n' "$base$page"
  done >"$work/client.txt"
  sleep 0.2
  echo "  client (curl, loopback):  $(stats <"$work/client.txt")"
  # TraceLayer logs "finished processing request latency=12 ms" per request.
  tail -n +"$((lines_before + 1))" "$work/server.log" | sed 's/\x1b\[[0-9;]*m//g' \
    | grep "finished processing request" \
    | sed -E 's/.*latency=([0-9.]+) (ms|µs|s).*/\1 \2/' \
    | awk '{ v = $1; if ($2 == "µs") v = v / 1000; if ($2 == "s") v = v * 1000; print v / 1000 }' \
    >"$work/server.txt" || true
  if [ -s "$work/server.txt" ]; then
    echo "  server (TraceLayer):      $(stats <"$work/server.txt")"
  fi
}

time_page "/cijfers/$municipality"
# The region's figures are counted at most once a minute (the first request
# above); the timed requests show what visitors get in between.
time_page "/regio/bench"
time_page "/regio/bench?jaar=2024"
time_page "/api/regio/bench"
