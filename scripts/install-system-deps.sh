#!/usr/bin/env bash
# Install the Debian/Ubuntu packages ChipLab needs. Installs only what is missing, so a
# second run does nothing and takes well under a second. Uses sudo when not root.
set -euo pipefail

PACKAGES=(
  make git ca-certificates
  iverilog          # Icarus Verilog: cocotb and gate-level simulation
  ngspice           # transistor-level simulation with the sky130 models
  graywolf qrouter  # placement and routing engines
  bubblewrap        # sandbox for grading untrusted student code
  util-linux        # setpriv, unshare
  chromium          # the browser tests (Playwright drives Debian's Chromium)
)

# A Python >= 3.11 with venv: Debian 12 ships 3.11; Ubuntu 22.04 has python3.11 in universe.
python_ok() { "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; }
if command -v python3.11 >/dev/null && python_ok python3.11; then :;
elif command -v python3 >/dev/null && python_ok python3; then :;
else
  if apt-cache show python3.11-venv >/dev/null 2>&1 || true; then PACKAGES+=(python3.11 python3.11-venv python3.11-dev); fi
fi
# Debian's python3 needs python3-venv for `python3 -m venv`.
if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import ensurepip' 2>/dev/null; then PACKAGES+=(python3-venv); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
