"""Benchmark: ngspice with the sky130 models, the spice helpers, and characterizing one cell.

Run: ``.venv/bin/python bench/bench_spice.py``. The baseline, measured in the same run, is one ngspice
run that loads sky130's full combined model library (``.lib sky130.lib.spice tt``); every other figure
is printed as a ratio to it, and to the interactive budget of 1 s (DESIGN.md).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from chiplab import charlib, spice

BUDGET_S = 1.0
INVERTER = "XN out in 0 0 sky130_fd_pr__nfet_01v8 w=0.65 l=0.15\nXP out in vdd vdd sky130_fd_pr__pfet_01v8 w=1 l=0.15\n" \
           "Vdd vdd 0 1.8\nVin in 0 0.9"


def timeit(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> int:
    print(f"ngspice {spice.ngspice_version()}, {os.cpu_count()} CPUs", flush=True)
    rows: list[tuple[str, float, float]] = []
    full, full_med = timeit(lambda: spice.simulate(INVERTER, "op", full_models=True), repeat=2)
    rows.append(("op point, full sky130 library (baseline)", full, full_med))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CHIPLAB_CACHE"] = tmp
        t0 = time.perf_counter()
        spice.reduced_models("tt")
        rows.append(("write the reduced tt model file (once per install)", time.perf_counter() - t0, 0.0))
        del os.environ["CHIPLAB_CACHE"]
    spice.reduced_models("tt")
    rows.append(("op point, reduced models", *timeit(lambda: spice.simulate(INVERTER, "op"))))
    rows.append(("mosfet_iv 7 x 91 points", *timeit(lambda: spice.mosfet_iv())))
    rows.append(("inverter_vtc (901 points + metrics)", *timeit(lambda: spice.inverter_vtc())))
    rows.append(("inverter_delay (5 fF, 50 ps)", *timeit(lambda: spice.inverter_delay())))
    rows.append(("cell_delay nand2_1 (real cell netlist)", *timeit(lambda: spice.cell_delay("nand2_1"))))
    t0 = time.perf_counter()
    data = charlib.characterize(["inv_1"], jobs=1, progress=False)
    elapsed = time.perf_counter() - t0
    npts = sum(a.cell_rise.values.size for a in data[0].arcs if a.cell_rise is not None)
    rows.append((f"characterize inv_1 ({npts}-point tables, cap, leakage)", elapsed, elapsed))
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'best s':>8}  {'median s':>8}  {'vs full lib':>11}  {'vs 1 s':>7}")
    for name, best, med in rows:
        print(f"{name:<{width}}  {best:8.3f}  {med:8.3f}  {best / full:10.3f}x  {best / BUDGET_S:6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
