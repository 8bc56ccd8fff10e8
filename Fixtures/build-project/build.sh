#!/bin/sh
# Fixture build script for devserve: copies src/ into dist/.
# If any file under src/ contains the marker text BUILD_ERROR, it prints one
# "src/<file>:<line>:<col>: error: found BUILD_ERROR marker" line per
# occurrence to stderr, exits 1 and leaves dist/ untouched.
set -eu
cd "$(dirname "$0")"

marker=BUILD_ERROR

# For each text file, grep -n gives "line:text"; awk reports every occurrence
# of the marker on the line with its 1-based column.
errors=$(find src -type f | sort | while IFS= read -r file; do
  grep -n -I -- "$marker" "$file" | awk -v f="$file" -v m="$marker" '{
    line = $0; sub(/:.*/, "", line)
    text = substr($0, length(line) + 2)
    col = 0
    while ((i = index(text, m)) > 0) {
      col += i
      printf "%s:%s:%d: error: found %s marker\n", f, line, col, m
      text = substr(text, i + 1)
    }
  }'
done)

if [ -n "$errors" ]; then
  printf '%s\n' "$errors" >&2
  echo "build failed: $(printf '%s\n' "$errors" | wc -l | tr -d ' ') error(s)" >&2
  exit 1
fi

mkdir -p dist
cp -R src/. dist/
echo "built $(find src -type f | wc -l | tr -d ' ') files"
