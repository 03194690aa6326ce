#!/usr/bin/env bash
# Replays the requests of the security review (issue 15) against a running
# Beursvloer with the demo data, and says per finding whether it still gets
# through. Only curl; nothing here needs access to the server's database.
#
#   cargo run -- serve --demo &       # or any deployment with the demo logins
#   scripts/abuse.sh [BASE_URL]       # default http://127.0.0.1:3000
#
# It changes the demo data the way the reviewers did: it posts items, tries
# registrations, uses an invitation and fails logins. Afterwards the demo
# account organisatie@ is throttled for an hour for browsers it does not
# know, and this address may not register or post for an hour. Run it
# against a throwaway demo, not against production.
#
# Exit status: the number of findings that still get through.
set -uo pipefail

base="${1:-${BASE_URL:-http://127.0.0.1:3000}}"
base="${base%/}"
password="beursvloer-demo"
work="$(mktemp -d /tmp/beursvloer-abuse-XXXXXX)"
trap 'rm -rf "$work"' EXIT
through=0
declare -A verdicts

verdict() { # finding, held|through|skipped, explanation
  verdicts[$1]="$2: $3"
  printf '%-3s %-8s %s\n' "$1" "$2" "$3"
  [ "$2" = through ] && through=$((through + 1))
  return 0
}

jar() { echo "$work/$1.jar"; }

# GET a page with a cookie jar; prints the body.
page() { curl -s -b "$(jar "$1")" -c "$(jar "$1")" "$base$2"; }

csrf_of() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }

# POST a form (fields as curl --data-urlencode arguments) with the page's
# token; prints "STATUS LOCATION".
post() { # jar, form page, action, fields...
  local j="$1" form="$2" action="$3"; shift 3
  local token
  token="$(page "$j" "$form" | csrf_of)"
  local args=(--data-urlencode "csrf=$token")
  for f in "$@"; do args+=(--data-urlencode "$f"); done
  curl -s -o "$work/last.html" -w '%{http_code} %{redirect_url}' \
    -b "$(jar "$j")" -c "$(jar "$j")" -H "Origin: $base" "${args[@]}" "$base$action"
}

login() { post "$1" /inloggen /inloggen "email=$2" "password=${3:-$password}"; }

status() { curl -s -o /dev/null -w '%{http_code}' -b "$(jar "${2:-anon}")" "$base$1"; }

if ! curl -sf -o /dev/null "$base/healthz"; then
  echo "no Beursvloer at $base (start one with: cargo run -- serve --demo)" >&2
  exit 100
fi
echo "Replaying issue 15 against $base"

verdict 1 skipped "notaris across municipalities needs a second municipality with a makelaar; tests/it/trust.rs replays it"

# 2. Changing a confirmed match alone (as the makelaar, who is no party).
login mak makelaar@demo.beursvloer.nl >/dev/null
mid="$(page mak /beursvloeren/raalte-2027/werkplaats | tr -d '\n' | sed 's/<tr/\n<tr/g' \
  | grep '<td>Bevestigd door de makelaar</td>' | head -1 | grep -o '/matches/[0-9]*' | head -1 | grep -o '[0-9]*')"
if [ -z "$mid" ]; then
  verdict 2 skipped "no confirmed match in the demo werkplaats"
else
  gem="$(curl -s "$base/api/gemeenten" | grep -o '"id":[0-9]*' | head -1 | grep -o '[0-9]*')"
  before="$(curl -s "$base/api/gemeenten/$gem" | grep -o '"value_euros":[0-9]*' | head -1)"
  code="$(post mak "/matches/$mid" "/matches/$mid/afspraken" terms_hours=10000 value_euros=10000000 | cut -d' ' -f1)"
  post mak "/matches/$mid" "/matches/$mid/afspraken" terms_hours=12 value_euros=400 >/dev/null
  after="$(curl -s "$base/api/gemeenten/$gem" | grep -o '"value_euros":[0-9]*' | head -1)"
  if [ "$before" != "$after" ]; then
    verdict 2 through "match $mid: the public value went from ${before#*:} to ${after#*:}"
  else
    verdict 2 held "match $mid: absurd terms $code, a sane change waits for both parties; value stays ${after#*:}"
  fi
fi

# 11. A look-alike organisation through the public sign-up.
count_ict() { page anon /beursvloeren/raalte-2027 | grep -io '>ict-huis raalte<' | wc -l; }
before="$(count_ict)"
raalte="$(page anon /beursvloeren/raalte-2027 | grep -o '<option value="[0-9]*" selected>Raalte' | grep -o '[0-9]*' | head -1)"
post signup /beursvloeren/raalte-2027 /beursvloeren/raalte-2027/aanmeldformulier \
  "org_name=ict-huis  RAALTE" kind=bedrijf "municipality_id=$raalte" contact_name=Nep \
  contact_email=nep@evil.example >/dev/null
after="$(count_ict)"
if [ "$after" -gt "$before" ]; then
  verdict 11 through "a second ‘ICT-Huis Raalte’ takes part ($before -> $after)"
else
  verdict 11 held "the look-alike waits for the makelaar; ICT-Huis Raalte listed $after time(s)"
fi

# 6. Open redirect after login.
token="$(page redirect2 /inloggen | csrf_of)"
out="$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$(jar redirect2)" -c "$(jar redirect2)" \
  -H "Origin: $base" --data-urlencode "csrf=$token" --data-urlencode "email=organisatie@demo.beursvloer.nl" \
  --data-urlencode "password=$password" --data "terug=/%09/evil.example/" "$base/inloggen")"
token="$(page redirect3 /inloggen | csrf_of)"
crlf="$(curl -s -o /dev/null -w '%{http_code}' -b "$(jar redirect3)" -c "$(jar redirect3)" \
  -H "Origin: $base" --data-urlencode "csrf=$token" --data-urlencode "email=organisatie@demo.beursvloer.nl" \
  --data-urlencode "password=$password" --data "terug=/mijn%0d%0aSet-Cookie:%20x=1" "$base/inloggen")"
if [[ "$out" == *evil.example* ]] || [ "$crlf" = 500 ]; then
  verdict 6 through "terug=/%09/evil.example/ -> $out; CR/LF -> $crlf"
else
  verdict 6 held "terug=/%09/evil.example/ -> ${out#* }; CR/LF -> $crlf"
fi

# 10. NUL bytes.
a="$(status /beursvloeren/%00)"; b="$(status '/markt?thema=%00')"
token="$(page nul /inloggen | csrf_of)"
c="$(curl -s -o /dev/null -w '%{http_code}' -b "$(jar nul)" -H "Origin: $base" \
  --data "csrf=$token&email=a%00b%40c.nl&password=x" "$base/inloggen")"
if [ "$a" = 500 ] || [ "$b" = 500 ] || [ "$c" = 500 ]; then
  verdict 10 through "/beursvloeren/%00 $a, /markt?thema=%00 $b, form field $c"
else
  verdict 10 held "/beursvloeren/%00 $a, /markt?thema=%00 $b, form field $c"
fi

# 13. The smaller ones (organisatie@, signed in).
login org organisatie@demo.beursvloer.nl >/dev/null
cache="$(curl -s -o /dev/null -D - -b "$(jar org)" "$base/mijn" | tr -d '\r' | grep -i '^cache-control:' || true)"
small=()
[[ "$cache" == *no-store* ]] || small+=("/mijn without Cache-Control: no-store")
if [[ "$base" == https://* ]]; then
  curl -s -o /dev/null -D - "$base/" | grep -qi '^strict-transport-security' || small+=("no HSTS over HTTPS")
fi
other_scheme="${base/http:/https:}"; [[ "$base" == https://* ]] && other_scheme="${base/https:/http:}"
token="$(page org /meldingen | csrf_of)"
origin="$(curl -s -o /dev/null -w '%{http_code}' -b "$(jar org)" -H "Origin: $other_scheme" \
  --data-urlencode "csrf=$token" "$base/meldingen/gelezen")"
[ "$origin" = 403 ] || small+=("Origin $other_scheme accepted ($origin)")
created="$(post org /items/nieuw /items direction=request category=kennis "title=Ingetrokken proef" "description=abuse.sh")"
item="${created#* }"; item="${item##*/items/}"
if [[ "$item" =~ ^[0-9]+$ ]]; then
  post org "/items/$item" "/items/$item/intrekken" >/dev/null
  withdrawn="$(status "/items/$item")"
  [ "$withdrawn" = 404 ] || [ "$withdrawn" = 410 ] || small+=("withdrawn item $item readable ($withdrawn)")
else
  small+=("could not post an item ($created)")
fi
if [ ${#small[@]} -eq 0 ]; then
  verdict 13 held "no-store, origin scheme, withdrawn item (import: see tests/it/hardening.rs)"
else
  verdict 13 through "$(IFS=';'; echo "${small[*]}")"
fi

# 14. A resubmitted form.
form="$(page org /items/nieuw)"
key="$(grep -o 'name="submission_key" value="[^"]*"' <<<"$form" | sed 's/.*value="//; s/"$//')"
token="$(csrf_of <<<"$form")"
send() { curl -s -o /dev/null -w '%{redirect_url}' -b "$(jar org)" -H "Origin: $base" \
  --data-urlencode "csrf=$token" --data-urlencode "submission_key=$key" --data-urlencode direction=offer \
  --data-urlencode category=kennis --data-urlencode "title=Dubbel verstuurd" "$base/items"; }
first="$(send)"; again="$(send)"
if [ -n "$first" ] && [ "$first" = "$again" ]; then
  verdict 14 held "the same form twice led both times to $first"
else
  verdict 14 through "form key '${key:0:8}…': $first then $again"
fi

# 3. Formula injection in CSV: a theme and an edition's name that are
# formulas; gemeente@ then reads every figures table.
post org /items/nieuw /items direction=offer category=kennis "title=Formule als thema" \
  'theme==HYPERLINK("http://ev.il/","klik")' >/dev/null
mun="$(curl -s "$base/api/gemeenten" | grep -o '"id":[0-9]*' | head -1 | grep -o '[0-9]*')"
login mak makelaar@demo.beursvloer.nl >/dev/null
post mak /beursvloeren/nieuw /beursvloeren 'name==HYPERLINK("http://ev.il/","klik")' \
  "key=abuse-formule-$RANDOM" "municipality_id=$mun" date=2027-01-01 >/dev/null
login gem gemeente@demo.beursvloer.nl >/dev/null
formulas=0
for table in kerncijfers status categorie thema soort edities; do
  n="$(page gem "/cijfers/$mun/csv/$table" | sed 's/^\xef\xbb\xbf//' | tr ';' '\n' | sed 's/^"//' | grep -c '^[=+@-]' || true)"
  formulas=$((formulas + n))
done
if [ -z "$mun" ]; then
  verdict 3 skipped "no figures for gemeente@"
elif [ "$formulas" -gt 0 ]; then
  verdict 3 through "$formulas formula cells in /cijfers/$mun/csv/*"
else
  verdict 3 held "no cell starts with = + - @ in /cijfers/$mun/csv/* (formula edition name and theme tried)"
fi

# 12. An invitation for someone else, taken by a signed-in account.
login adm admin@demo.beursvloer.nl >/dev/null
mid="$(curl -s "$base/api/gemeenten" | grep -o '"id":[0-9]*' | head -1 | grep -o '[0-9]*')"
post adm /beheer /beheer/uitnodigingen role=gemeente "municipality_id=$mid" "email=iemand-anders@voorbeeld.nl" >/dev/null
link="$(grep -o '/uitnodiging/[A-Za-z0-9_-]*' "$work/last.html" | head -1)"
if [ -z "$link" ]; then
  verdict 12 skipped "no invitation link from /beheer"
else
  login bed bedrijf@demo.beursvloer.nl >/dev/null
  taken="$(post bed "$link" "$link" | cut -d' ' -f1)"
  if [ "$taken" = 303 ]; then verdict 12 through "bedrijf@ took a gemeente role meant for iemand-anders@ ($taken)"
  else verdict 12 held "bedrijf@ refused the invitation for iemand-anders@ ($taken)"; fi
fi

# 9. A municipality typed at registration.
post reg9 /registreren /registreren name=Nep email=nep-gemeente@voorbeeld.nl "password=een lang geheim wachtwoord" \
  "org_name=Nep BV" kind=bedrijf "municipality=Gemeente Nep (officieel)" >/dev/null
if curl -s "$base/api/gemeenten" | grep -q 'Gemeente Nep'; then
  verdict 9 through "\"Gemeente Nep (officieel)\" is in /api/gemeenten"
else
  verdict 9 held "a typed municipality was not created"
fi

# 8. Who has an account: registration and forgot-password.
post reg8 /registreren /registreren name=Bedrijf email=bedrijf@demo.beursvloer.nl "password=een lang geheim wachtwoord" \
  "org_name=Nog een bedrijf" kind=bedrijf municipality=Raalte >/dev/null
told="$(grep -c 'Er is al een account' "$work/last.html" || true)"
time_forgot() { # email -> milliseconds of one request
  local token; token="$(page "t$RANDOM" /wachtwoord-vergeten | csrf_of)"
  curl -s -o /dev/null -w '%{time_total}' -H "Origin: $base" -b "$(jar forgot)" -c "$(jar forgot)" \
    --data-urlencode "csrf=$(page forgot /wachtwoord-vergeten | csrf_of)" --data-urlencode "email=$1" \
    "$base/wachtwoord-vergeten" | awk '{printf "%d", $1 * 1000}'
}
known=0; unknown=0
for _ in 1 2 3; do
  known=$((known + $(time_forgot admin@demo.beursvloer.nl)))
  unknown=$((unknown + $(time_forgot "niemand-$RANDOM@voorbeeld.nl")))
done
if [ "$told" -gt 0 ]; then
  verdict 8 through "registration says 'Er is al een account'"
elif [ "$known" -gt $((unknown * 2 + 6)) ]; then
  verdict 8 through "forgot-password: ${known} ms for an account vs ${unknown} ms unknown (3 each)"
else
  verdict 8 held "registration answers alike; forgot-password ${known} vs ${unknown} ms (3 each)"
fi

# 7. Twenty anonymous reset requests for one address.
refused=0
for _ in $(seq 20); do
  code="$(post "r$RANDOM" /wachtwoord-vergeten /wachtwoord-vergeten email=gemeente@demo.beursvloer.nl | cut -d' ' -f1)"
  [ "$code" = 429 ] && refused=$((refused + 1))
done
if [ "$refused" -eq 0 ]; then
  verdict 7 through "20 reset requests for one address all accepted (older links and outbox: see tests/it/hardening.rs)"
else
  verdict 7 held "$refused of 20 reset requests refused (older links and outbox: see tests/it/hardening.rs)"
fi

# 5. Limits race: 90 parallel registrations, 72 parallel posts over 12 sessions.
export -f post page csrf_of jar; export base work
accepted="$(seq 90 | xargs -P 90 -I{} bash -c 'post "p{}" /registreren /registreren name=Snel "email=snel-{}-$$@voorbeeld.nl" \
  "password=een lang geheim wachtwoord" "org_name=Snel {} $$" kind=bedrijf municipality=Raalte | cut -d" " -f1' | grep -c '^303' || true)"
for s in $(seq 12); do login "s$s" bedrijf@demo.beursvloer.nl >/dev/null; done
posted="$(seq 72 | xargs -P 72 -I{} bash -c 's=$(( ({} % 12) + 1 )); post "s$s" /items/nieuw /items direction=offer category=kennis "title=Parallel {}" | cut -d" " -f1' | grep -c '^303' || true)"
if [ "$accepted" -gt 60 ] || [ "$posted" -gt 30 ]; then
  verdict 5 through "$accepted of 90 registrations (limit 60), $posted of 72 posts (limit 30)"
else
  verdict 5 held "$accepted of 90 registrations (limit 60), $posted of 72 posts (limit 30)"
fi

# 4. Anyone can lock anyone out (last: afterwards this address is throttled
# for browsers that never signed in).
rm -f "$(jar owner)" "$(jar venue)"
login owner organisatie@demo.beursvloer.nl >/dev/null   # the owner's own browser
login venue makelaar@demo.beursvloer.nl >/dev/null      # someone at the venue, signed in before
for _ in $(seq 110); do login "x" organisatie@demo.beursvloer.nl "geraden wachtwoord" >/dev/null; rm -f "$(jar x)"; done
owner="$(login owner organisatie@demo.beursvloer.nl | cut -d' ' -f1)"
for _ in $(seq 505); do login "y" "onbekend-$RANDOM$RANDOM@voorbeeld.nl" "geraden" >/dev/null; rm -f "$(jar y)"; done
venue="$(login venue makelaar@demo.beursvloer.nl | cut -d' ' -f1)"
fresh="$(login fresh gemeente@demo.beursvloer.nl | cut -d' ' -f1)"
if [ "$owner" != 303 ]; then
  verdict 4 through "after 110 wrong passwords the owner's own browser gets $owner"
elif [ "$venue" != 303 ] || [ "$fresh" != 303 ]; then
  verdict 4 through "after 505 unknown e-mails from this address: a browser that signed in before gets $venue, a new one $fresh"
else
  verdict 4 held "owner's browser signs in after 110 failures; after 505 unknown e-mails from one address a known and a new browser sign in"
fi


echo
echo "Summary"
for n in $(seq 14); do printf '%-3s %s\n' "$n" "${verdicts[$n]:-not replayed}"; done
echo "$through finding(s) still get through"
exit "$through"
