#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Tern (Release) and runs it on a working default.
# Until the relay daemon lands, "running Tern" means the codec self-check and a sample decode.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "${TERN_JOBS:-$(nproc)}"

./build/bin/tern selfcheck
echo
echo "Sample: the RFC 5769 IPv4 Binding response, decoded:"
./build/bin/tern decode 0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96
