#!/usr/bin/env bash
# Installs every dependency, builds the dev preset (ASan + UBSan) and runs the whole test suite.
# This is the command the README gives and the one CI runs (.ci/run).
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

if [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1; then
  bash scripts/setup.sh
fi
jobs="$(nproc 2>/dev/null || echo 2)"
cmake --preset dev
cmake --build --preset dev -j "$jobs"
ctest --preset dev -j "$jobs" "$@"
