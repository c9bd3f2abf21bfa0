"""Wall time per stage of the RTL-to-GDS flow (chiplab.flow), and the two routers side by side.

Run: ``.venv/bin/python bench/bench_flow.py [--designs counter4 adder8 seqdet] [--utilization 0.5]``.
Prints one row per design: seconds per stage, total, and the figures of the result (cells, wirelength,
vias, DRC errors, connectivity), plus each design's total as a ratio to the counter's total measured in
the same run (the baseline), so runs on different machines compare.

``--compare`` instead runs place and route alone (``chiplab.pnr.run_pnr``, same placement for both) with
each routing strategy, ``ripup`` (the default router) and ``pathfinder`` (negotiated congestion), and prints
route seconds, net routings, PathFinder passes, rip-ups, unrouted nets, wirelength, vias, the engine's DRC
check on the DEF, and the ratio pathfinder / ripup of the route time. Designs are looked up in
``chiplab/data/designs`` (the course's) and ``bench/designs`` (``counter16``, ``mac8``: an 8-bit
multiply-accumulate, ~440 cells), or given as paths to .v files. Example::

    .venv/bin/python bench/bench_flow.py --compare --designs counter4 adder8 seqdet counter16
    .venv/bin/python bench/bench_flow.py --compare --designs mac8 --route-time 120
    .venv/bin/python bench/bench_flow.py --compare --designs mac8 --utilization 0.3 --density-weight 1 --strategies pathfinder

``--density-weight`` turns on the placer's bin-density penalty (``run_pnr(density_weight=...)``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chiplab.flow import STAGES, run_flow  # noqa: E402
from chiplab.report import one_page  # noqa: E402

DESIGNS = ROOT / "chiplab" / "data" / "designs"
BENCH_DESIGNS = ROOT / "bench" / "designs"


def source(name: str) -> Path:
    if name.endswith(".v"):
        return Path(name)
    for folder in (DESIGNS, BENCH_DESIGNS):
        if (folder / f"{name}.v").exists():
            return folder / f"{name}.v"
    raise SystemExit(f"no design {name!r} in {DESIGNS} or {BENCH_DESIGNS}")


def compare(designs: list[str], utilization: float, route_time_s: float, seed: int,
            density_weight: float = 0.0, strategies: tuple[str, ...] = ("ripup", "pathfinder")) -> None:
    from chiplab import synth  # noqa: PLC0415
    from chiplab.pnr import check_def, run_pnr  # noqa: PLC0415

    print(f"{'design':<10}{'cells':>6}{'strategy':>11}{'route s':>9}{'routings':>9}{'passes':>7}{'rip-ups':>8}"
          f"{'unrouted':>9}{'wire um':>9}{'vias':>6}{'DRC':>5}{'opens':>6}{'ratio':>7}{'load':>6}")
    with tempfile.TemporaryDirectory(prefix="chiplab_bench_") as tmp:
        for name in designs:
            src = source(name)
            top = src.stem
            sres = synth.synthesize([str(src)], top=top, out_dir=Path(tmp) / top)
            base = None
            for strategy in strategies:
                res = run_pnr(sres.netlist, Path(tmp) / f"{top}_{strategy}", top=top, utilization=utilization,
                              seed=seed, strict=False, route_time_s=route_time_s, strategy=strategy,
                              density_weight=density_weight)
                chk = check_def(res.def_path)
                t = res.stage_seconds["route"]
                base = t if base is None else base
                print(f"{top:<10}{res.cells:>6}{strategy:>11}{t:9.2f}{res.extra['route_iterations']:>9}"
                      f"{res.extra['route_passes']:>7}{res.extra['ripups']:>8}{len(res.unrouted):>9}"
                      f"{res.wirelength_um:9.0f}{res.vias:>6}{chk['drc_errors']:>5}{len(chk['opens']):>6}"
                      f"{t / base:7.2f}{os.getloadavg()[0]:6.1f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--designs", nargs="+", default=["counter4", "adder8", "seqdet"])
    ap.add_argument("--utilization", type=float, default=0.5)
    ap.add_argument("--clock-ns", type=float, default=10.0)
    ap.add_argument("--compare", action="store_true", help="P&R only, ripup vs pathfinder router")
    ap.add_argument("--route-time", type=float, default=120.0, help="router time limit per run (--compare)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--density-weight", type=float, default=0.0,
                    help="placer's bin-density penalty (--compare; 0 = wirelength only, the default)")
    ap.add_argument("--strategies", nargs="+", default=["ripup", "pathfinder"], help="routers to run (--compare)")
    args = ap.parse_args(argv)
    if args.compare:
        compare(args.designs, args.utilization, args.route_time, args.seed, args.density_weight,
                tuple(args.strategies))
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="chiplab_bench_") as tmp:
        for name in args.designs:
            src = source(name)
            top = src.stem
            t = time.perf_counter()
            res = run_flow([src], top, args.clock_ns, Path(tmp) / top, utilization=args.utilization, progress=False,
                           seed=args.seed)
            wall = time.perf_counter() - t
            t = time.perf_counter()  # the one-page sign-off report of that run (chiplab.report), saved as PNG
            one_page(res, title=top, verification={"passed": 1, "failed": 0}, out=Path(tmp) / top / "report.png")
            rows.append((top, res, wall, time.perf_counter() - t))
    head = f"{'design':<10}" + "".join(f"{s:>13}" for s in STAGES) + f"{'total':>9}{'ratio':>7}{'report':>8}"
    print(head)
    base = rows[0][2] if rows else 1.0
    for top, res, wall, report_s in rows:
        cells = "".join(f"{res.stage_seconds.get(s, float('nan')):13.2f}" for s in STAGES)
        print(f"{top:<10}{cells}{wall:9.2f}{wall / base:7.2f}{report_s:8.2f}")
    print()
    print(f"{'design':<10}{'cells':>7}{'util':>7}{'wire um':>10}{'vias':>7}{'unrouted':>9}{'DRC':>6}{'conn':>6}"
          f"{'WNS ns':>8}")
    for top, res, _, _ in rows:
        r = res.report
        print(f"{top:<10}{r['cells']:>7}{r['utilization']:>7.2f}{r['wirelength_um']:>10.1f}{r['vias']:>7}"
              f"{len(r['unrouted_nets']):>9}{str(r['drc_errors']):>6}{str(r['connectivity_ok']):>6}"
              f"{str(r['wns_ns']):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
