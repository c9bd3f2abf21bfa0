#!/usr/bin/env python3
"""Write binder/requirements.txt and environment.yml from constraints.txt (the single source of pins).

    python scripts/sync_env.py          # rewrite both files
    python scripts/sync_env.py --check  # exit 1 if either is out of date
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APT = ["iverilog", "ngspice", "graywolf", "qrouter"]
# conda-forge names of the system tools (graywolf/qrouter are not on conda-forge: see README)
CONDA_TOOLS = ["iverilog", "ngspice"]


def pins(path: Path = ROOT / "constraints.txt") -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)", line)
        if not m:
            raise SystemExit(f"{path}: not an exact pin: {line!r}")
        out[m.group(1).lower().replace("_", "-")] = m.group(3)
    return out


def binder_requirements(p: dict[str, str]) -> str:
    head = "# Generated from constraints.txt by scripts/sync_env.py: do not edit by hand.\n"
    return head + "".join(f"{k}=={v}\n" for k, v in sorted(p.items()))


def environment_yml(p: dict[str, str]) -> str:
    lines = [
        "# conda / mamba environment for ChipLab (conda-forge). Generated from constraints.txt by",
        "# scripts/sync_env.py: do not edit by hand. graywolf and qrouter (placement and routing) are",
        "# Debian/Ubuntu packages: `make lab` installs them with apt.",
        "name: chiplab",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        *[f"  - {t}" for t in CONDA_TOOLS],
        "  - pip:",
        *[f"      - {k}=={v}" for k, v in sorted(p.items())],
        "      - -e .",
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    p = pins()
    want = {
        ROOT / "binder" / "requirements.txt": binder_requirements(p),
        ROOT / "environment.yml": environment_yml(p),
        ROOT / "binder" / "apt.txt": "\n".join(APT) + "\n",
    }
    stale = [f for f, text in want.items() if not f.exists() or f.read_text() != text]
    if "--check" in sys.argv:
        for f in stale:
            print(f"out of date: {f.relative_to(ROOT)} (run python scripts/sync_env.py)")
        return 1 if stale else 0
    for f in stale:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(want[f])
        print(f"wrote {f.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
