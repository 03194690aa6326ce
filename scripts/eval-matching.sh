#!/usr/bin/env bash
# Score the matching module through the real CLI path (import into a private
# Postgres, suggest, propose) on an exchange file and its gold pairs.
#   scripts/eval-matching.sh [DATA.json GOLD.json]   (default: the dev set)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-tests/data/dev.json}"
gold="${2:-tests/data/dev.gold.json}"
scorer="${SCORER:-../shared/eval/score.py}"
for f in "$data" "$gold" "$scorer"; do
  [ -r "$f" ] || { echo "eval-matching: cannot read $f" >&2; exit 2; }
done
event="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["event"]["key"])' "$data")"

. scripts/lib.sh
cargo build --quiet --release --bin beursvloer
bin="${CARGO_TARGET_DIR:-target}/release/beursvloer"
unset DATABASE_URL  # always a private cluster: the import writes
private_postgres "$bin"
out="$(mktemp -d)"
on_exit "rm -rf '$out'"

"$bin" import "$data" >/dev/null
"$bin" suggest --event "$event" --json > "$out/suggest.json"
"$bin" propose --event "$event" --json > "$out/propose.json"
python3 "$scorer" "$gold" "$out/suggest.json" "$out/propose.json"
