"""Benchmark: synthesis of the example designs, gate-level simulation, DEF -> GDS, render and DRC.

Run: ``.venv/bin/python bench/bench_synth.py``. Prints each time (best of N runs) and, as the ratio the
bench/ folder uses, each time against the interactive budget of 1 s (DESIGN.md: "Interactive cells < 1 s").
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chiplab import layout, pdk, synth

BUDGET_S = 1.0
DESIGNS = {"counter4": "counter4.v", "adder8": "adder8.v", "seqdet": "seqdet.v"}


def timeit(fn: Callable[[], object], repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def row_def(cells: list[str], rows: int) -> str:
    """A DEF with `rows` rows of the given cells between tap cells (every other row flipped)."""
    comps, width = [], 0
    for row in range(rows):
        x = 0
        orient = "N" if row % 2 == 0 else "FS"
        for i, cell in enumerate(["tapvpwrvgnd_1", *cells, "tapvpwrvgnd_1"]):
            comps.append(f"- r{row}_{i} {pdk.full_name(cell)} + PLACED ( {x} {row * 2720} ) {orient} ;")
            x += round(pdk.cell_info(cell).width_um * 1000)
        width = x
    return (
        'VERSION 5.8 ;\nDIVIDERCHAR "/" ;\nBUSBITCHARS "[]" ;\nDESIGN rows ;\nUNITS DISTANCE MICRONS 1000 ;\n'
        f"DIEAREA ( 0 0 ) ( {width} {rows * 2720} ) ;\nCOMPONENTS {len(comps)} ;\n"
        + "\n".join(comps)
        + "\nEND COMPONENTS\nEND DESIGN\n"
    )


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="chiplab_bench_"))
    lines: list[tuple[str, float, float]] = []
    results = {}
    for top, name in DESIGNS.items():
        src = synth.DESIGNS / name
        best, med = timeit(lambda src=src, top=top: results.__setitem__(top, synth.synthesize(src, top)))
        res = results[top]
        lines.append((f"synthesize {top} ({res.cell_count} cells, {res.area_um2:.1f} um^2)", best, med))
    for top, name in DESIGNS.items():
        best, med = timeit(
            lambda top=top, name=name: synth.equivalent_by_simulation(
                synth.DESIGNS / name, results[top], top, cycles=500
            ),
            repeat=3,
        )
        lines.append((f"gate-level sim vs RTL {top} (500 cycles)", best, med))
    best, med = timeit(
        lambda: synth.equivalent_formally(synth.DESIGNS / "counter4.v", results["counter4"], "counter4"),
        repeat=3,
    )
    lines.append(("formal equivalence counter4", best, med))

    cells = ["inv_1", "nand2_1", "nor2_1", "xor2_1", "a21oi_1", "o21ai_1", "mux2_1", "dfxtp_1", "conb_1"] * 3
    def_path = work / "rows.def"
    def_path.write_text(row_def(cells, rows=6))
    gds = work / "rows.gds"
    n_inst = 6 * (len(cells) + 2)
    best, med = timeit(lambda: layout.def_to_gds(def_path, gds))
    lines.append((f"def_to_gds ({n_inst} cells)", best, med))
    best, med = timeit(lambda: layout.render(gds, work / "rows.png", width=1200))
    lines.append(("render PNG 1200 px", best, med))
    best, med = timeit(lambda: layout.render(gds, work / "rows.svg", width=1200), repeat=3)
    lines.append(("render SVG 1200 px", best, med))
    report = layout.drc(gds)
    best, med = timeit(lambda: layout.drc(gds), repeat=3)
    lines.append((f"drc {len(layout.RULES)} rules ({report.count} violations)", best, med))

    width = max(len(n) for n, _, _ in lines)
    print(f"{'step':<{width}}  {'best s':>8}  {'median s':>8}  {'x budget':>8}")
    for name, best, med in lines:
        print(f"{name:<{width}}  {best:8.3f}  {med:8.3f}  {best / BUDGET_S:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
