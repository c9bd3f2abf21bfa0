"""Interactive explorers for the logic lessons (ipywidgets + matplotlib).

- :func:`draw_gate` draws one gate as its distinctive-shape symbol (IEEE 91 / ANSI style), with the
  inputs and the output labelled and coloured by logic value.
- :func:`gate_explorer` toggles a gate's inputs and shows the output, the symbol and the gate's truth
  table with the current row marked.
- :func:`truth_table_builder` turns a typed Boolean expression into its truth table (or explains what
  is wrong with the text).
- :func:`draw_circuit` draws an expression as a network of gates (shared sub-expressions fan out), and
  :func:`circuit_explorer` adds a switch per input; :func:`gate_gallery` shows every symbol at once.

Every widget is an ``ipywidgets.VBox`` with methods that do what a click or a keystroke does
(``set_inputs``, ``set_gate``, ``set_text``), so the logic is testable without a browser. Drawing
uses matplotlib's object API (no pyplot state), so it works headless and never leaks figures.
"""

from __future__ import annotations

import functools
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, PathPatch
from matplotlib.path import Path

from chiplab.errors import ChipLabError, ExpressionError
from chiplab.logic import GATES, Expr, TruthTable, minimize, parse, truth_table

__all__ = [
    "CircuitExplorer", "GateExplorer", "GateFigure", "TruthTableBuilder", "circuit_explorer", "draw_circuit",
    "draw_gate", "gate_explorer", "gate_gallery", "gate_png", "gate_truth_table", "truth_table_builder",
    "truth_table_view",
]

#: wire colours by logic value (1 bright, 0 dark, unknown grey-black)
COLOURS = {1: "#2ca02c", 0: "#1f4e9c", None: "#222222"}
BODY = "#fff7e0"
INPUT_NAMES = "abcdefgh"
#: the largest number of inputs the drawings and the explorer offer
MAX_INPUTS = 4
#: the builder shows tables of at most this many variables (2**6 = 64 rows)
MAX_TABLE_VARIABLES = 6

_ONE_INPUT = ("NOT", "BUF")
_SYMBOLS = {"AND": "&", "OR": "|", "XOR": "^"}


class GateFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in a notebook, even where pyplot was never imported
    (a bare ``Figure`` would only print its repr)."""

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=90)
        return buf.getvalue()


#: inches per drawing unit when a drawing makes its own figure
_INCH = 0.5


def _own_axes() -> Any:
    """A figure of our own with one axes filling it (sized to the drawing by :func:`_finish`)."""
    fig = GateFigure(figsize=(4, 2), dpi=100)
    return fig.add_axes((0, 0, 1, 1))


def _finish(ax: Any, xlim: tuple[float, float], ylim: tuple[float, float], title: str | None,
            fontsize: int, inch: float = _INCH) -> None:
    """Set the limits (room for the title above), hide the axes, and size our own figure to fit, so that
    no slow 'tight' bounding-box pass is needed when the figure is saved."""
    y0, y1 = ylim
    if title:
        y1 += 0.75
        ax.text((xlim[0] + xlim[1]) / 2, y1 - 0.35, title, ha="center", va="center", fontsize=fontsize,
                family="monospace")
    ax.set_xlim(*xlim)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    fig = ax.figure
    if len(fig.axes) == 1 and tuple(ax.get_position(original=True).bounds) == (0.0, 0.0, 1.0, 1.0):
        fig.set_size_inches((xlim[1] - xlim[0]) * inch, (y1 - y0) * inch)


def _kind(kind: str) -> str:
    k = str(kind).strip().upper()
    if k not in GATES:
        raise ChipLabError(f"unknown gate {kind!r}", hint=f"choose one of {', '.join(GATES)}")
    return k


def gate_expression(kind: str, names: Sequence[str]) -> str:
    """The gate's function as text, e.g. ``gate_expression('NAND', 'ab') == '~(a & b)'``."""
    k = _kind(kind)
    if k == "BUF":
        return names[0]
    if k == "NOT":
        return f"~{names[0]}"
    base = k[1:] if k in ("NAND", "NOR") else "XOR" if k == "XNOR" else k
    inner = f" {_SYMBOLS[base]} ".join(names)
    return f"~({inner})" if k in ("NAND", "NOR", "XNOR") else inner


# ---------------------------------------------------------------------------------------------
# drawing a gate symbol
# ---------------------------------------------------------------------------------------------


def _or_back_x(y: float, half: float, depth: float) -> float:
    """x of the concave back of an OR body (a quadratic Bezier (0, half) -> (depth, 0) control -> (0, -half))
    at height y."""
    t = (1 - y / half) / 2
    return 2 * depth * t * (1 - t)


def _body_path(kind: str, width: float, half: float) -> tuple[Path, float, list[Path]]:
    """The outline of the gate body, the x where the body ends (before any bubble), and extra curves."""
    extra: list[Path] = []
    if kind in ("AND", "NAND"):
        flat = width - half  # straight part, then a half circle of radius `half`
        theta = np.linspace(np.pi / 2, -np.pi / 2, 40)
        arc = [(flat + half * np.cos(t), half * np.sin(t)) for t in theta]
        verts = [(0.0, -half), (0.0, half), (flat, half)] + arc[1:] + [(0.0, -half)]
        codes = [Path.MOVETO] + [Path.LINETO] * (len(verts) - 2) + [Path.CLOSEPOLY]
        return Path(verts, codes), width, extra
    if kind in ("OR", "NOR", "XOR", "XNOR"):
        depth = 0.32 * half
        verts = [
            (0.0, half),
            (0.55 * width, half), (0.85 * width, 0.55 * half), (width, 0.0),      # top edge to the tip
            (0.85 * width, -0.55 * half), (0.55 * width, -half), (0.0, -half),    # bottom edge back
            (depth, 0.0), (0.0, half),                                            # concave back
            (0.0, half),
        ]
        codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.CURVE4,
                 Path.CURVE3, Path.CURVE3, Path.CLOSEPOLY]
        if kind in ("XOR", "XNOR"):
            gap = 0.22 * half
            extra.append(Path([(-gap, half), (depth - gap, 0.0), (-gap, -half)],
                              [Path.MOVETO, Path.CURVE3, Path.CURVE3]))
        return Path(verts, codes), width, extra
    # NOT, BUF: a triangle
    verts = [(0.0, -half), (0.0, half), (width * 0.85, 0.0), (0.0, -half)]
    return Path(verts, [Path.MOVETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]), width * 0.85, extra


def _geometry(kind: str, n: int) -> tuple[float, float, float]:
    """(width, half height, pin spacing) of a gate symbol with n inputs at scale 1."""
    spacing = 1.0 if n == 2 else 0.6
    half = max(1.0, (n - 1) * spacing / 2 + 0.4)
    width = 2.2 if kind not in _ONE_INPUT else 1.9
    return width, half, spacing


def _symbol(ax: Any, kind: str, n: int, x0: float, y0: float, scale: float = 1.0,
            lw: float = 2.2) -> tuple[list[tuple[float, float]], tuple[float, float], float]:
    """Draw a gate body (and bubble) with its back at x0, centred on y0. Returns the input pins (on the
    back edge, top first), the output pin (after the bubble) and the half height, all scaled."""
    from matplotlib.transforms import Affine2D

    width, half, spacing = _geometry(kind, n)
    body, body_end, extra = _body_path(kind, width, half)
    if ax is not None:
        tf = Affine2D().scale(scale).translate(x0, y0)
        ax.add_patch(PathPatch(body.transformed(tf), facecolor=BODY, edgecolor="black", lw=lw, zorder=3))
        for p in extra:
            ax.add_patch(PathPatch(p.transformed(tf), facecolor="none", edgecolor="black", lw=lw, zorder=3))
    pins = []
    for i in range(n):
        y = (n - 1) * spacing / 2 - i * spacing
        x = _or_back_x(y, half, 0.32 * half) if kind in ("OR", "NOR", "XOR", "XNOR") else 0.0
        pins.append((x0 + scale * x, y0 + scale * y))
    x = body_end
    if kind in ("NOT", "NAND", "NOR", "XNOR"):
        r = 0.16
        if ax is not None:
            ax.add_patch(Circle((x0 + scale * (x + r), y0), scale * r, facecolor="white", edgecolor="black",
                                lw=lw, zorder=3))
        x += 2 * r
    return pins, (x0 + scale * x, y0), scale * half


def draw_gate(kind: str, ax: Any = None, values: Sequence[int] | None = None, inputs: int | None = None,
              names: Sequence[str] | None = None, output: str = "y", title: bool = True) -> Figure:
    """Draw a gate's distinctive-shape symbol and return the matplotlib Figure.

    ``values``: the input values (0/1) to show; the wires are coloured by value and the output is
    computed. Without values, ``inputs`` gives the number of inputs (default 2; NOT and BUF have one)
    and the wires are black. ``names`` labels the inputs (default a, b, c...), ``output`` the output.
    Draws into ``ax`` when given, else into a new figure.
    """
    k = _kind(kind)
    if values is not None:
        vals: list[int | None] = []
        for v in values:
            if v not in (0, 1):
                raise ChipLabError(f"an input value must be 0 or 1, not {v!r}")
            vals.append(int(v))
        n = len(vals)
    else:
        n = inputs if inputs is not None else (1 if k in _ONE_INPUT else 2)
        vals = [None] * n
    if k in _ONE_INPUT and n != 1:
        raise ChipLabError(f"a {k} gate has one input, not {n}")
    if k not in _ONE_INPUT and not 2 <= n <= MAX_INPUTS:
        raise ChipLabError(f"a {k} gate is drawn with 2 to {MAX_INPUTS} inputs, not {n}")
    labels = list(names) if names is not None else list(INPUT_NAMES[:n])
    if len(labels) != n:
        raise ChipLabError(f"{n} inputs need {n} names, got {len(labels)}")
    out: int | None = GATES[k](*vals) if values is not None else None  # type: ignore[arg-type]

    if ax is None:
        ax = _own_axes()
    half = _gate_at(ax, k, vals, labels, output, out, 0.0, 0.0)
    width = 2.2 if k not in _ONE_INPUT else 1.9
    _finish(ax, (-2.6, width + 2.7), (-half - 0.35, half + 0.35),
            f"{k}:  {output} = {gate_expression(k, labels)}" if title else None, fontsize=12)
    return ax.figure


def _gate_at(ax: Any, k: str, vals: Sequence[int | None], labels: Sequence[str], output: str, out: int | None,
             x0: float, y0: float, fontsize: int = 12) -> float:
    """Draw a gate with labelled, coloured wires, its back at x0 and centred on y0; returns its half height."""
    pins, (ox, oy), half = _symbol(ax, k, len(vals), x0, y0)
    width = 2.2 if k not in _ONE_INPUT else 1.9
    wire_start = x0 - 1.1
    for (px, py), v, name in zip(pins, vals, labels):
        colour = COLOURS[v]
        ax.plot([wire_start, px], [py, py], color=colour, lw=3 if v == 1 else 2, solid_capstyle="butt", zorder=2)
        ax.add_patch(Circle((wire_start, py), 0.06, color=colour, zorder=4))
        text = name if v is None else f"{name} = {v}"
        ax.text(wire_start - 0.12, py, text, ha="right", va="center", fontsize=fontsize, family="monospace",
                color=colour, fontweight="bold" if v == 1 else "normal")
    colour = COLOURS[out]
    end = x0 + width + 1.2
    ax.plot([ox, end], [oy, oy], color=colour, lw=3 if out == 1 else 2, solid_capstyle="butt", zorder=2)
    ax.add_patch(Circle((end, oy), 0.06, color=colour, zorder=4))
    ax.text(end + 0.12, oy, output if out is None else f"{output} = {out}", ha="left", va="center",
            fontsize=fontsize, family="monospace", color=colour, fontweight="bold" if out == 1 else "normal")
    return half


# ---------------------------------------------------------------------------------------------
# drawing a whole expression as a gate network
# ---------------------------------------------------------------------------------------------

_GAP = 1.1  # vertical gap between gates in a column (scaled units)


def _near_parallel(paths: list[tuple[Expr, Expr, list[tuple[float, float]]]], level: Mapping[Expr, int],
                   gap: float = 0.2) -> Expr | None:
    """A gate to move when horizontal wires of two different nets run closer than ``gap`` over some length
    (the gate whose input wire is one of them), else None."""
    segs = []
    for a, x, pts in paths:
        for i, ((x1, y1), (x2, y2)) in enumerate(zip(pts, pts[1:])):
            if abs(y1 - y2) < 1e-9 and abs(x1 - x2) > 1e-9:
                segs.append((a, x, min(x1, x2), max(x1, x2), y1, i == len(pts) - 2))
    for i, (a1, g1, l1, r1, y1, last1) in enumerate(segs):
        for a2, g2, l2, r2, y2, last2 in segs[i + 1:]:
            if a1 is a2 or a1 == a2 or abs(y1 - y2) >= gap or min(r1, r2) - max(l1, l2) < 0.1:
                continue
            if last1 and level[g1] > 0:
                return g1
            if last2 and level[g2] > 0:
                return g2
    return None


def _directions(p: tuple[float, float], nets: list[list[tuple[float, float]]], eps: float = 1e-6) -> int:
    """How many of the four directions (left, right, up, down) wires of one net leave point p in."""
    px, py = p
    dirs: set[str] = set()
    for pts in nets:
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            if abs(y1 - y2) < eps and abs(py - y1) < eps and min(x1, x2) - eps <= px <= max(x1, x2) + eps:
                if min(x1, x2) < px - eps:
                    dirs.add("left")
                if max(x1, x2) > px + eps:
                    dirs.add("right")
            if abs(x1 - x2) < eps and abs(px - x1) < eps and min(y1, y2) - eps <= py <= max(y1, y2) + eps:
                if min(y1, y2) < py - eps:
                    dirs.add("down")
                if max(y1, y2) > py + eps:
                    dirs.add("up")
    return len(dirs)


def draw_circuit(expr: Expr | str, values: Mapping[str, int] | None = None, ax: Any = None,
                 output: str = "y", title: str | None = None, scale: float = 0.55) -> Figure:
    """Draw an expression as a network of gate symbols, inputs on the left, the output on the right.

    Identical sub-expressions are drawn once and their output fans out (so ``t = a.nand(b)`` used twice
    is one gate). Gates are placed in columns by logic level. With ``values`` (``{'a': 1, ...}``) every
    wire is coloured by its logic value and the output shows its value.
    """
    e = parse(expr) if isinstance(expr, str) else expr
    if not isinstance(e, Expr):
        raise ChipLabError(f"draw_circuit needs an expression, not {type(expr).__name__}")
    env: dict[str, int] | None = None
    if values is not None:
        e.evaluate(values)  # checks that every variable has a 0/1 value
        env = {v: int(values[v]) for v in e.variables}

    # the nodes: sources (variables, constants) and unique gates, with their logic level
    level: dict[Expr, int] = {}
    order: list[Expr] = []

    def visit(x: Expr) -> int:
        if x in level:
            return level[x]
        if x.op in ("var", "const"):
            level[x] = 0
        else:
            if len(x.args) > 6:
                raise ChipLabError(f"a {x.op.upper()} gate with {len(x.args)} inputs is too wide to draw")
            level[x] = 1 + max(visit(a) for a in x.args)
        order.append(x)
        return level[x]

    depth = visit(e)
    columns: list[list[Expr]] = [[] for _ in range(depth + 1)]
    sources = sorted((x for x in order if level[x] == 0), key=lambda x: (x.op != "var", x.name or str(x.value)))
    columns[0] = sources
    for x in order:
        if level[x] > 0:
            columns[level[x]].append(x)

    def n_in(x: Expr) -> int:
        return len(x.args)

    def kind_of(x: Expr) -> str:
        return x.op.upper()

    def height(x: Expr) -> float:
        if level[x] == 0:
            return 0.9
        return 2 * scale * _geometry(kind_of(x), n_in(x))[1]

    # vertical placement: stack each column, ordered by the mean height of each gate's inputs
    ypos: dict[Expr, float] = {}

    def stack(col: list[Expr]) -> None:
        total = sum(height(x) for x in col) + _GAP * scale * (len(col) - 1)
        y = total / 2
        for x in col:
            ypos[x] = y - height(x) / 2
            y -= height(x) + _GAP * scale

    stack(columns[0])
    for _ in range(2):
        for c in range(1, depth + 1):
            columns[c].sort(key=lambda x: -sum(ypos.get(a, 0.0) for a in x.args) / len(x.args))
            stack(columns[c])
            # then pull each gate to the mean height of its inputs, keeping the column's order and gaps
            prev_bottom = float("inf")
            for x in columns[c]:
                want = sum(ypos[a] for a in x.args) / len(x.args)
                ypos[x] = min(want, prev_bottom - height(x) / 2)
                prev_bottom = ypos[x] - height(x) / 2 - _GAP * scale

    col_w = 2.2 * scale + 2.2  # symbol plus the wiring channel after it
    xpos = {x: c * col_w for c, col in enumerate(columns) for x in col}
    value: dict[Expr, int | None] = {x: (x._eval(env) if env is not None else None) for x in order}

    def route() -> tuple[dict[Expr, tuple[float, float]], list[tuple[Expr, Expr, list[tuple[float, float]]]]]:
        """Pins from the placement, then every wire as a polyline: out of the source, down a vertical track
        in the channel before the target's column (a long wire first finds a height free of gates in the
        columns it crosses)."""
        in_pins: dict[Expr, list[tuple[float, float]]] = {}
        out_pin: dict[Expr, tuple[float, float]] = {}
        extent: dict[int, list[tuple[float, float]]] = {c: [] for c in range(depth + 1)}
        for x in order:
            if level[x] == 0:
                out_pin[x] = (xpos[x] + 0.25, ypos[x])
                continue
            pins, op, half = _symbol(None, kind_of(x), n_in(x), xpos[x], ypos[x], scale=scale)
            in_pins[x], out_pin[x] = pins, op
            extent[level[x]].append((ypos[x] - half - 0.15, ypos[x] + half + 0.15))
        tracks: dict[int, list[tuple[Expr, float]]] = {}  # channel (target column) -> (source, lane)
        wanted = []
        for x in order:
            if level[x] == 0:
                continue
            for pin, a in zip(in_pins[x], x.args):
                sy = out_pin[a][1]
                lane = sy
                crossed = range(level[a] + 1, level[x])
                if crossed:
                    blocked = [iv for c in crossed for iv in extent[c]]
                    candidates = [sy] + [lo - 0.2 for lo, _ in blocked] + [hi + 0.2 for _, hi in blocked]
                    free = [yy for yy in candidates if all(not lo < yy < hi for lo, hi in blocked)]
                    lane = min(free, key=lambda yy: abs(yy - sy))
                wanted.append((a, x, pin, lane))
                tracks.setdefault(level[x], [])
                if (a, lane) not in tracks[level[x]]:
                    tracks[level[x]].append((a, lane))
                if lane != sy:
                    tracks.setdefault(level[a] + 1, [])
                    if (a, sy) not in tracks[level[a] + 1]:
                        tracks[level[a] + 1].append((a, sy))
        track_x: dict[tuple[int, Expr, float], float] = {}
        for c, items in tracks.items():
            left = xpos[columns[c - 1][0]] + (2.2 * scale + 0.5 if c - 1 > 0 else 0.3)
            right = xpos[columns[c][0]] - 0.25
            items.sort(key=lambda it: -it[1])
            for i, (a, lane) in enumerate(items):
                track_x[(c, a, lane)] = left + (i + 1) * (right - left) / (len(items) + 1)
        paths = []
        for a, x, (tx, ty), lane in wanted:
            sx, sy = out_pin[a]
            if lane == sy:
                vx = track_x[(level[x], a, lane)]
                pts = [(sx, sy), (vx, sy), (vx, ty), (tx, ty)]
            else:
                v1 = track_x[(level[a] + 1, a, sy)]
                v2 = track_x[(level[x], a, lane)]
                pts = [(sx, sy), (v1, sy), (v1, lane), (v2, lane), (v2, ty), (tx, ty)]
            paths.append((a, x, pts))
        return out_pin, paths

    # wires of different nets running side by side at almost the same height read as one wire: move the
    # gate that one of them enters a little down, and try again
    for _attempt in range(8):
        out_pin, paths = route()
        culprit = _near_parallel(paths, level)
        if culprit is None:
            break
        c = level[culprit]
        ypos[culprit] -= 0.3 * scale
        prev_bottom = float("inf")
        for x in columns[c]:
            ypos[x] = min(ypos[x], prev_bottom - height(x) / 2)
            prev_bottom = ypos[x] - height(x) / 2 - _GAP * scale

    if ax is None:
        ax = _own_axes()
    fig = ax.figure
    for x in order:
        if level[x] > 0:
            _symbol(ax, kind_of(x), n_in(x), xpos[x], ypos[x], scale=scale, lw=1.8)
    # sources: labels on the left
    for x in columns[0]:
        px, py = out_pin[x]
        colour = COLOURS[value[x]]
        name = x.name if x.op == "var" else str(x.value)
        label = name if value[x] is None or x.op == "const" else f"{name} = {value[x]}"
        ax.text(px - 0.1, py, label, ha="right", va="center", fontsize=11, family="monospace", color=colour,
                fontweight="bold" if value[x] == 1 else "normal")
    drawn: dict[Expr, list[list[tuple[float, float]]]] = {}
    for a, _x, pts in paths:
        colour = COLOURS[value[a]]
        drawn.setdefault(a, []).append(pts)
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=colour, lw=2.4 if value[a] == 1 else 1.6,
                zorder=2, solid_joinstyle="miter")
    # junction dots: where wires of one net meet in three or four directions (a T or a cross)
    for nets in drawn.values():
        for px, py in {p for pts in nets for p in pts[1:-1]}:
            if _directions((px, py), nets) >= 3:
                ax.add_patch(Circle((px, py), 0.07, color="black", zorder=4))

    # the output
    ox, oy = out_pin[e]
    end = ox + 1.0
    colour = COLOURS[value[e]]
    ax.plot([ox, end], [oy, oy], color=colour, lw=2.4 if value[e] == 1 else 1.6, zorder=2)
    ax.add_patch(Circle((end, oy), 0.06, color=colour, zorder=4))
    ax.text(end + 0.1, oy, output if value[e] is None else f"{output} = {value[e]}", ha="left", va="center",
            fontsize=11, family="monospace", color=colour, fontweight="bold" if value[e] == 1 else "normal")

    ys = [y for y in ypos.values()]
    # room for the labels: monospace characters are about 0.6 em wide
    inch = 0.65
    char = 0.62 * 11 / 72 / inch
    left = max(len(t.get_text()) for t in ax.texts) * char + 0.5 if ax.texts else 1.0
    right = len(output if value[e] is None else f"{output} = {value[e]}") * char + 0.4
    _finish(ax, (-left, end + right), (min(ys) - 1.0, max(ys) + 1.0), title, fontsize=11, inch=inch)
    fig.circuit_gates = sum(1 for x in order if level[x] > 0)  # type: ignore[attr-defined]
    # the wires as (source text, polyline), for tests and for anyone who wants to re-draw them
    fig.circuit_wires = [(str(a), pts) for a, _x, pts in paths]  # type: ignore[attr-defined]
    return fig


def gate_png(kind: str, values: Sequence[int] | None = None, inputs: int | None = None, dpi: int = 80) -> bytes:
    """:func:`draw_gate` rendered to PNG bytes (what the explorer shows; cached, so toggling back and forth
    is instant)."""
    return _gate_png(_kind(kind), None if values is None else tuple(values), inputs, dpi)


@functools.lru_cache(maxsize=256)
def _gate_png(kind: str, values: tuple[Any, ...] | None, inputs: int | None, dpi: int) -> bytes:
    fig = draw_gate(kind, values=values, inputs=inputs)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def gate_truth_table(kind: str, inputs: int = 2) -> TruthTable:
    """The truth table of one gate with inputs a, b, c..."""
    k = _kind(kind)
    n = 1 if k in _ONE_INPUT else inputs
    names = tuple(INPUT_NAMES[:n])
    return TruthTable.from_function(GATES[k], names, name="y")


def _table_html(tt: TruthTable, mark: int | None = None, max_rows: int = 64) -> str:
    """A compact HTML truth table; row ``mark`` highlighted."""
    th = "padding:1px 8px;border-bottom:2px solid #444;font-family:monospace"
    td = "padding:0 8px;text-align:center;font-family:monospace"
    head = "".join(f'<th style="{th}">{html.escape(v)}</th>' for v in tt.variables)
    head += f'<th style="{th};border-left:2px solid #444">{html.escape(tt.name)}</th>'
    rows = []
    for i, (ins, out) in enumerate(tt.rows[:max_rows]):
        style = "background:#ffe58a;" if i == mark else ""
        cells = "".join(f'<td style="{td}">{b}</td>' for b in ins)
        colour = "color:#2ca02c;font-weight:bold" if out else "color:#1f4e9c"
        cells += f'<td style="{td};border-left:2px solid #444;{colour}">{out}</td>'
        rows.append(f'<tr style="{style}">{cells}</tr>')
    return f'<table style="border-collapse:collapse">{head and "<tr>" + head + "</tr>"}{"".join(rows)}</table>'


# ---------------------------------------------------------------------------------------------
# the gate explorer
# ---------------------------------------------------------------------------------------------


class GateExplorer(w.VBox):
    """Pick a gate, toggle its inputs, see the output, the symbol and the truth-table row.

    What a student does, a test can do: ``set_gate('NOR')``, ``set_inputs(1, 0)``, then read
    ``value``, ``inputs``, ``output_label.value`` or ``image.value`` (PNG bytes).
    """

    def __init__(self, gate: str = "AND", inputs: int = 2) -> None:
        k = _kind(gate)
        if not 2 <= inputs <= MAX_INPUTS:
            raise ChipLabError(f"the explorer shows 2 to {MAX_INPUTS} inputs, not {inputs}")
        self.gate_menu = w.Dropdown(options=list(GATES), value=k, description="gate",
                                    layout=w.Layout(width="180px"))
        self.count = w.BoundedIntText(value=inputs, min=2, max=MAX_INPUTS, description="inputs",
                                      layout=w.Layout(width="140px"))
        self.buttons = [w.ToggleButton(value=False, layout=w.Layout(width="70px")) for _ in range(MAX_INPUTS)]
        self.output_label = w.HTML()
        self.image = w.Image(format="png")
        self.table = w.HTML()
        self._busy = False
        for b in self.buttons:
            b.observe(self._on_change, names="value")
        self.gate_menu.observe(self._on_change, names="value")
        self.count.observe(self._on_change, names="value")
        super().__init__([
            w.HBox([self.gate_menu, self.count]),
            w.HBox(self.buttons),
            w.HBox([self.image, w.VBox([self.output_label, self.table])]),
        ])
        self._refresh()

    # -- what a click does
    def set_gate(self, kind: str) -> None:
        """Choose the gate (as the dropdown does)."""
        self.gate_menu.value = _kind(kind)

    def set_inputs(self, *bits: int) -> None:
        """Set the inputs (as the toggle buttons do): ``set_inputs(1, 0)``."""
        n = self.n_inputs
        if len(bits) != n:
            raise ChipLabError(f"this {self.gate} gate has {n} input{'s' if n > 1 else ''}, got {len(bits)} values")
        self._busy = True
        try:
            for b, v in zip(self.buttons, bits):
                if v not in (0, 1):
                    raise ChipLabError(f"an input value must be 0 or 1, not {v!r}")
                b.value = bool(v)
        finally:
            self._busy = False
        self._refresh()

    @property
    def gate(self) -> str:
        return str(self.gate_menu.value)

    @property
    def n_inputs(self) -> int:
        return 1 if self.gate in _ONE_INPUT else int(self.count.value)

    @property
    def inputs(self) -> tuple[int, ...]:
        return tuple(int(b.value) for b in self.buttons[: self.n_inputs])

    @property
    def value(self) -> int:
        """The gate's output for the current inputs."""
        return GATES[self.gate](*self.inputs)

    def _on_change(self, _change: Any = None) -> None:
        if not self._busy:
            self._refresh()

    def _refresh(self) -> None:
        n = self.n_inputs
        self.count.disabled = self.gate in _ONE_INPUT
        for i, b in enumerate(self.buttons):
            b.layout.display = None if i < n else "none"
            b.description = f"{INPUT_NAMES[i]} = {int(b.value)}"
            b.button_style = "success" if b.value else ""
        ins = self.inputs
        y = GATES[self.gate](*ins)
        expr = gate_expression(self.gate, INPUT_NAMES[:n])
        colour = COLOURS[y]
        self.output_label.value = (f'<div style="font-size:1.3em;font-family:monospace">y = {html.escape(expr)}'
                                   f' = <b style="color:{colour}">{y}</b></div>')
        row = int("".join(map(str, ins)), 2)
        self.table.value = _table_html(gate_truth_table(self.gate, n), mark=row)
        self.image.value = gate_png(self.gate, values=ins)


def gate_explorer(gate: str = "AND", inputs: int = 2) -> GateExplorer:
    """An interactive gate: a dropdown of gate kinds, toggle buttons for the inputs, the output value,
    the drawn symbol (wires coloured by value) and the gate's truth table with the current row marked."""
    return GateExplorer(gate, inputs)


# ---------------------------------------------------------------------------------------------
# the truth-table builder
# ---------------------------------------------------------------------------------------------


def truth_table_view(text: str) -> tuple[str, TruthTable | None, str | None]:
    """What the builder shows for ``text``: ``(html, table, error)``; exactly one of table and error is
    None. A malformed expression gives its :class:`ExpressionError` message, never a traceback."""
    try:
        e = parse(text)
        n = len(e.variables)
        if n > MAX_TABLE_VARIABLES:
            raise ChipLabError(f"{n} variables make {1 << n} rows; the builder shows up to "
                               f"{MAX_TABLE_VARIABLES} variables", hint="use fewer variables")
        tt = truth_table(e)
    except ChipLabError as err:
        kind = "cannot read this expression" if isinstance(err, ExpressionError) else "cannot show this"
        page = (f'<div style="border-left:4px solid #d62728;padding:4px 8px;background:#fff0f0">'
                f'<b>{kind}</b><pre style="margin:4px 0">{html.escape(str(err))}</pre></div>')
        return page, None, str(err)
    ms = ", ".join(map(str, tt.minterms)) or "none"
    info = (f'<div style="font-family:monospace;margin:4px 0">f = {html.escape(str(e))}<br>'
            f"minterms: {html.escape(ms)}<br>minimal sum of products: {html.escape(str(minimize(tt)))}</div>")
    return info + tt._repr_html_(), tt, None


class TruthTableBuilder(w.VBox):
    """Type a Boolean expression, see its truth table (or what is wrong with the text).

    ``set_text('a ^ b')`` does what typing does; then read ``table`` (a TruthTable or None),
    ``error`` (the message or None) and ``html.value``.
    """

    def __init__(self, expr: str = "a & b | ~c") -> None:
        self.text = w.Text(value=expr, description="f =", continuous_update=True,
                           placeholder="e.g. a & ~b | c  or  a nand b", layout=w.Layout(width="420px"))
        self.html = w.HTML()
        self.table: TruthTable | None = None
        self.error: str | None = None
        self.text.observe(self._on_change, names="value")
        super().__init__([self.text, self.html])
        self._refresh()

    def set_text(self, text: str) -> None:
        """Replace the expression (as typing does)."""
        self.text.value = text

    def _on_change(self, _change: Any = None) -> None:
        self._refresh()

    def _refresh(self) -> None:
        self.html.value, self.table, self.error = truth_table_view(self.text.value)


def truth_table_builder(expr: str = "a & b | ~c") -> TruthTableBuilder:
    """A text box for a Boolean expression and its live truth table (up to 6 variables), minterms and
    minimal sum of products; a malformed expression shows the parser's message with a caret."""
    return TruthTableBuilder(expr)


# ---------------------------------------------------------------------------------------------
# a gallery of symbols and a circuit with switches
# ---------------------------------------------------------------------------------------------


def gate_gallery(kinds: Sequence[str] = ("BUF", "NOT", "AND", "OR", "XOR", "NAND", "NOR", "XNOR"),
                 columns: int = 4) -> Figure:
    """Every gate's symbol in one figure, with its function in the title."""
    ks = [_kind(k) for k in kinds]
    rows = -(-len(ks) // columns)
    fig = GateFigure(figsize=(4, 2), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    cell_w, cell_h = 7.0, 3.6  # one drawing unit per gate slot: wires, labels and the title
    for i, k in enumerate(ks):
        x0 = (i % columns) * cell_w
        y0 = -(i // columns) * cell_h
        n = 1 if k in _ONE_INPUT else 2
        names = list(INPUT_NAMES[:n])
        _gate_at(ax, k, [None] * n, names, "y", None, x0, y0, fontsize=11)
        ax.text(x0 + 1.1, y0 + 1.55, f"{k}:  y = {gate_expression(k, names)}", ha="center", va="center",
                fontsize=11, family="monospace")
    _finish(ax, (-2.4, columns * cell_w - 2.4), (-(rows - 1) * cell_h - 1.4, 2.0), None, fontsize=11, inch=0.42)
    return fig


class CircuitExplorer(w.VBox):
    """Toggle the inputs of a drawn circuit and watch the values flow through it.

    ``set_inputs(a=1, b=0)`` does what clicking the buttons does; ``value`` is the output,
    ``image.value`` the drawing (PNG bytes).
    """

    def __init__(self, expr: Expr | str, output: str = "y", title: str | None = None) -> None:
        self.expr = parse(expr) if isinstance(expr, str) else expr
        self.output, self.title = output, title
        self.buttons = {v: w.ToggleButton(value=False, description=f"{v} = 0", layout=w.Layout(width="80px"))
                        for v in self.expr.variables}
        self.image = w.Image(format="png")
        self._busy = False
        for b in self.buttons.values():
            b.observe(self._on_change, names="value")
        super().__init__([w.HBox(list(self.buttons.values())), self.image])
        self._refresh()

    @property
    def inputs(self) -> dict[str, int]:
        return {v: int(b.value) for v, b in self.buttons.items()}

    @property
    def value(self) -> int:
        return self.expr.evaluate(self.inputs)

    def set_inputs(self, **values: int) -> None:
        """Set some or all inputs by name, e.g. ``set_inputs(a=1, b=0)``."""
        unknown = sorted(set(values) - set(self.buttons))
        if unknown:
            raise ChipLabError(f"this circuit has no input {', '.join(unknown)}",
                               hint=f"its inputs are {', '.join(self.buttons)}")
        self._busy = True
        try:
            for v, x in values.items():
                if x not in (0, 1):
                    raise ChipLabError(f"an input value must be 0 or 1, not {x!r}")
                self.buttons[v].value = bool(x)
        finally:
            self._busy = False
        self._refresh()

    def _on_change(self, _change: Any = None) -> None:
        if not self._busy:
            self._refresh()

    def _refresh(self) -> None:
        for v, b in self.buttons.items():
            b.description = f"{v} = {int(b.value)}"
            b.button_style = "success" if b.value else ""
        fig = draw_circuit(self.expr, values=self.inputs, output=self.output, title=self.title)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        self.image.value = buf.getvalue()


def circuit_explorer(expr: Expr | str, output: str = "y", title: str | None = None) -> CircuitExplorer:
    """A drawn circuit (see :func:`draw_circuit`) with a toggle button per input; the wires change colour
    with their values."""
    return CircuitExplorer(expr, output, title)
