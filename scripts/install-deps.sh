#!/usr/bin/env bash
# Installs every Debian 12 package that Tern's build, tests, fuzzer and benchmarks need.
# Idempotent: packages already present are left alone. Nothing is fetched from anywhere but Debian.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-program-options1.81-dev
  libssl-dev liburing-dev libsrtp2-dev libfmt-dev prometheus-cpp-dev libsqlite3-dev zlib1g-dev
  # test and benchmark frameworks
  libgtest-dev libgmock-dev libbenchmark-dev
  # real third-party peers for integration tests
  coturn python3 python3-aioice python3-pytest
  # ss(8), which the socket buffer tests read sizes with
  iproute2
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian starts coturn as a service on install; Tern's tests start their own instances.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet coturn 2>/dev/null; then
  $SUDO systemctl stop coturn || true
fi
