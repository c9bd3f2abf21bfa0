"""RTL to GDS in one call: synthesis, floorplan, placement, routing, GDS, DRC, connectivity, timing.

>>> result = run_flow(["counter4.v"], "counter4", clock_ns=10, out_dir="build/counter4")  # doctest: +SKIP

From a shell::

    python -m chiplab.flow counter4.v --top counter4 --clock-ns 10 --out build/counter4

The output folder gets the netlist (``<top>.json``, ``<top>.v``), ``<top>.def``, ``<top>.gds``, a picture
``layout.png`` and ``report.json`` (cells, area, utilization, DRC errors, connectivity, WNS, fmax,
wirelength and seconds per stage). Each stage prints one line with its time. A stage that fails because
of the design raises :class:`chiplab.errors.FlowError` naming the stage and what to change.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplab.errors import ChipLabError, FlowError

STAGES = ("synth", "floorplan", "place", "route", "gds", "drc", "connectivity", "sta")


@dataclass
class FlowResult:
    """What :func:`run_flow` made: paths, figures and the reports of each stage."""

    top: str
    out_dir: Path
    report: dict
    stage_seconds: dict[str, float]
    netlist_json: Path | None = None
    def_path: Path | None = None
    gds_path: Path | None = None
    png_path: Path | None = None
    synth: Any = None
    pnr: Any = None
    drc: Any = None
    connectivity: Any = None
    timing: Any = None
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        r = self.report
        lines = [f"{self.top}: {r.get('cells')} cells, {r.get('area_um2')} um^2 of cells, "
                 f"utilization {r.get('utilization')}, wirelength {r.get('wirelength_um')} um"]
        lines.append(f"  DRC errors: {r.get('drc_errors')}   connectivity ok: {r.get('connectivity_ok')}   "
                     f"WNS: {r.get('wns_ns')} ns   fmax: {r.get('fmax_mhz')} MHz")
        lines.append("  " + "  ".join(f"{k} {v:.2f}s" for k, v in self.stage_seconds.items()))
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython
        p.text(self.summary())


class _Progress:
    """One line per stage: a small bar, the stage name and its seconds."""

    def __init__(self, enabled: bool, total: int = len(STAGES)) -> None:
        self.enabled, self.total, self.done = enabled, total, 0

    def __call__(self, stage: str, seconds: float | None, note: str = "") -> None:
        self.done += 1
        if not self.enabled:
            return
        filled = round(20 * self.done / self.total)
        bar = "#" * filled + "." * (20 - filled)
        took = f"{seconds:6.2f} s" if seconds is not None else "skipped "
        print(f"[{bar}] {self.done}/{self.total} {stage:<13} {took}  {note}".rstrip(), flush=True)


def _optional(module: str) -> Any:
    """Import a sibling module, or None when it is not there (a stage then notes that it was skipped)."""
    import importlib  # noqa: PLC0415

    try:
        return importlib.import_module(f"chiplab.{module}")
    except ImportError:
        return None


def run_flow(
    sources: str | os.PathLike | Iterable[str | os.PathLike],
    top: str,
    clock_ns: float = 10.0,
    out_dir: str | os.PathLike = "build/flow",
    utilization: float = 0.5,
    aspect_ratio: float = 1.0,
    core_size_um: tuple[float, float] | None = None,
    seed: int = 1,
    liberty: str | os.PathLike | None = None,
    progress: bool = True,
    render: bool = True,
    on_stage: Callable[[str, float | None], None] | None = None,
    strategy: str = "ripup",
    density_weight: float = 0.0,
    route_time_s: float = 120.0,
) -> FlowResult:
    """Take Verilog sources of module ``top`` to a checked sky130 GDS in ``out_dir``.

    Stages: synth -> floorplan -> place -> route (DEF) -> gds -> drc -> connectivity -> sta. ``clock_ns``
    is the clock period for timing; ``utilization``/``aspect_ratio``/``core_size_um`` size the core.
    ``strategy`` picks the router ("ripup" or "pathfinder"), ``density_weight`` > 0 makes the placer spread
    cells evenly, ``route_time_s`` bounds routing (docs/pnr.md: a few hundred cells route with
    utilization=0.3, density_weight=1, strategy="pathfinder").
    Raises FlowError('<stage>', ...) when the design cannot go on (bad RTL, too large, unroutable).
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    sources = [Path(s) for s in sources]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shown = _Progress(progress)
    times: dict[str, float] = {}
    notes: list[str] = []
    res = FlowResult(top, out, {}, times, notes=notes)

    def stage_done(name: str, seconds: float | None, note: str = "") -> None:
        if seconds is not None:
            times[name] = round(seconds, 4)
        shown(name, seconds, note)
        if on_stage:
            on_stage(name, seconds)

    # ---- synthesis
    synth = _optional("synth")
    if synth is None:
        raise FlowError("synth", "chiplab.synth is not available", hint="install ChipLab completely (make setup)")
    t = time.perf_counter()
    try:
        kwargs: dict[str, Any] = {"out_dir": out}
        if liberty is not None:
            kwargs["liberty"] = liberty
        sres = synth.synthesize([str(s) for s in sources], top=top, **kwargs)
    except FlowError:
        raise
    except ChipLabError as exc:
        raise FlowError("synth", str(exc).split("\n  Hint:")[0], hint=getattr(exc, "hint", "")) from exc
    res.synth = sres
    res.netlist_json = Path(sres.json_path)
    stage_done("synth", time.perf_counter() - t, f"{sres.cell_count} cells, {sres.area_um2:.1f} um^2")

    # ---- floorplan, placement, routing
    from chiplab import pnr  # noqa: PLC0415

    def pnr_stage(name: str, seconds: float) -> None:
        extra = ""
        stage_done(name, seconds, extra)

    pres = pnr.run_pnr(sres.netlist, out, top=top, utilization=utilization, aspect_ratio=aspect_ratio,
                       core_size_um=core_size_um, seed=seed, on_stage=pnr_stage, strategy=strategy,
                       density_weight=density_weight, route_time_s=route_time_s)
    res.pnr = pres
    res.def_path = pres.def_path
    report: dict[str, Any] = {
        "design": top, "clock_ns": clock_ns, "cells": sres.cell_count, "area_um2": round(sres.area_um2, 2),
        "utilization": round(pres.utilization, 4), "die_um": list(pres.die_um), "core_um": list(pres.core_um),
        "wirelength_um": round(pres.wirelength_um, 2), "vias": pres.vias, "unrouted_nets": pres.unrouted,
        "drc_errors": None, "connectivity_ok": None, "wns_ns": None, "fmax_mhz": None,
    }
    res.report = report

    if render:  # pictures of the physical design (for the report and the course)
        try:
            # no matplotlib.use() here: switching the backend would stop a notebook from showing figures
            import matplotlib.pyplot as plt  # noqa: PLC0415

            from chiplab.pnr import plots  # noqa: PLC0415

            for name, draw in (("placement", plots.plot_placement), ("congestion", plots.plot_congestion)):
                ax = draw(pres)
                ax.figure.savefig(out / f"{name}.png", dpi=110, bbox_inches="tight")
                plt.close(ax.figure)
            ax = plots.plot_cost(pres.placement_history)
            ax.figure.savefig(out / "placement_cost.png", dpi=110, bbox_inches="tight")
            plt.close(ax.figure)
        except Exception as exc:  # pictures are a bonus: never fail the flow for them
            notes.append(f"P&R pictures not drawn: {type(exc).__name__}: {exc}")

    # ---- GDS and picture
    layout = _optional("layout")
    gds = None
    if layout is not None and hasattr(layout, "def_to_gds"):
        t = time.perf_counter()
        try:
            gds = layout.def_to_gds(pres.def_path, out / f"{top}.gds")
            res.gds_path = Path(gds)
            if render and hasattr(layout, "render"):
                res.png_path = Path(layout.render(gds, out / "layout.png", width=1000))
            stage_done("gds", time.perf_counter() - t)
        except Exception as exc:  # a broken sibling module must not hide the P&R results
            notes.append(f"gds stage failed: {type(exc).__name__}: {exc}")
            stage_done("gds", None, "failed (see report notes)")
    else:
        notes.append("gds stage skipped: chiplab.layout.def_to_gds is not available")
        stage_done("gds", None)

    # ---- DRC
    t = time.perf_counter()
    if gds is not None and hasattr(layout, "drc"):
        try:
            d = layout.drc(gds)
            res.drc = d
            report["drc_errors"] = d.count
            report["drc_by_rule"] = d.by_rule()
            stage_done("drc", time.perf_counter() - t, f"{d.count} errors")
        except Exception as exc:
            notes.append(f"drc stage failed: {type(exc).__name__}: {exc}")
            stage_done("drc", None, "failed")
    else:
        # the router's own check on the DEF (KLayout read-back: width, spacing, enclosure, grid)
        d = pnr.check.drc(pres.def_path, pres.lef_files)
        report["drc_errors"] = d["total"]
        report["drc_by_rule"] = {k: v for k, v in d.items() if v and k != "total"}
        notes.append("DRC from chiplab.pnr.check on the DEF (chiplab.layout.drc not available)")
        stage_done("drc", time.perf_counter() - t, f"{d['total']} errors (DEF check)")

    # ---- connectivity
    t = time.perf_counter()
    if gds is not None and hasattr(layout, "check_connectivity"):
        try:
            c = layout.check_connectivity(gds, sres.netlist, top=top)
            res.connectivity = c
            report["connectivity_ok"] = bool(c.ok)
            report["opens"] = [str(o) for o in c.opens]
            report["shorts"] = [str(s) for s in c.shorts]
            stage_done("connectivity", time.perf_counter() - t, "ok" if c.ok else "FAILED")
        except Exception as exc:
            notes.append(f"connectivity stage failed: {type(exc).__name__}: {exc}")
            stage_done("connectivity", None, "failed")
    else:
        c = pnr.check.connectivity(pres.def_path)
        report["connectivity_ok"] = c["ok"]
        report["opens"], report["shorts"] = c["opens"], [list(s) for s in c["shorts"]]
        notes.append("connectivity from chiplab.pnr.check on the DEF (chiplab.layout not available)")
        stage_done("connectivity", time.perf_counter() - t, "ok (DEF check)" if c["ok"] else "FAILED")

    # ---- static timing with the routed wire capacitance of every net
    timing = _optional("timing")
    t = time.perf_counter()
    if timing is not None and hasattr(timing, "analyze"):
        try:
            nl = pnr.read_yosys_json(sres.netlist, top)
            try:
                caps = {nl.net_bits[n]: timing.wire_cap_from_length(wl)
                        for n, wl in pres.net_wirelength_um.items() if n in nl.net_bits}
            except ChipLabError as exc:  # timing still runs, on pin loads alone; say so
                caps = None
                notes.append(f"sta without wire capacitance (wire_cap_from_length failed: {exc})")
            kwargs = {"liberty": liberty} if liberty is not None else {}
            rep = timing.analyze(sres.netlist, period_ns=clock_ns, wire_caps_ff=caps, top=top, **kwargs)
            res.timing = rep
            report["wns_ns"] = round(rep.wns, 4)
            report["tns_ns"] = round(rep.tns, 4)
            report["fmax_mhz"] = round(rep.fmax_mhz, 2) if rep.fmax_mhz != float("inf") else None
            (out / "timing.txt").write_text(rep.text())
            stage_done("sta", time.perf_counter() - t, f"WNS {rep.wns:+.3f} ns, fmax {rep.fmax_mhz:.0f} MHz")
        except Exception as exc:
            notes.append(f"sta stage failed: {type(exc).__name__}: {exc}")
            stage_done("sta", None, "failed")
    else:
        notes.append("sta stage skipped: chiplab.timing.analyze is not available")
        stage_done("sta", None)

    report["stage_seconds"] = dict(times)
    report["total_seconds"] = round(sum(times.values()), 3)
    report["pnr"] = {k: v for k, v in pres.extra.items()}
    report["notes"] = notes
    report["files"] = {k: str(v) for k, v in (("netlist", res.netlist_json), ("def", res.def_path),
                                               ("gds", res.gds_path), ("png", res.png_path)) if v}
    (out / "report.json").write_text(json.dumps(report, indent=1))
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m chiplab.flow", description="RTL to GDS on sky130 with ChipLab")
    ap.add_argument("sources", nargs="+", help="Verilog files")
    ap.add_argument("--top", required=True, help="top module name")
    ap.add_argument("--clock-ns", type=float, default=10.0, help="clock period in ns (default 10)")
    ap.add_argument("--out", default="build/flow", help="output folder")
    ap.add_argument("--utilization", type=float, default=0.5, help="target core utilization (default 0.5)")
    ap.add_argument("--aspect-ratio", type=float, default=1.0, help="core height / width (default 1)")
    ap.add_argument("--seed", type=int, default=1, help="placement random seed")
    ap.add_argument("--strategy", choices=("ripup", "pathfinder"), default="ripup", help="router (default ripup)")
    ap.add_argument("--density-weight", type=float, default=0.0,
                    help="placer density term; > 0 spreads cells evenly (default 0: wirelength only)")
    ap.add_argument("--route-time", type=float, default=120.0, help="routing time limit in seconds (default 120)")
    ap.add_argument("--quiet", action="store_true", help="no progress lines")
    args = ap.parse_args(argv)
    try:
        res = run_flow(args.sources, args.top, args.clock_ns, args.out, utilization=args.utilization,
                       aspect_ratio=args.aspect_ratio, seed=args.seed, progress=not args.quiet,
                       strategy=args.strategy, density_weight=args.density_weight,
                       route_time_s=args.route_time)
    except ChipLabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(res.summary())
    print(f"results in {res.out_dir}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
