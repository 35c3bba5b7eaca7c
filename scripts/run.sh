#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Tern (Release) and starts ternd on a working default:
# listening on loopback (127.0.0.1:3478, UDP and TCP), with a demo user whose password is generated
# now and printed. Stop it with Ctrl-C. Extra arguments are passed on to ternd.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "${TERN_JOBS:-$(nproc)}"

password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
port=${TERN_PORT:-3478}
cat <<EOT

ternd is starting on 127.0.0.1:${port} (UDP and TCP), realm "tern.local".
  demo user:  demo
  password:   ${password}
  ICE server: {"urls": "turn:127.0.0.1:${port}", "username": "demo", "credential": "${password}"}

Try it from another terminal with coturn's test tools (Debian package coturn):
  turnutils_peer -L 127.0.0.1 -p 3480 &
  turnutils_uclient -u demo -w ${password} -e 127.0.0.1 -r 3480 -p ${port} -n 100 127.0.0.1

Loopback peers are allowed here (--allow-peer 127.0.0.0/8) because only local processes can reach a
loopback listener; a real deployment listens on a public address and keeps the default peer policy.
--rfc5766-channels lets coturn's uclient use its channel numbers. See 'build/bin/ternd --help'.

EOT
exec ./build/bin/ternd --listen "127.0.0.1:${port}" --realm tern.local --user "demo:${password}" \
  --allow-peer 127.0.0.0/8 --rfc5766-channels "$@"
