#!/usr/bin/env bash
# Build src/text/data/nl-words.txt.gz, the Dutch lexicon behind compound
# splitting, from OpenTaal's word list and spelling dictionary as Debian
# ships them (packages `wdutch` and `hunspell-nl`). See src/text/data/README.md.
#   scripts/make-lexicon.sh [WORDLIST HUNSPELL_DIC]
# Without arguments both packages are fetched with `apt-get download` (no
# root needed) and unpacked in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/text/data/nl-words.txt.gz
list="${1:-}"
dic="${2:-}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [ -z "$list" ] || [ -z "$dic" ]; then
  (cd "$tmp" && apt-get download wdutch hunspell-nl >/dev/null 2>&1)
  for deb in "$tmp"/*.deb; do
    dpkg-deb -x "$deb" "$tmp/x"
    echo "make-lexicon: $(basename "$deb")" >&2
  done
  list="$tmp/x/usr/share/dict/dutch"
  dic="$tmp/x/usr/share/hunspell/nl.dic"
fi
# One line per word, sorted bytewise: the word, and after a tab what the
# spelling dictionary allows it to be in a compound: "m" (modifier: the
# COMPOUNDBEGIN flag Ca or COMPOUNDMIDDLE Cb) and/or "h" (head:
# COMPOUNDEND Cc). Words are taken lower-case only (capitalised entries are
# names), folded as src/text/fold.rs folds (lower case, diacritics and the
# ligature ĳ undone), letters a-z only (hyphenated and apostrophe forms are
# split by the tokeniser anyway), at least two letters.
python3 - "$list" "$dic" > "$tmp/words.txt" <<'PY'
import sys, unicodedata

def fold(w):
    w = unicodedata.normalize("NFKD", w)
    return "".join(c for c in w if not unicodedata.combining(c))

def usable(w):
    return len(w) >= 2 and w.isascii() and w.isalpha()

roles = {}
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        w = line.strip()
        if w and w == w.lower():
            w = fold(w)
            if usable(w):
                roles.setdefault(w, set())
with open(sys.argv[2], encoding="utf-8") as f:
    next(f)  # the entry count
    for line in f:
        entry = line.strip().split("\t")[0]
        word, _, flags = entry.partition("/")
        if not word or word != word.lower():
            continue
        word = fold(word)
        if not usable(word):
            continue
        # Flags are two characters each (FLAG long).
        pairs = {flags[i:i + 2] for i in range(0, len(flags), 2)}
        r = roles.setdefault(word, set())
        if pairs & {"Ca", "Cb"}:
            r.add("m")
        if "Cc" in pairs:
            r.add("h")
for w in sorted(roles):
    r = "".join(x for x in "mh" if x in roles[w])
    sys.stdout.write(w + ("\t" + r if r else "") + "\n")
PY
LC_ALL=C sort -c "$tmp/words.txt"
gzip -9 -n -c "$tmp/words.txt" > "$out"
echo "make-lexicon: $(wc -l < "$tmp/words.txt") words ($(grep -c $'\tm' "$tmp/words.txt") modifiers, $(grep -c $'h$' "$tmp/words.txt") heads), $(wc -c < "$out") bytes in $out" >&2
