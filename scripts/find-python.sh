#!/usr/bin/env bash
# Print the first Python >= 3.11 with venv support.
for py in python3.11 python3 python3.12; do
  if command -v "$py" >/dev/null && "$py" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    command -v "$py"; exit 0
  fi
done
echo "error: no Python >= 3.11 with venv found; run scripts/install-system-deps.sh" >&2
exit 1
