#!/usr/bin/env bash
# Installs the Debian packages the project needs (clang-16 builds the Solana program). Idempotent.
set -euo pipefail
need=()
command -v clang-16 >/dev/null 2>&1 || need+=(clang-16)
command -v llvm-objdump-16 >/dev/null 2>&1 || need+=(llvm-16)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
