#!/usr/bin/env bash
# Refresh the vendored GraphiQL files from npm (needs `npm` and the registry; run on a connected machine):
# edit the versions in SOURCES and the integrity= hashes in index.html, then run this script. It fetches
# each package with `npm pack`, copies the file and checks its sha384 against SOURCES.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
grep -v '^#' "$here/SOURCES" | while read -r file package path sha; do
  [ -n "$file" ] || continue
  dir="$work/$(echo "$package" | tr '/@' '__')"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$package" >/dev/null && tar xzf ./*.tgz)
  cp "$dir/package/$path" "$here/$file"
  got="$(openssl dgst -sha384 -binary "$here/$file" | base64 -w0)"
  if [ "$got" != "$sha" ]; then echo "$file: sha384 $got, SOURCES says $sha" >&2; exit 1; fi
  echo "$file ok ($package)"
done
