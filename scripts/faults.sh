#!/usr/bin/env bash
# Postgres stopped and started under load. The app runs against a private
# cluster while writers post items and readers browse; the cluster is stopped
# for a few seconds and started again. Checks:
#   - during the gap every failing answer is 503 with Retry-After (no 500s);
#   - the app recovers without a restart;
#   - no committed write is lost: every item answered with 303 is stored.
# (Pool exhaustion, statement_timeout and SIGTERM are cargo tests: tests/it/faults.rs.)
#
#   scripts/faults.sh           # GAP=5 seconds down, WRITERS=4, READERS=4
set -euo pipefail
cd "$(dirname "$0")/.."

gap="${GAP:-5}"; writers="${WRITERS:-4}"; readers="${READERS:-4}"
cargo build --quiet --bin beursvloer
bin="${CARGO_TARGET_DIR:-target}/debug/beursvloer"
. scripts/lib.sh
work="$(mktemp -d /tmp/beursvloer-faults-XXXXXX)"; chmod 755 "$work"
[ -n "${KEEP:-}" ] || on_exit "rm -rf '$work'"
unset DATABASE_URL  # always a private cluster: this script stops it
private_postgres "$bin"
url="$DATABASE_URL"
port="$(free_port)"; base="http://127.0.0.1:$port"
serve_and_wait "$base" "$work/app.log" env BEURSVLOER_LIMIT_ITEMS_PER_ACCOUNT=1000000 \
  BEURSVLOER_LIMIT_ITEMS_PER_IP=1000000 RUST_LOG=warn DATABASE_URL="$url" \
  "$bin" serve --bind "127.0.0.1:$port"
app_pid="$SERVED_PID"
on_exit "touch '$work/stop'; wait"

# One account per writer, signed in, with its form token.
token() { curl -s -b "$1" -c "$1" "$base$2" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1; }
for w in $(seq 1 "$writers"); do
  jar="$work/jar.$w"
  t="$(token "$jar" /registreren)"
  curl -s -o /dev/null -b "$jar" -c "$jar" -H "Origin: $base" --data-urlencode "csrf=$t" \
    --data-urlencode "name=Schrijver $w" --data-urlencode "email=schrijver$w@voorbeeld.nl" \
    --data-urlencode "password=een lang geheim wachtwoord" --data-urlencode "org_name=Organisatie $w" \
    --data-urlencode "kind=bedrijf" --data-urlencode "municipality=Raalte" "$base/registreren"
  token "$jar" /items/nieuw > "$work/token.$w"
done

writer() {
  local w="$1" n=0 t; t="$(cat "$work/token.$w")"
  while [ ! -e "$work/stop" ]; do
    n=$((n + 1))
    curl -s -o /dev/null -m 15 -b "$work/jar.$w" -H "Origin: $base" \
      -w "$(date +%s.%N) %{http_code} r=%header{retry-after} %header{location}\n" \
      --data-urlencode "csrf=$t" --data-urlencode "direction=offer" --data-urlencode "category=kennis" \
      --data-urlencode "title=Fouttest $w-$n" "$base/items" >> "$work/writes.$w" || echo "$(date +%s.%N) 000" >> "$work/writes.$w"
  done
}
reader() {
  local r="$1"
  while [ ! -e "$work/stop" ]; do
    curl -s -o /dev/null -m 15 -w "$(date +%s.%N) %{http_code} r=%header{retry-after}\n" \
      "$base/markt?q=fouttest" >> "$work/reads.$r" || echo "$(date +%s.%N) 000" >> "$work/reads.$r"
  done
}
for w in $(seq 1 "$writers"); do writer "$w" & done
for r in $(seq 1 "$readers"); do reader "$r" & done

sleep 5
down_at="$(date +%s.%N)"
"$bin" db stop >/dev/null 2>&1
echo "Postgres stopped at +5 s for ${gap} s"
sleep "$gap"
"$bin" db start >/dev/null 2>&1
up_at="$(date +%s.%N)"
echo "Postgres started again"
sleep 10
touch "$work/stop"
sleep 1
wait_for_loops=$(jobs -p | grep -v "^$app_pid$" || true)
for p in $wait_for_loops; do wait "$p" 2>/dev/null || true; done

cat "$work"/writes.* > "$work/writes"; cat "$work"/reads.* > "$work/reads"
all="$work/all"; cat "$work/writes" "$work/reads" | sort -n > "$all"
echo
echo "answers by status (all requests):"
awk '{print $2}' "$all" | sort | uniq -c | sed 's/^/  /'
in_gap=$(awk -v a="$down_at" -v b="$up_at" '$1 >= a && $1 <= b' "$all" | wc -l)
gap_503=$(awk -v a="$down_at" -v b="$up_at" '$1 >= a && $1 <= b && $2 == 503' "$all" | wc -l)
no_retry=$(awk '$2 == 503 && $3 == "r="' "$all" | wc -l)
bad=$(awk '$2 != 200 && $2 != 303 && $2 != 503' "$all" | wc -l)
recovered=$(awk -v b="$up_at" '$1 > b && $2 == 200 {print $1 - b; exit}' "$work/reads")
after_ok=$(awk -v b="$up_at" '$1 > b + 3' "$all" | awk '$2 == 200 || $2 == 303' | wc -l)
after_all=$(awk -v b="$up_at" '$1 > b + 3' "$all" | wc -l)
acked="$work/acked"
awk '$2 == 303 {print $4}' "$work/writes" | sed "s#.*/##" | sort > "$acked"
psql -At "$url" -c "SELECT id FROM items WHERE title LIKE 'Fouttest %' ORDER BY id" | sort > "$work/stored"
lost=$(comm -23 "$acked" "$work/stored" | wc -l)
echo "during the gap: $in_gap requests, $gap_503 answered 503; 503s without Retry-After: $no_retry"
echo "other failures (500, timeouts, refused): $bad"
echo "first good read ${recovered:-never} s after Postgres was back; from +3 s on: $after_ok of $after_all good"
echo "writes answered 303: $(wc -l < "$acked"); stored: $(wc -l < "$work/stored"); acknowledged but lost: $lost"
if [ "$bad" -eq 0 ] && [ "$no_retry" -eq 0 ] && [ "$lost" -eq 0 ] && [ "$gap_503" -gt 0 ] && [ "$after_ok" -eq "$after_all" ]; then
  echo "faults: OK"
else
  echo "faults: FAILED" >&2; exit 1
fi
