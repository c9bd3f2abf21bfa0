"""Wall time per stage of the RTL-to-GDS flow (chiplab.flow) for the course's designs.

Run: ``.venv/bin/python bench/bench_flow.py [--designs counter4 adder8 seqdet] [--utilization 0.5]``.
Prints one row per design: seconds per stage, total, and the figures of the result (cells, wirelength,
vias, DRC errors, connectivity), plus each design's total as a ratio to the counter's total measured in
the same run (the baseline), so runs on different machines compare.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chiplab.flow import STAGES, run_flow  # noqa: E402

DESIGNS = ROOT / "chiplab" / "data" / "designs"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--designs", nargs="+", default=["counter4", "adder8", "seqdet"])
    ap.add_argument("--utilization", type=float, default=0.5)
    ap.add_argument("--clock-ns", type=float, default=10.0)
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="chiplab_bench_") as tmp:
        for name in args.designs:
            src = Path(name) if name.endswith(".v") else DESIGNS / f"{name}.v"
            top = src.stem
            t = time.perf_counter()
            res = run_flow([src], top, args.clock_ns, Path(tmp) / top, utilization=args.utilization, progress=False)
            wall = time.perf_counter() - t
            rows.append((top, res, wall))
    head = f"{'design':<10}" + "".join(f"{s:>13}" for s in STAGES) + f"{'total':>9}{'ratio':>7}"
    print(head)
    base = rows[0][2] if rows else 1.0
    for top, res, wall in rows:
        cells = "".join(f"{res.stage_seconds.get(s, float('nan')):13.2f}" for s in STAGES)
        print(f"{top:<10}{cells}{wall:9.2f}{wall / base:7.2f}")
    print()
    print(f"{'design':<10}{'cells':>7}{'util':>7}{'wire um':>10}{'vias':>7}{'unrouted':>9}{'DRC':>6}{'conn':>6}"
          f"{'WNS ns':>8}")
    for top, res, _ in rows:
        r = res.report
        print(f"{top:<10}{r['cells']:>7}{r['utilization']:>7.2f}{r['wirelength_um']:>10.1f}{r['vias']:>7}"
              f"{len(r['unrouted_nets']):>9}{str(r['drc_errors']):>6}{str(r['connectivity_ok']):>6}"
              f"{str(r['wns_ns']):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
