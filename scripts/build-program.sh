#!/usr/bin/env bash
# Builds the SplitUp Solana program: regenerates the layout header/IDL/client types from
# programs/splitup/schema, compiles programs/splitup/src/*.c with clang-16 for BPF and links them
# with our own linker (programs/linker) into an SBPF v0 shared object.
# Output: programs/splitup/build/splitup.so, copied to programs/splitup/dist/splitup.so (committed).
# Usage: scripts/build-program.sh [--no-dist]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-16 >/dev/null 2>&1 || bash scripts/install-system-deps.sh
node --import tsx programs/splitup/schema/generate.ts
rm -rf programs/splitup/build
node --import tsx programs/linker/build-program.ts -o programs/splitup/build/splitup.so programs/splitup/src/*.c
if [ "${1:-}" != "--no-dist" ]; then
  mkdir -p programs/splitup/dist
  cp programs/splitup/build/splitup.so programs/splitup/dist/splitup.so
fi
