#!/usr/bin/env bash
# Vendors the NL Design System CSS into static/vendor/, so the server serves
# only its own files (no CDN) and a clean clone needs no npm at run time.
# Run it after changing a version in design/package.json; commit the result.
#
# - @utrecht/component-library-css (EUPL-1.2): the Utrecht implementation of
#   the NL Design System components. html.css styles plain semantic HTML
#   (headings, links, buttons, form fields, tables) under .utrecht-html, so
#   the askama templates keep their plain markup; a few component packages
#   add what plain HTML lacks (button-looking links, skip link, page header
#   and footer, badges, alerts).
# - @nl-design-system-unstable/voorbeeld-design-tokens (EUPL-1.2): the NL
#   Design System's neutral example theme. Utrecht's own design tokens are
#   Utrecht's proprietary brand, so they are not used; static/style.css sets
#   the Beursvloer tokens on top and /gemeenten/{id}/thema.css each
#   municipality's primary colour.
set -euo pipefail
cd "$(dirname "$0")/../design"
npm ci --no-audit --no-fund --loglevel=error
out=../static/vendor
mkdir -p "$out"
utrecht=node_modules/@utrecht
components=(button-link-css skip-link-css page-header-css page-footer-css page-body-css page-content-css data-badge-css alert-css logo-css)
version() { node -p "require('./$1/package.json').version"; }
{
  echo "/* NL Design System, vendored by scripts/vendor-design.sh. EUPL-1.2 (static/vendor/LICENSE-EUPL-1.2.md)."
  echo " * @utrecht/component-library-css $(version node_modules/@utrecht/component-library-css) dist/html.css"
  for c in "${components[@]}"; do echo " * @utrecht/$c $(version "$utrecht/$c")"; done
  echo " */"
  cat "$utrecht/component-library-css/dist/html.css"
  for c in "${components[@]}"; do echo; cat "$utrecht/$c/dist/index.css"; done
} > "$out/utrecht.css"
tokens=node_modules/@nl-design-system-unstable/voorbeeld-design-tokens
{
  echo "/* NL Design System Voorbeeld theme tokens $(version "$tokens"), vendored by scripts/vendor-design.sh. EUPL-1.2. */"
  cat "$tokens/dist/theme.css"
} > "$out/voorbeeld-theme.css"
cp "$utrecht/component-library-css/LICENSE.md" "$out/LICENSE-EUPL-1.2.md"
ls -l "$out"
