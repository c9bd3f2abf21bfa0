#!/usr/bin/env bash
# Run a command with no network but loopback: a new network namespace with only `lo` up.
# Used by `make test` so that every test and notebook proves it needs no network.
# Falls back to running normally (with a warning) where namespaces are not allowed;
# set CHIPLAB_ALLOW_NETWORK=1 to skip the namespace on purpose.
set -euo pipefail
if [ "${CHIPLAB_ALLOW_NETWORK:-0}" != "1" ] && command -v unshare >/dev/null && command -v ip >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then ns=(unshare --net); else ns=(unshare --net --map-root-user); fi
  if "${ns[@]}" true 2>/dev/null; then
    exec "${ns[@]}" bash -c 'ip link set lo up && exec "$@"' offline "$@"
  fi
fi
echo "offline.sh: network namespaces unavailable here; running with the network" >&2
exec "$@"
