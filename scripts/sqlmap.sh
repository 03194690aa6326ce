#!/usr/bin/env bash
# sqlmap against every form and query parameter of a running Beursvloer with
# the demo data: the marketplace filters, item and organisation pages, login,
# registration, password reset, posting and editing an item (signed in), and
# the privacy routes. Passes when sqlmap finds no injectable parameter.
#
#   scripts/sqlmap.sh            # level 2, risk 1 (about 10-20 minutes)
#   SQLMAP_LEVEL=1 scripts/sqlmap.sh
#
# sqlmap comes from Debian (apt-get install sqlmap) or PyPI (pip install sqlmap).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v sqlmap >/dev/null || { apt-get install -y -qq sqlmap >/dev/null 2>&1 || pip install -q sqlmap; }
level="${SQLMAP_LEVEL:-2}"
cargo build --quiet --bin beursvloer
bin="${CARGO_TARGET_DIR:-target}/debug/beursvloer"
. scripts/lib.sh
work="$(mktemp -d /tmp/beursvloer-sqlmap-XXXXXX)"
chmod 755 "$work"
on_exit "rm -rf '$work'"
private_postgres "$bin"
db="bv_sqlmap_$$"
fresh_database "$db"
url="$(database_url "$db")"
port="$(free_port)"
base="http://127.0.0.1:$port"

# The scan is about injection, not abuse limits: raise them for this run.
serve_and_wait "$base" "$work/app.log" env BEURSVLOER_LIMIT_ITEMS_PER_ACCOUNT=100000 \
  BEURSVLOER_LIMIT_ITEMS_PER_IP=100000 BEURSVLOER_LIMIT_REGISTRATIONS_PER_EMAIL=100000 \
  BEURSVLOER_LIMIT_REGISTRATIONS_PER_IP=100000 RUST_LOG=warn DATABASE_URL="$url" \
  "$bin" serve --demo --bind "127.0.0.1:$port"

# A signed-in session for the forms behind the login.
jar="$work/cookies"
token() { curl -s -b "$jar" -c "$jar" "$base$1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1; }
t="$(token /inloggen)"
curl -s -o /dev/null -b "$jar" -c "$jar" -H "Origin: $base" \
  --data-urlencode "csrf=$t" --data-urlencode "email=organisatie@demo.beursvloer.nl" \
  --data-urlencode "password=beursvloer-demo" "$base/inloggen"
cookie="$(awk '$6 == "beursvloer_sessie" {print $6 "=" $7}' "$jar")"
item="$(psql -At "$url" -c "SELECT i.id FROM items i JOIN memberships m ON m.organisation_id = i.organisation_id JOIN users u ON u.id = m.user_id WHERE u.email = 'organisatie@demo.beursvloer.nl' LIMIT 1")"
org="$(psql -At "$url" -c "SELECT organisation_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'organisatie@demo.beursvloer.nl' LIMIT 1")"

common=(--batch --level="$level" --risk=1 --time-sec=2 --disable-coloring
        --output-dir="$work/out" --flush-session --answers="follow=N"
        --ignore-code=401,403,422,429)
results="$work/results.txt"
: > "$results"
scan() {
  local name="$1"; shift
  if [ -n "${SCANS:-}" ] && [[ " $SCANS " != *" $name "* ]]; then return; fi
  echo "== $name"
  if sqlmap "${common[@]}" "$@" > "$work/$name.log" 2>&1; then :; fi
  if grep -qiE "is vulnerable|sqlmap identified the following injection point" "$work/$name.log"; then
    echo "$name: INJECTABLE" | tee -a "$results"; grep -iE "Parameter:|Type:" "$work/$name.log" | head
  else
    local tested
    tested="$(grep -cE "\[INFO\] testing .(AND|OR|MySQL|PostgreSQL|Microsoft|Oracle|Generic|SQLite|Boolean)" "$work/$name.log" || true)"
    if [ "$tested" -eq 0 ] && ! grep -q "all tested parameters do not appear to be injectable" "$work/$name.log"; then
      echo "$name: NOT TESTED" | tee -a "$results"; grep -E "\[(ERROR|CRITICAL)\]" "$work/$name.log" | head -5
    else
      echo "$name: nothing found ($tested checks; $(grep -oE "all tested parameters do not appear to be injectable" "$work/$name.log" | head -1))" | tee -a "$results"
    fi
  fi
}

# GETs without a form token may use threads; --csrf-url forbids them.
scan markt --threads=4 -u "$base/markt?q=fiets&richting=vraag&categorie=kennis&gemeente=1&thema=sport&pagina=1"
scan item --threads=4 -u "$base/items/${item}*"
scan organisatie --threads=4 -u "$base/organisaties/${org}*"
scan beursvloer --threads=4 -u "$base/beursvloeren/raalte-2027*"
scan inloggen -u "$base/inloggen" --data "csrf=x&email=a%40b.nl&password=geheim12345678&terug=%2Fmijn" \
  --csrf-token=csrf --csrf-url="$base/inloggen"
scan registreren -u "$base/registreren" \
  --data "csrf=x&name=Piet&email=piet%40voorbeeld.nl&password=een+lang+wachtwoord&org_name=Bakkerij+Piet&kind=bedrijf&municipality=Raalte&postcode=8102&description=&website=&contact_name=&contact_email=&contact_phone=&invitation=" \
  --csrf-token=csrf --csrf-url="$base/registreren"
scan wachtwoord -u "$base/wachtwoord-vergeten" --data "csrf=x&email=a%40b.nl" \
  --csrf-token=csrf --csrf-url="$base/wachtwoord-vergeten"
scan herstellen --threads=4 -u "$base/wachtwoord-herstellen?token=abc"
scan plaatsen -u "$base/items" --cookie="$cookie" \
  --data "csrf=x&organisation_id=$org&direction=offer&category=kennis&title=Uitleg+over+fietsen&description=Een+middag&theme=sport&hours=3&quantity=1" \
  --csrf-token=csrf --csrf-url="$base/items/nieuw"
scan bewerken -u "$base/items/$item/bewerken" --cookie="$cookie" \
  --data "csrf=x&direction=offer&category=kennis&title=Uitleg+over+fietsen&description=Een+middag&theme=sport&hours=3&quantity=1" \
  --csrf-token=csrf --csrf-url="$base/items/$item/bewerken"
scan organisatie-gegevens --threads=4 -u "$base/organisaties/${org}*/gegevens" --cookie="$cookie"

echo
if grep -qE "INJECTABLE|NOT TESTED" "$results"; then
  echo "sqlmap: injectable or untested parameters" >&2; exit 1
fi
grep -ciE " 500 |panicked" "$work/app.log" >/dev/null && echo "(app log has errors: see above)" || true
echo "sqlmap: $(wc -l < "$results") targets scanned at level $level, nothing injectable"
