"""A one-page sign-off report of a finished flow run: the capstone's deliverable.

>>> from chiplab.flow import run_flow                                                  # doctest: +SKIP
>>> from chiplab.report import one_page                                                # doctest: +SKIP
>>> result = run_flow("pwm.v", "pwm", clock_ns=10, out_dir="build/pwm")                # doctest: +SKIP
>>> rep = one_page(result, title="PWM generator", author="A. Student",              # doctest: +SKIP
...                verification={"passed": 4, "failed": 0}, out="build/pwm/report.pdf")
>>> rep.data["signoff"]["ok"], rep.data["fmax_mhz"]                                   # doctest: +SKIP

Everything on the page comes from the :class:`~chiplab.flow.FlowResult`: the figures of ``report.json``,
the layout picture the flow rendered from its GDS, the cell usage of the synthesized netlist and the
critical path of the static timing analysis. Only the title, the author, the specification (a few lines
of text) and the verification counts are given by the caller; a :class:`~chiplab.verify.CocotbResult` can
be passed as ``verification`` directly.

The page is A4 portrait: a title block, a sign-off line (PASS only when DRC shows 0 errors, the layout's
connectivity matches the netlist, the setup slack is >= 0 and every verification test passed), a table of
key figures, the layout, a cell-usage bar chart, the specification and the critical path.

The figure is a plain :class:`matplotlib.figure.Figure` (not a pyplot one), so making a report never
changes matplotlib's backend and never shows a figure twice; a :class:`Report` displays itself in a
notebook as a PNG.
"""

from __future__ import annotations

import datetime as _dt
import io
import numbers
import os
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplab.errors import ChipLabError

__all__ = ["one_page", "Report", "ReportError", "A4_INCHES", "signoff"]

#: A4 portrait in inches (210 x 297 mm)
A4_INCHES = (8.27, 11.69)
FORMATS = (".png", ".pdf")
_GREEN, _RED, _GREY = "#1a7f37", "#cf222e", "#57606a"
_FLOW_KEYS = ("cells", "area_um2", "utilization", "clock_ns", "wns_ns", "fmax_mhz", "drc_errors",
              "connectivity_ok", "wirelength_um")


class ReportError(ChipLabError, ValueError):
    """The report cannot be made from what it was given (not a flow result, an unfinished flow, bad input)."""


# --------------------------------------------------------------------------------------------- the data


def _check_flow(flow_result: Any) -> None:
    if isinstance(flow_result, (str, os.PathLike)):
        raise ReportError(
            f"one_page() needs the result of run_flow(), not a path ({os.fspath(flow_result)!r})",
            hint="keep what run_flow returns: result = run_flow(...); one_page(result, ...)")
    # duck-typed on purpose: a FlowResult made by a private copy of chiplab.flow (the autograder's) is fine
    needed = ("top", "out_dir", "report", "stage_seconds", "synth", "timing", "gds_path")
    missing = [a for a in needed if not hasattr(flow_result, a)]
    if missing or not isinstance(getattr(flow_result, "report", None), dict):
        raise ReportError(
            f"one_page() needs the FlowResult that chiplab.flow.run_flow() returns, got "
            f"{type(flow_result).__name__}",
            hint="result = run_flow(sources, top, clock_ns=..., out_dir=...); then one_page(result, ...)")
    missing = [k for k in (*_FLOW_KEYS, "total_seconds") if k not in flow_result.report]
    if flow_result.synth is None:
        missing.append("synthesis result")
    if missing:
        raise ReportError(
            f"the flow of {flow_result.top!r} did not finish: its result has no {', '.join(missing)}",
            hint="run run_flow() again and make the report from the result it returns without an error")


def _verification(verification: Any) -> dict | None:
    if verification is None:
        return None
    if hasattr(verification, "tests") and hasattr(verification, "simulator"):  # a CocotbResult
        tests = list(verification.tests)
        return {"passed": sum(1 for t in tests if t.passed),
                "failed": sum(1 for t in tests if not t.passed and not t.skipped),
                "tool": f"cocotb on {verification.simulator}",
                "tests": [t.name.split(".")[-1] for t in tests]}
    if not isinstance(verification, Mapping):
        raise ReportError(
            f"verification must be a dict like {{'passed': 6, 'failed': 0}} or a CocotbResult, got "
            f"{type(verification).__name__}",
            hint="pass the counts of your cocotb run: verification={'passed': n, 'failed': m}")
    out = {str(k): v for k, v in verification.items()}
    for key in ("passed", "failed"):
        value = out.get(key)
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ReportError(
                f"verification[{key!r}] must be a whole number >= 0, got {value!r}",
                hint="e.g. verification={'passed': result_count, 'failed': 0}, counted from your test run")
        out[key] = int(value)
    return out


def _spec(spec: Any) -> dict | None:
    if spec is None:
        return None
    if not isinstance(spec, Mapping):
        raise ReportError(f"spec must be a dict of short lines (name -> text), got {type(spec).__name__}",
                          hint="e.g. spec={'function': '8-bit PWM', 'clock': '10 ns (100 MHz)'}")
    return {str(k): v if isinstance(v, (str, int, float, bool)) or v is None else str(v)
            for k, v in spec.items()}


def _cell_counts(flow_result: Any) -> dict[str, int]:
    """Cells by type (short sky130 names), from the synthesized netlist."""
    cells = getattr(flow_result.synth, "cells", None)
    if isinstance(cells, Mapping) and cells:
        return {str(k): int(v) for k, v in cells.items()}
    import json  # noqa: PLC0415

    from chiplab import pdk  # noqa: PLC0415

    netlist = getattr(flow_result.synth, "netlist", None)
    if netlist is None and flow_result.netlist_json:
        netlist = json.loads(Path(flow_result.netlist_json).read_text())
    counts: dict[str, int] = {}
    for cell in (netlist or {}).get("modules", {}).get(flow_result.top, {}).get("cells", {}).values():
        name = pdk.short_name(cell["type"])
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def _is_flop(cell: str) -> bool:
    try:
        from chiplab import pdk  # noqa: PLC0415

        return bool(pdk.cell_info(cell).is_sequential)
    except Exception:  # noqa: BLE001  - a name the PDK does not know: guess from the family
        return cell.startswith(("df", "sdf", "edf", "dl"))


def _readable(net: str | None) -> str:
    """A designer's net name, or '' for one Yosys made up (_12_, $auto...)."""
    return "" if not net or net.startswith(("_", "$")) else net


def _register_of(flow_result: Any, instance: str) -> str:
    """The net a flip-flop drives (its register's name), '' when unknown."""
    try:
        from chiplab.synth import netlist_nets  # noqa: PLC0415

        for name, conns in netlist_nets(flow_result.synth.netlist, flow_result.top).items():
            if (instance, "Q") in conns:
                return _readable(name)
    except Exception:  # noqa: BLE001  - a name only: never fail the report for it
        pass
    return ""


def _critical_path(flow_result: Any) -> dict | None:
    timing = flow_result.timing
    if timing is None or not getattr(timing, "critical_path", None):
        return None
    from chiplab import pdk  # noqa: PLC0415

    path = timing.critical_path
    worst = min(timing.endpoints, key=lambda e: e.slack) if timing.endpoints else None
    end = path[-1]
    return {
        "start": path[0].point, "start_net": _readable(path[0].net),
        "end": end.point, "end_net": _register_of(flow_result, end.instance) if end.pin == "D" else "",
        "delay_ns": round(end.arrival, 4),
        "required_ns": round(worst.required, 4) if worst else None,
        "slack_ns": round(worst.slack, 4) if worst else None,
        "points": [{"point": p.point, "cell": pdk.short_name(p.cell) if p.cell else "", "edge": p.edge,
                    "incr_ns": round(p.incr, 4), "arrival_ns": round(p.arrival, 4), "net": _readable(p.net)}
                   for p in path],
    }


def signoff(data: Mapping[str, Any]) -> dict:
    """The sign-off verdict of a report's data: ``{'ok': bool, 'checks': [...], 'reasons': [...]}``.

    PASS needs all four: DRC 0 errors, connectivity ok, WNS >= 0 at the target clock, and verification
    results with at least one test passed and none failed (no results given is not a pass).
    """
    checks = []
    drc = data.get("drc_errors")
    checks.append(("DRC", drc == 0, "not run" if drc is None else f"{drc} error{'s' * (drc != 1)}"))
    conn = data.get("connectivity_ok")
    checks.append(("connectivity", conn is True,
                   "not run" if conn is None else ("layout matches netlist" if conn else "opens or shorts")))
    wns = data.get("wns_ns")
    checks.append(("setup timing", wns is not None and wns >= 0,
                   "not run" if wns is None else f"WNS {wns:+.3f} ns at {data.get('clock_ns')} ns"))
    ver = data.get("verification")
    if ver is None:
        checks.append(("verification", False, "no results given"))
    else:
        ok = ver["failed"] == 0 and ver["passed"] > 0
        checks.append(("verification", ok, f"{ver['passed']} passed, {ver['failed']} failed"))
    reasons = [f"{name}: {text}" for name, ok, text in checks if not ok]
    return {"ok": not reasons, "checks": [{"check": n, "ok": ok, "detail": t} for n, ok, t in checks],
            "reasons": reasons}


# --------------------------------------------------------------------------------------------- the page


@dataclass(repr=False)
class Report:
    """A one-page report: ``data`` (a dict, JSON-friendly) and ``figure`` (an A4 matplotlib Figure)."""

    data: dict
    figure: Any
    path: Path | None = None
    _png: bytes | None = field(default=None, repr=False)

    @property
    def passed(self) -> bool:
        """True when the sign-off line says PASS."""
        return bool(self.data["signoff"]["ok"])

    def save(self, path: str | os.PathLike, dpi: int = 150) -> Path:
        """Write the page to ``path`` (``.png`` or ``.pdf``, one page); returns the path."""
        path = Path(path)
        if path.suffix.lower() not in FORMATS:
            raise ReportError(f"cannot save a report as {path.suffix or 'a file without an extension'!r}",
                              hint="give a file name ending in .png or .pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.figure.savefig(path, dpi=dpi, format=path.suffix.lower()[1:])
        self.path = path
        return path

    def png(self, dpi: int = 90) -> bytes:
        """The page as PNG bytes (what a notebook shows)."""
        if self._png is None or dpi != 90:
            buf = io.BytesIO()
            self.figure.savefig(buf, dpi=dpi, format="png")
            if dpi != 90:
                return buf.getvalue()
            self._png = buf.getvalue()
        return self._png

    def _repr_png_(self) -> bytes:  # IPython / Jupyter
        return self.png()

    def summary(self) -> str:
        d = self.data
        verdict = "PASS" if self.passed else "FAIL: " + "; ".join(d["signoff"]["reasons"])
        return (f"{d['title']} ({d['top']}): {d['cells']} cells, {_fmt(d['area_um2'], 'um^2')}, "
                f"fmax {_fmt(d['fmax_mhz'], 'MHz')}, sign-off {verdict}")

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<Report {self.summary()}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython's text view (a terminal)
        p.text(self.summary())


def _fmt(value: Any, unit: str = "", digits: int = 2, sign: bool = False) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    else:
        text = str(value)
    return f"{text} {unit}".rstrip()


def _layout_png(flow_result: Any) -> Path | None:
    """The picture the flow rendered from its GDS; drawn again from the GDS if the file is gone."""
    png = flow_result.png_path
    if png and Path(png).exists():
        return Path(png)
    gds = flow_result.gds_path
    if gds and Path(gds).exists():
        try:
            from chiplab import layout  # noqa: PLC0415

            return Path(layout.render(gds, Path(flow_result.out_dir) / "layout.png", width=1000))
        except Exception:  # noqa: BLE001  - the page says "no layout picture" instead
            return None
    return None


def _picture(png: Path, size: int = 700) -> Any:
    """The layout picture as an RGB array, at most ``size`` pixels wide or high: about what an A4 page at
    150 dpi shows, and quicker to draw and smaller in a PDF than the flow's 1000-pixel picture."""
    import numpy as np  # noqa: PLC0415
    from PIL import Image as PILImage  # noqa: PLC0415

    with PILImage.open(png) as im:
        im = im.convert("RGB")
        im.thumbnail((size, size), PILImage.LANCZOS)
        return np.asarray(im)


def _draw(data: dict, layout_png: Path | None, notes: list[str]) -> Any:
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.patches import FancyBboxPatch  # noqa: PLC0415

    fig = Figure(figsize=A4_INCHES)
    fig.patch.set_facecolor("white")
    ink = "#1f2328"

    # ---- title block
    fig.text(0.06, 0.958, data["title"], fontsize=19, weight="bold", color=ink, va="center")
    fig.text(0.06, 0.93, f"{data['author'] or 'author not given'}   |   {data['date']}   |   design "
                         f"{data['top']}   |   sky130_fd_sc_hd, ChipLab flow", fontsize=9.5, color=_GREY,
             va="center")
    fig.add_artist(FancyBboxPatch((0.06, 0.915), 0.88, 0.0008, boxstyle="square,pad=0", color=ink,
                                  transform=fig.transFigure))

    # ---- sign-off line
    so = data["signoff"]
    colour = _GREEN if so["ok"] else _RED
    fig.add_artist(FancyBboxPatch((0.06, 0.872), 0.88, 0.032, boxstyle="round,pad=0.004,rounding_size=0.006",
                                  facecolor=colour, edgecolor="none", transform=fig.transFigure))
    verdict = "SIGN-OFF: PASS" if so["ok"] else "SIGN-OFF: FAIL"
    detail = ("DRC clean, connectivity ok, timing met, all tests passed" if so["ok"]
              else "; ".join(so["reasons"]))
    if len(detail) > 95:
        detail = detail[:92] + "..."
    fig.text(0.075, 0.888, verdict, fontsize=13, weight="bold", color="white", va="center")
    fig.text(0.30, 0.888, detail, fontsize=8.5, color="white", va="center")

    # ---- key figures
    ok_of = {c["check"]: c["ok"] for c in so["checks"]}
    core = data.get("core_um") or [None, None]
    die = data.get("die_um") or [None, None]
    flops = sum(n for c, n in data["cell_counts"].items() if _is_flop(c))
    ver = data.get("verification")
    clock = data["clock_ns"]
    rows: list[tuple[str, str, bool | None]] = [
        ("cells", f"{data['cells']} ({flops} flip-flops)", None),
        ("cell area", _fmt(data["area_um2"], "um²"), None),
        ("core", f"{_fmt(core[0])} x {_fmt(core[1])} um" if core[0] else "n/a", None),
        ("utilization", f"{100 * data['utilization']:.1f} %" if data["utilization"] is not None else "n/a",
         None),
        ("die", f"{_fmt(die[0])} x {_fmt(die[1])} um" if die[0] else "n/a", None),
        ("clock target", f"{clock:g} ns ({1000 / clock:.0f} MHz)" if clock else "n/a", None),
        ("WNS (setup)", _fmt(data["wns_ns"], "ns", 3, sign=True), ok_of["setup timing"]),
        ("fmax", _fmt(data["fmax_mhz"], "MHz", 1), None),
        ("hold (worst slack)", _fmt(data.get("whs_ns"), "ns", 3, sign=True), None),
        ("DRC errors", _fmt(data["drc_errors"]), ok_of["DRC"]),
        ("connectivity", {True: "ok", False: "FAILED", None: "n/a"}[data["connectivity_ok"]],
         ok_of["connectivity"]),
        ("wirelength", f"{_fmt(data['wirelength_um'], 'um', 1)}, {data.get('vias', 'n/a')} vias", None),
        ("verification", "not given" if ver is None else f"{ver['passed']} passed, {ver['failed']} failed",
         ok_of["verification"]),
        ("flow run time", _fmt(data.get("flow_seconds"), "s"), None),
    ]
    fig.text(0.06, 0.845, "Key figures", fontsize=11, weight="bold", color=ink, va="bottom")
    ax = fig.add_axes((0.06, 0.505, 0.40, 0.33))
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    for i, (label, value, ok) in enumerate(rows):
        y = i
        if not i % 2:
            ax.axhspan(y - 0.5, y + 0.5, color="#f3f5f7", lw=0)
        ax.text(0.02, y, label, fontsize=9, color=_GREY, va="center")
        ax.text(0.42, y, value, fontsize=9, color=ink, va="center", weight="bold" if ok is not None else None)
        if ok is not None:
            ax.text(0.97, y, "✓" if ok else "✗", fontsize=11, color=_GREEN if ok else _RED, va="center",
                    ha="right", weight="bold")

    # ---- layout picture
    fig.text(0.50, 0.845, f"Layout ({data['top']}.gds)", fontsize=11, weight="bold", color=ink, va="bottom")
    ax = fig.add_axes((0.50, 0.515, 0.44, 0.32))
    if layout_png is not None:
        ax.imshow(_picture(layout_png), interpolation="antialiased")
        ax.set_anchor("N")
        if die[0]:
            ax.set_xlabel(f"die {die[0]:.2f} x {die[1]:.2f} um", fontsize=8, color=_GREY)
        ax.set_xticks([])
        ax.set_yticks([])
        for s in ax.spines.values():
            s.set_color("#d0d7de")
    else:
        ax.axis("off")
        ax.text(0.5, 0.5, "no layout picture\n(the flow wrote no GDS)", ha="center", va="center", color=_RED)

    # ---- cell usage
    counts = sorted(data["cell_counts"].items(), key=lambda kv: (-kv[1], kv[0]))
    shown = counts[:14]
    if len(counts) > len(shown):
        shown.append((f"{len(counts) - 14} more types", sum(n for _, n in counts[14:])))
    ax = fig.add_axes((0.15, 0.285, 0.31, 0.175))
    ys = range(len(shown))
    colours = ["#d9822b" if _is_flop(c) else "#4a7fb5" for c, _ in shown]
    ax.barh(list(ys), [n for _, n in shown], color=colours,
            height=0.7)
    for y, (_c, n) in zip(ys, shown):
        ax.text(n, y, f" {n}", va="center", fontsize=7, color=ink)
    ax.set_yticks(list(ys), [c for c, _ in shown], fontsize=7 if len(shown) > 9 else 8)
    ax.invert_yaxis()
    ax.set_xlim(0, max((n for _, n in shown), default=1) * 1.18)
    ax.tick_params(axis="x", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.06, 0.475, "Cell usage", fontsize=11, weight="bold", color=ink, va="bottom")
    fig.text(0.205, 0.4765, f"{len(counts)} types; orange: flip-flops", fontsize=8, color=_GREY, va="bottom")

    # ---- specification
    ax = fig.add_axes((0.52, 0.285, 0.42, 0.175))
    ax.axis("off")
    fig.text(0.52, 0.475, "Specification", fontsize=11, weight="bold", color=ink, va="bottom")
    spec = data.get("spec")
    if spec:
        lines: list[tuple[str, str]] = []
        for k, v in spec.items():
            parts = textwrap.wrap(str(v), 36) or [""]
            lines.append((k, parts[0]))
            lines += [("", p) for p in parts[1:]]
        if len(lines) > 14:
            lines = lines[:13] + [("", "...")]
        size = 8.5 if len(lines) <= 11 else 7.5
        step = 1.0 / max(len(lines), 11)
        for i, (k, v) in enumerate(lines):
            y = 1 - (i + 0.5) * step
            ax.text(0, y, textwrap.shorten(k, 15, placeholder="..."), fontsize=size, color=_GREY, va="center",
                    transform=ax.transAxes)
            ax.text(0.27, y, v, fontsize=size, color=ink, va="center", transform=ax.transAxes)
    else:
        ax.text(0, 0.8, "no specification given", fontsize=9, color=_GREY, transform=ax.transAxes)

    # ---- critical path
    cp = data.get("critical_path")
    fig.text(0.06, 0.24, "Critical path", fontsize=11, weight="bold", color=ink, va="bottom")
    if cp:
        start = cp["start"] + (f" ({cp['start_net']})" if cp.get("start_net") else "")
        end = cp["end"] + (f" (into {cp['end_net']})" if cp.get("end_net") else "")
        fig.text(0.25, 0.2415, f"{start}  ->  {end}:  {cp['delay_ns']:.3f} ns, required "
                               f"{_fmt(cp['required_ns'], 'ns', 3)}, "
                               f"slack {_fmt(cp['slack_ns'], 'ns', 3, sign=True)}",
                 fontsize=8.5, color=ink, va="bottom")
        pts = [p for p in cp["points"] if p["incr_ns"] > 0][-14:]
        ax = fig.add_axes((0.25, 0.075, 0.69, 0.15))
        for i, p in enumerate(pts):
            ax.barh(i, p["incr_ns"], left=p["arrival_ns"] - p["incr_ns"], height=0.7,
                    color="#d9822b" if p["cell"] and _is_flop(p["cell"]) else "#4a7fb5")
        labels = [f"{p['point']} {p['cell']}" + (f" ({p['net']})" if p.get("net") else "") for p in pts]
        ax.set_yticks(range(len(pts)), labels, fontsize=7 if len(pts) <= 10 else 6)
        ax.invert_yaxis()
        req = cp["required_ns"]
        if req is not None and req <= 2 * cp["delay_ns"]:  # on scale: draw the required time
            ax.axvline(req, ls="--", color=_RED if (cp["slack_ns"] or 0) < 0 else "k", lw=1)
            ax.text(req, -0.6, " required", fontsize=7, va="bottom")
            ax.set_xlim(0, max(req, cp["delay_ns"]) * 1.08)
        else:
            ax.set_xlim(0, cp["delay_ns"] * 1.12)
            if req is not None:
                ax.text(1, 1.01, f"required at {req:.3f} ns (off scale) ->", fontsize=7, ha="right",
                        va="bottom", transform=ax.transAxes)
        ax.set_xlabel("time after the clock edge (ns)", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    else:
        fig.text(0.25, 0.2415, "no timing analysis" + (f" ({notes[0]})" if notes else ""), fontsize=8.5,
                 color=_RED, va="bottom")

    # ---- footer
    stages = data.get("stage_seconds") or {}
    footer = ("Made by chiplab.report from the flow's report.json, GDS picture, netlist and timing "
              "analysis.  "
              "Stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
    fig.text(0.06, 0.03, "\n".join(textwrap.wrap(footer, 165)[:2]), fontsize=6.5, color=_GREY, va="center")
    if notes:
        fig.text(0.06, 0.012, textwrap.shorten("Notes: " + " | ".join(notes), 165), fontsize=6.5, color=_RED,
                 va="center")
    return fig


def one_page(
    flow_result: Any,
    title: str | None = None,
    author: str | None = None,
    spec: Mapping[str, Any] | None = None,
    verification: Mapping[str, Any] | Any | None = None,
    out: str | os.PathLike | None = None,
    date: str | _dt.date | None = None,
) -> Report:
    """Make the one-page report of a finished :func:`chiplab.flow.run_flow` result.

    - ``title``/``author``: the title block (default title: "<top>: RTL to a checked sky130 layout").
    - ``spec``: the specification as a few short lines, ``{"function": "...", "clock": "10 ns"}``.
    - ``verification``: ``{"passed": n, "failed": m}`` (more keys are kept) or a ``CocotbResult``.
    - ``out``: also save the page there (``.png`` or ``.pdf``).
    - ``date``: the date printed (default: today).

    Returns a :class:`Report` (``.data``, ``.figure``, ``.save(path)``; shows itself in a notebook).
    Raises :class:`ReportError` for something that is not a finished flow result or a bad argument.
    """
    _check_flow(flow_result)
    ver = _verification(verification)
    spec_d = _spec(spec)
    for name, value in (("title", title), ("author", author)):
        if value is not None and not isinstance(value, str):
            raise ReportError(f"{name} must be text, got {type(value).__name__}", hint=f'e.g. {name}="..."')
    if out is not None and Path(out).suffix.lower() not in FORMATS:
        raise ReportError(f"out must end in .png or .pdf, got {os.fspath(out)!r}",
                          hint='e.g. out="build/capstone/report.pdf"')
    rep = flow_result.report
    top = flow_result.top
    if isinstance(date, _dt.date):
        date = date.isoformat()
    elif date is not None:
        date = str(date)
    timing = flow_result.timing
    whs = getattr(timing, "whs", None)
    data: dict[str, Any] = {
        "title": title if title else f"{top}: RTL to a checked sky130 layout",
        "author": author or "",
        "date": date or _dt.date.today().isoformat(),
        "top": top,
        **{k: rep.get(k) for k in _FLOW_KEYS},
        "cell_counts": _cell_counts(flow_result),
        "core_um": rep.get("core_um"),
        "die_um": rep.get("die_um"),
        "core_area_um2": round(rep["core_um"][0] * rep["core_um"][1], 2) if rep.get("core_um") else None,
        "vias": rep.get("vias"),
        "whs_ns": round(whs, 4) if isinstance(whs, float) and whs != float("inf") else None,
        "critical_path": _critical_path(flow_result),
        "verification": ver,
        "spec": spec_d,
        "gds": str(flow_result.gds_path) if flow_result.gds_path else None,
        "stage_seconds": dict(flow_result.stage_seconds),
        "flow_seconds": rep.get("total_seconds"),
        "notes": list(rep.get("notes", [])),
    }
    data["signoff"] = signoff(data)
    fig = _draw(data, _layout_png(flow_result), data["notes"])
    report = Report(data, fig)
    if out is not None:
        report.save(out)
    return report
