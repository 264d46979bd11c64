#!/usr/bin/env bash
# Front-end test assets, fetched from the npm registry as prebuilt tarballs (`npm pack`: no
# dependency tree, no install scripts), checked against the registry's sha512 integrity, and
# unpacked into a cache folder (default .cache/web-assets). Idempotent: nothing is fetched when
# the files are already there. Used by the browser tests (tests/test_web_browser.py).
#   axe-core: the accessibility checker run on every page type of the local web page.
set -euo pipefail
DEST="${1:-$(cd "$(dirname "$0")/.." && pwd)/.cache/web-assets}"
declare -A WANT=(
  [axe-core-4.14.1.tgz]="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
declare -A PROBE=([axe-core-4.14.1.tgz]="axe.min.js")
mkdir -p "$DEST"
for tgz in "${!WANT[@]}"; do
  name="${tgz%-*}"
  if [ -f "$DEST/$name/${PROBE[$tgz]}" ] && [ "$(cat "$DEST/$name/.integrity" 2>/dev/null)" = "${WANT[$tgz]}" ]; then
    continue
  fi
  spec="${name}@${tgz#"$name"-}"; spec="${spec%.tgz}"
  npm pack --silent --pack-destination "$DEST" "$spec" >/dev/null
  got="sha512-$(openssl dgst -sha512 -binary "$DEST/$tgz" | base64 -w0)"
  if [ "$got" != "${WANT[$tgz]}" ]; then
    echo "fetch_web_assets: integrity mismatch for $tgz (got $got)" >&2
    rm -f "$DEST/$tgz"
    exit 1
  fi
  rm -rf "${DEST:?}/$name" && mkdir -p "$DEST/$name"
  tar -xzf "$DEST/$tgz" -C "$DEST/$name" --strip-components=1
  rm "$DEST/$tgz"
  echo "${WANT[$tgz]}" > "$DEST/$name/.integrity"
  echo "fetch_web_assets: $spec unpacked into $DEST/$name"
done
