#!/usr/bin/env bash
# Pages against the floor: `serve --demo` (release) and examples/floor.rs (one
# axum handler, a pool of 8, one 1,000-row table of its own, one trivial
# SELECT, one askama template) on the same Postgres, measured one after the
# other in the same run with `wrk -t2 -c64 -d10s`. Prints req/s, p50, p99,
# non-2xx answers and each page's ratio to the floor.
#
#   scripts/bench-pages.sh                      # every page, 10 s each
#   DURATION=5 CONNECTIONS=64 scripts/bench-pages.sh
#   REBUILD=1 scripts/bench-pages.sh            # build the release binaries first
#
# Uses DATABASE_URL's server (a fresh database, dropped at exit) or, without
# it, a private embedded cluster. Needs wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${DURATION:-10}"; conns="${CONNECTIONS:-64}"; threads="${THREADS:-2}"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/beursvloer"; floor="$target/release/examples/floor"
if [ -n "${REBUILD:-}" ] || [ ! -x "$bin" ] || [ ! -x "$floor" ]; then
  cargo build --release --bin beursvloer --example floor
fi
. scripts/lib.sh
work="$(mktemp -d /tmp/beursvloer-bench-XXXXXX)"; chmod 755 "$work"
[ -n "${KEEP:-}" ] || on_exit "rm -rf '$work'"
ulimit -n 65536 2>/dev/null || true
private_postgres "$bin"
fresh_database "bv_bench_$$"
url="$(database_url "bv_bench_$$")"
psql="$(psql_bin)"

port="$(free_port)"; floor_port="$(free_port)"
base="http://127.0.0.1:$port"; floor_base="http://127.0.0.1:$floor_port"
serve_and_wait "$base" "$work/app.log" env RUST_LOG=warn DATABASE_URL="$url" \
  "$bin" serve --demo --bind "127.0.0.1:$port"
DATABASE_URL="$url" BIND="127.0.0.1:$floor_port" "$floor" > "$work/floor.log" 2>&1 &
floor_pid=$!
on_exit "kill $floor_pid; wait $floor_pid"
wait_for_port "$floor_port" "$floor_pid" "$work/floor.log"

event="$("$psql" -At "$url" -c "SELECT key FROM events ORDER BY id LIMIT 1")"
item="$("$psql" -At "$url" -c "SELECT id FROM items WHERE status = 'open' ORDER BY id LIMIT 1")"
pages=("/" "/markt" "/markt?q=vrijwilligers" "/beursvloeren/$event" "/items/$item")
echo "demo: $("$psql" -At "$url" -c "SELECT count(*) FROM items") items; event $event; item $item"

# Suggestions are computed in the background after the demo is loaded: wait
# until none is due (or, for a build that computes them on first view, until
# the number stops falling) so the worker does not share the CPU with wrk.
due_sql="SELECT count(*) FROM items WHERE status = 'open' AND (suggested_at IS NULL OR suggested_at < updated_at)"
last=-1; still=0
for _ in $(seq 1 240); do
  due="$("$psql" -At "$url" -c "$due_sql")"
  [ "$due" = 0 ] && break
  if [ "$due" = "$last" ]; then still=$((still + 1)); [ "$still" -ge 10 ] && break; else still=0; fi
  last="$due"; sleep 0.5
done
echo "suggestions due before measuring: $due"

# Warm both servers (prepared statements, caches) before measuring.
for p in "${pages[@]}"; do curl -fsS -o /dev/null "$base$p"; done
wrk -t"$threads" -c"$conns" -d2s "$floor_base/" >/dev/null

measure() { # name url -> "req/s p50 p99 non2xx"
  wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "$2" > "$work/$1.log" 2>&1
  local rps p50 p99 bad
  rps=$(sed -n 's/^Requests\/sec: *//p' "$work/$1.log")
  p50=$(awk '$1 == "50%" {print $2}' "$work/$1.log")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$1.log")
  bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$work/$1.log"); bad=${bad:-0}
  echo "$rps $p50 $p99 $bad"
}

echo "wrk -t$threads -c$conns -d${duration}s, one page after the other"
read -r floor_rps floor_p50 floor_p99 floor_bad < <(measure floor "$floor_base/")
printf '%-32s %10s %9s %9s %7s %6s\n' page req/s p50 p99 non-2xx ratio
printf '%-32s %10s %9s %9s %7s %6s\n' floor "$floor_rps" "$floor_p50" "$floor_p99" "$floor_bad" 1.00
failed=0
for i in "${!pages[@]}"; do
  read -r rps p50 p99 bad < <(measure "page$i" "$base${pages[$i]}")
  ratio=$(awk -v a="$rps" -v b="$floor_rps" 'BEGIN {printf "%.2f", a / b}')
  printf '%-32s %10s %9s %9s %7s %6s\n' "${pages[$i]}" "$rps" "$p50" "$p99" "$bad" "$ratio"
  [ "$bad" = 0 ] || failed=1
done
# The floor again at the end: the machine is shared, so its spread says how
# much the figures above can be trusted.
read -r again _ _ _ < <(measure floor-again "$floor_base/")
echo "floor again at the end: $again req/s"
[ "$failed" = 0 ] || { echo "bench-pages: non-2xx answers" >&2; exit 1; }
