#!/usr/bin/env bash
# CI check: generated layout files are up to date with the schema, and rebuilding the program
# from source gives exactly the committed programs/splitup/dist/splitup.so.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-16 >/dev/null 2>&1 || bash scripts/install-system-deps.sh
node --import tsx programs/splitup/schema/generate.ts --check
bash scripts/build-program.sh --no-dist
if ! cmp -s programs/splitup/build/splitup.so programs/splitup/dist/splitup.so; then
  echo "programs/splitup/dist/splitup.so differs from a fresh build; run: npm run build:program" >&2
  exit 1
fi
echo "program build is reproducible: $(wc -c < programs/splitup/dist/splitup.so) bytes"
