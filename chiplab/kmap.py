"""Karnaugh maps: draw a 2-4 variable K-map with its minimal groups, and click one into shape.

A K-map lays a truth table out on a grid whose row and column labels follow the Gray code
(00, 01, 11, 10), so that neighbouring cells - including the ones that wrap around the edges -
differ in exactly one variable. A *group* (an implicant) is a rectangle of 1, 2, 4 or 8 cells,
possibly wrapping around; each group is one product term of a sum-of-products (SOP) formula.

- :class:`KMap` holds a function as cell values 0, 1 or ``"X"`` (don't care), in truth-table order
  (row 0 = all inputs 0, the first variable is the most significant bit).
- :func:`minimal_cover` finds the prime implicants and a minimal cover of them (fewest terms, then
  fewest literals), by an exact search (Quine-McCluskey, then branch and bound).
- :func:`draw_kmap` draws the map with Gray-code labels, the cell values and the groups as coloured
  rounded rectangles (wrap-around groups are drawn open at the edges they wrap over).
- :func:`kmap_widget` is an ipywidgets K-map: click a cell to toggle 0 -> 1 -> X -> 0 and the minimal
  SOP and its groups update.

Inputs may be a Boolean expression string or :class:`chiplab.logic.Expr`, a
:class:`chiplab.logic.TruthTable`, a :class:`KMap`, or a list of outputs (0/1/"X").
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chiplab.errors import ChipLabError

DONT_CARE = "X"
GRAY2 = (0, 1, 3, 2)  # Gray-code order of a 2-bit axis: 00, 01, 11, 10
_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
            "#bcbd22", "#7f7f7f")


class KMapError(ChipLabError, ValueError):
    """A K-map request that cannot be drawn or solved (wrong size, a group that is not a rectangle...)."""


# ---------------------------------------------------------------------------------------------
# the function as cell values
# ---------------------------------------------------------------------------------------------

def _names(variables: str | Sequence[str]) -> tuple[str, ...]:
    """Variable names from a sequence, ``"a b c"``, ``"a, b, c"`` or ``"abc"`` (one letter each), as in
    :mod:`chiplab.logic`."""
    if isinstance(variables, str):
        parts = [p for p in re.split(r"[\s,]+", variables.strip()) if p]
        if len(parts) == 1 and parts[0].isalpha():
            parts = list(parts[0])
        return tuple(parts)
    return tuple(str(getattr(v, "name", None) or v) for v in variables)


def _cell_value(v: Any) -> int | str:
    if v is None or (isinstance(v, str) and v.strip().upper() in ("X", "-", "D")):
        return DONT_CARE
    if isinstance(v, str) and v.strip() in ("0", "1"):
        return int(v.strip())
    if v in (0, 1) or v is True or v is False:
        return int(v)
    raise KMapError(f"a K-map cell must be 0, 1 or 'X' (don't care), not {v!r}")


@dataclass
class KMap:
    """A Boolean function of 1-6 variables as a list of cell values in truth-table order.

    ``values[i]`` is the output for the input row whose bits (first variable = MSB) spell ``i``:
    0, 1 or ``"X"`` (don't care).
    """

    variables: tuple[str, ...]
    values: list[int | str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.variables = _names(self.variables)
        n = len(self.variables)
        if not 1 <= n <= 6:
            raise KMapError(f"a K-map needs 1 to 6 variables, got {n}: {self.variables}")
        if len(set(self.variables)) != n:
            raise KMapError(f"variable names must be distinct: {self.variables}")
        if not self.values:
            self.values = [0] * (1 << n)
        if len(self.values) != 1 << n:
            raise KMapError(f"{n} variables need {1 << n} cell values, got {len(self.values)}")
        self.values = [_cell_value(v) for v in self.values]

    @classmethod
    def from_minterms(cls, minterms: Iterable[int], variables: Sequence[str],
                      dont_cares: Iterable[int] = ()) -> KMap:
        """The function that is 1 on ``minterms``, don't care on ``dont_cares`` and 0 elsewhere."""
        km = cls(_names(variables))
        size = len(km.values)
        for label, idx in (("minterm", minterms), ("don't care", dont_cares)):
            for m in idx:
                if not 0 <= int(m) < size:
                    raise KMapError(f"{label} {m} is out of range for {len(km.variables)} variables "
                                    f"(0..{size - 1})")
        for m in minterms:
            km.values[int(m)] = 1
        for m in dont_cares:
            if km.values[int(m)] == 1:
                raise KMapError(f"cell {m} is listed both as a minterm and as a don't care")
            km.values[int(m)] = DONT_CARE
        return km

    @property
    def n(self) -> int:
        return len(self.variables)

    @property
    def minterms(self) -> list[int]:
        return [i for i, v in enumerate(self.values) if v == 1]

    @property
    def dont_cares(self) -> list[int]:
        return [i for i, v in enumerate(self.values) if v == DONT_CARE]

    def copy(self) -> KMap:
        return KMap(self.variables, list(self.values))


def as_kmap(function: Any, variables: Sequence[str] | None = None,
            dont_cares: Iterable[int] = ()) -> KMap:
    """Turn an expression (string or ``chiplab.logic.Expr``), a truth table, a :class:`KMap` or a list
    of outputs into a :class:`KMap`. ``variables`` fixes the order (first = MSB); ``dont_cares`` marks
    extra cells as X."""
    dont_cares = list(dont_cares)
    if isinstance(function, KMap):
        km = function.copy()
        if variables is not None and _names(variables) != km.variables:
            raise KMapError(f"this K-map has variables {km.variables}, not {_names(variables)}")
    elif isinstance(function, str):
        from chiplab.logic import parse

        return as_kmap(parse(function), variables, dont_cares)
    elif hasattr(function, "outputs") and hasattr(function, "variables"):  # a TruthTable
        tt_vars = tuple(function.variables)
        outs = list(function.outputs)
        if variables is not None and _names(variables) != tt_vars:
            raise KMapError(f"this truth table has variables {tt_vars}, not {_names(variables)}",
                            hint="build the truth table with the variable order you want")
        km = KMap(tt_vars, outs)
    elif hasattr(function, "variables") and callable(function):  # an Expr
        names = _names(variables) if variables is not None else tuple(function.variables)
        missing = set(function.variables) - set(names)
        if missing:
            raise KMapError(f"the expression uses {sorted(missing)}, which are not in variables={names}")
        n = len(names)
        if not 1 <= n <= 6:
            raise KMapError(f"a K-map needs 1 to 6 variables, the expression has {n}: {names}")
        used = set(function.variables)
        values: list[int | str] = []
        for i in range(1 << n):
            bits = {v: (i >> (n - 1 - k)) & 1 for k, v in enumerate(names)}
            values.append(int(bool(function(**{v: b for v, b in bits.items() if v in used}))))
        km = KMap(names, values)
    elif isinstance(function, Sequence):
        if variables is None:
            raise KMapError("give variables=... with a list of outputs")
        km = KMap(_names(variables), list(function))
    else:
        raise KMapError(f"cannot make a K-map from a {type(function).__name__}",
                        hint="pass an expression string, a chiplab.logic Expr or TruthTable, or a list of outputs")
    for m in dont_cares:
        if not 0 <= int(m) < len(km.values):
            raise KMapError(f"don't care {m} is out of range (0..{len(km.values) - 1})")
        km.values[int(m)] = DONT_CARE
    return km


# ---------------------------------------------------------------------------------------------
# implicants, prime implicants and a minimal cover
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Implicant:
    """A product term as a cube: one character per variable, '1' (true), '0' (negated) or '-' (absent)."""

    cube: str
    variables: tuple[str, ...]

    @property
    def minterms(self) -> frozenset[int]:
        free = [k for k, c in enumerate(self.cube) if c == "-"]
        base = int(self.cube.replace("-", "0"), 2)
        n = len(self.cube)
        out = set()
        for j in range(1 << len(free)):
            m = base
            for b, k in enumerate(free):
                if (j >> b) & 1:
                    m |= 1 << (n - 1 - k)
            out.add(m)
        return frozenset(out)

    @property
    def literals(self) -> int:
        return sum(c != "-" for c in self.cube)

    def term(self) -> str:
        """The product term in ChipLab expression syntax, e.g. ``a & ~c``; ``1`` for the all-'-' cube."""
        lits = [v if c == "1" else f"~{v}" for v, c in zip(self.variables, self.cube) if c != "-"]
        return " & ".join(lits) if lits else "1"

    def __str__(self) -> str:
        return self.term()


def _order(p: Implicant) -> tuple[int, list[int]]:
    """Reading order of terms: fewer literals first, then by variable (a before ~a before no a)."""
    return p.literals, ["10-".index(c) for c in p.cube]


def _combine(a: str, b: str) -> str | None:
    diff = [k for k, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diff) == 1 and "-" not in (a[diff[0]], b[diff[0]]):
        k = diff[0]
        return a[:k] + "-" + a[k + 1:]
    return None


def prime_implicants(function: Any, variables: Sequence[str] | None = None,
                     dont_cares: Iterable[int] = ()) -> list[Implicant]:
    """Every prime implicant of the function (don't cares may be used to grow groups)."""
    km = as_kmap(function, variables, dont_cares)
    n = km.n
    current = {format(m, f"0{n}b") for m in km.minterms + km.dont_cares}
    primes: set[str] = set()
    while current:
        merged: set[str] = set()
        used: set[str] = set()
        items = sorted(current)
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                c = _combine(a, b)
                if c is not None:
                    merged.add(c)
                    used.update((a, b))
        primes |= current - used
        current = merged
    # a group of don't cares only is not useful
    wanted = set(km.minterms)
    out = [Implicant(p, km.variables) for p in primes]
    out = [p for p in out if p.minterms & wanted]
    return sorted(out, key=_order)


def minimal_cover(function: Any, variables: Sequence[str] | None = None,
                  dont_cares: Iterable[int] = ()) -> list[Implicant]:
    """A minimal set of prime implicants covering every 1 of the function: fewest terms, then fewest
    literals (an exact search; ties broken deterministically). Empty for the constant 0."""
    km = as_kmap(function, variables, dont_cares)
    primes = prime_implicants(km)
    todo = frozenset(km.minterms)
    if not todo:
        return []
    covers = {m: [p for p in primes if m in p.minterms] for m in todo}
    best: list[list[Implicant] | None] = [None]
    best_cost = [(len(primes) + 1, 10**9)]

    def search(chosen: list[Implicant], left: frozenset[int]) -> None:
        cost = (len(chosen), sum(p.literals for p in chosen))
        if not left:
            if cost < best_cost[0]:
                best_cost[0] = cost
                best[0] = list(chosen)
            return
        if len(chosen) + 1 > best_cost[0][0]:
            return
        m = min(left, key=lambda x: (len(covers[x]), x))
        for p in sorted(covers[m], key=lambda p: (-len(p.minterms & left), p.literals, p.cube)):
            chosen.append(p)
            search(chosen, left - p.minterms)
            chosen.pop()

    search([], todo)
    assert best[0] is not None
    return sorted(best[0], key=_order)


def sop_string(cover: Sequence[Implicant]) -> str:
    """The sum of products of ``cover`` in ChipLab expression syntax (``0`` when empty)."""
    if not cover:
        return "0"
    terms = [p.term() for p in cover]
    if len(terms) == 1:
        return terms[0]
    return " | ".join(f"({t})" if " & " in t else t for t in terms)


def minimal_sop(function: Any, variables: Sequence[str] | None = None, dont_cares: Iterable[int] = ()) -> str:
    """The minimal sum of products as a string, e.g. ``(a & ~b) | c``."""
    return sop_string(minimal_cover(function, variables, dont_cares))


# ---------------------------------------------------------------------------------------------
# geometry: where a cell or a group lies on the map
# ---------------------------------------------------------------------------------------------

def _split(n: int) -> tuple[int, int]:
    """(row bits, column bits) of an n-variable map."""
    if not 2 <= n <= 4:
        raise KMapError(f"K-maps are drawn for 2 to 4 variables, this function has {n}",
                        hint="for more variables use a truth table or chiplab.logic.minimize")
    return (1, 1) if n == 2 else (1, 2) if n == 3 else (2, 2)


def _axis_order(bits: int) -> tuple[int, ...]:
    return (0, 1) if bits == 1 else GRAY2


def cell_position(minterm: int, n: int) -> tuple[int, int]:
    """(row, column) of a minterm on an n-variable map (rows/columns in Gray-code order)."""
    rb, cb = _split(n)
    r, c = minterm >> cb, minterm & ((1 << cb) - 1)
    return _axis_order(rb).index(r), _axis_order(cb).index(c)


def cell_minterm(row: int, col: int, n: int) -> int:
    """The minterm shown in (row, column) of an n-variable map."""
    rb, cb = _split(n)
    return (_axis_order(rb)[row] << cb) | _axis_order(cb)[col]


def _segments(positions: set[int], size: int) -> list[tuple[int, int, bool, bool]]:
    """Contiguous runs of ``positions`` along an axis of ``size`` cells: (first, last, open_before,
    open_after); a run that wraps around the edge is split in two pieces open at the edge."""
    if len(positions) == size:
        return [(0, size - 1, False, False)]
    ordered = sorted(positions)
    runs: list[list[int]] = [[ordered[0]]]
    for p in ordered[1:]:
        if p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    if len(runs) == 2 and runs[0][0] == 0 and runs[1][-1] == size - 1:
        return [(runs[0][0], runs[0][-1], True, False), (runs[1][0], runs[1][-1], False, True)]
    if len(runs) != 1:
        raise KMapError("a group must be a rectangle of neighbouring cells on the map")
    return [(runs[0][0], runs[0][-1], False, False)]


def group_rectangles(group: Implicant, n: int) -> list[tuple[float, float, float, float, tuple[bool, ...]]]:
    """Pieces of a group as (x, y, width, height, (open_left, open_right, open_top, open_bottom)), in
    cell units with row 0 at the top; a wrap-around group gives 2 or 4 pieces."""
    cells = [cell_position(m, n) for m in group.minterms]
    rows = {r for r, _ in cells}
    cols = {c for _, c in cells}
    rb, cb = _split(n)
    pieces = []
    for r0, r1, ot, ob in _segments(rows, 1 << rb):
        for c0, c1, ol, orr in _segments(cols, 1 << cb):
            pieces.append((float(c0), float(r0), float(c1 - c0 + 1), float(r1 - r0 + 1), (ol, orr, ot, ob)))
    return pieces


def _as_implicant(group: Any, variables: tuple[str, ...]) -> Implicant:
    if isinstance(group, Implicant):
        return group
    n = len(variables)
    if isinstance(group, str) and len(group) == n and set(group) <= set("01-"):
        return Implicant(group, variables)
    try:
        cells = sorted({int(m) for m in group})
    except TypeError:
        raise KMapError(f"a group is a cube like '1-0-' or a list of minterms, not {group!r}") from None
    # the smallest cube containing the cells; it is the group if it holds exactly these cells
    cube = ""
    for k in range(n):
        bits = {(m >> (n - 1 - k)) & 1 for m in cells}
        cube += "-" if len(bits) == 2 else str(bits.pop())
    imp = Implicant(cube, variables)
    if sorted(imp.minterms) != cells:
        raise KMapError(f"cells {cells} do not form a K-map group",
                        hint="a group is a rectangle of 1, 2, 4 or 8 cells (it may wrap around the edges)")
    return imp


# ---------------------------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------------------------

def draw_kmap(function: Any, variables: Sequence[str] | None = None, groups: Any = "auto", ax: Any = None,
              dont_cares: Iterable[int] = (), show_minterms: bool = True, title: str | None = None) -> Any:
    """Draw the Karnaugh map of a 2-4 variable function; returns the matplotlib Axes.

    ``function``: an expression string or ``chiplab.logic.Expr``, a ``TruthTable``, a :class:`KMap`, or
    a list of outputs (0/1/"X", with ``variables``). ``groups``: ``"auto"`` draws the groups of a minimal
    cover, ``None`` none, or a list of groups (cubes like ``"1-0-"``, :class:`Implicant`, or lists of
    minterms). ``show_minterms`` writes each cell's minterm number in its corner.
    """
    from matplotlib.patches import FancyBboxPatch, Rectangle

    km = as_kmap(function, variables, dont_cares)
    n = km.n
    rb, cb = _split(n)
    nrows, ncols = 1 << rb, 1 << cb
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(1.1 * ncols + 1.4, 1.1 * nrows + 1.3))
    if groups == "auto":
        chosen = minimal_cover(km)
    elif groups is None:
        chosen = []
    else:
        chosen = [_as_implicant(g, km.variables) for g in groups]

    ax.set_xlim(-1.15, ncols + 0.25)
    ax.set_ylim(nrows + 0.25, -1.15)
    ax.set_aspect("equal")
    ax.axis("off")
    # grid
    for r in range(nrows):
        for c in range(ncols):
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor="white", edgecolor="#444444", linewidth=1.2,
                                   zorder=1))
            m = cell_minterm(r, c, n)
            v = km.values[m]
            ax.text(c + 0.5, r + 0.52, str(v), ha="center", va="center", zorder=5,
                    fontsize=17, fontweight="bold" if v == 1 else "normal",
                    color="#111111" if v == 1 else "#8a8a8a" if v == 0 else "#7a3db8")
            if show_minterms:
                ax.text(c + 0.07, r + 0.9, str(m), ha="left", va="baseline", fontsize=7, color="#999999",
                        zorder=5)
    # Gray-code labels and the corner that names the variables
    row_vars = "".join(km.variables[:rb])
    col_vars = "".join(km.variables[rb:])
    for c, code in enumerate(_axis_order(cb)):
        ax.text(c + 0.5, -0.18, format(code, f"0{cb}b"), ha="center", va="bottom", fontsize=11,
                family="monospace")
    for r, code in enumerate(_axis_order(rb)):
        ax.text(-0.15, r + 0.5, format(code, f"0{rb}b"), ha="right", va="center", fontsize=11,
                family="monospace")
    ax.plot([-1.0, 0], [-1.0, 0], color="#444444", linewidth=1)
    ax.text(-0.22, -0.72, col_vars, ha="center", va="center", fontsize=11, style="italic")
    ax.text(-0.72, -0.22, row_vars, ha="center", va="center", fontsize=11, style="italic")
    # groups
    clip = Rectangle((0, 0), ncols, nrows, transform=ax.transData, facecolor="none", edgecolor="none")
    ax.add_patch(clip)
    for i, g in enumerate(chosen):
        colour = _COLOURS[i % len(_COLOURS)]
        pad = 0.07 + 0.045 * (i % 4)
        for x, y, w, h, (ol, orr, ot, ob) in group_rectangles(g, n):
            x0 = x - 0.6 if ol else x + pad
            x1 = x + w + 0.6 if orr else x + w - pad
            y0 = y - 0.6 if ot else y + pad
            y1 = y + h + 0.6 if ob else y + h - pad
            patch = FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.25",
                                   facecolor=colour, alpha=0.16, edgecolor="none", zorder=2)
            edge = FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.25",
                                  facecolor="none", edgecolor=colour, linewidth=2.4, zorder=3)
            for p in (patch, edge):
                ax.add_patch(p)
                p.set_clip_path(clip)
    if title is None:
        title = "f = " + sop_string(chosen) if groups == "auto" else None
    if title:
        ax.set_title(title, fontsize=11)
    if chosen:
        handles = [Rectangle((0, 0), 1, 1, facecolor=_COLOURS[i % len(_COLOURS)], alpha=0.5)
                   for i in range(len(chosen))]
        ax.legend(handles, [g.term() for g in chosen], loc="upper left", bbox_to_anchor=(1.0, 1.0),
                  fontsize=9, frameon=False)
    return ax


def kmap_png(function: Any, variables: Sequence[str] | None = None, groups: Any = "auto",
             dont_cares: Iterable[int] = (), dpi: int = 80) -> bytes:
    """The K-map picture as PNG bytes (no pyplot state is touched)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    km = as_kmap(function, variables, dont_cares)
    rb, cb = _split(km.n)
    # one inch per cell; the map's axes span ncols + 1.4 by nrows + 1.4 cells (labels included), with room
    # for the title above and the legend on the right (no bbox_inches="tight": it costs a second draw)
    map_w, map_h = (1 << cb) + 1.4, (1 << rb) + 1.4
    width, height = map_w + 2.0, map_h + 0.45
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, map_w / width, map_h / height))
    draw_kmap(km, groups=groups, ax=ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# the interactive K-map
# ---------------------------------------------------------------------------------------------

_NEXT = {0: 1, 1: DONT_CARE, DONT_CARE: 0}


def _kmap_widget_class() -> type:
    import ipywidgets as w

    class KMapWidget(w.VBox):
        """A clickable K-map: each cell is a button cycling 0 -> 1 -> X -> 0; below it, the map with the
        groups of a minimal cover and the minimal SOP. ``click(row, col)`` does what a click does."""

        def __init__(self, kmap: KMap) -> None:
            self.kmap = kmap.copy()
            n = self.kmap.n
            rb, cb = _split(n)
            self.nrows, self.ncols = 1 << rb, 1 << cb
            self.cover: list[Implicant] = []
            self.buttons: list[list[w.Button]] = []
            layout = w.Layout(width="52px", height="40px")
            items: list[w.Widget] = [w.HTML(f"<b>{''.join(self.kmap.variables[:rb])}</b> \\ "
                                            f"<b>{''.join(self.kmap.variables[rb:])}</b>", layout=layout)]
            items += [w.HTML(f"<tt>{format(code, f'0{cb}b')}</tt>", layout=layout) for code in _axis_order(cb)]
            for r, rcode in enumerate(_axis_order(rb)):
                items.append(w.HTML(f"<tt>{format(rcode, f'0{rb}b')}</tt>", layout=layout))
                row = []
                for c in range(self.ncols):
                    b = w.Button(layout=layout, tooltip=f"minterm {cell_minterm(r, c, n)}")
                    b.on_click(self._make_handler(r, c))
                    row.append(b)
                    items.append(b)
                self.buttons.append(row)
            grid = w.GridBox(items, layout=w.Layout(grid_template_columns=f"repeat({self.ncols + 1}, 56px)"))
            self.sop_label = w.HTML()
            self.image = w.Image(format="png")
            self.clear_button = w.Button(description="all 0", layout=w.Layout(width="80px"))
            self.clear_button.on_click(lambda _b: self.set_values([0] * len(self.kmap.values)))
            super().__init__([w.HTML("<b>Click a cell: 0 &rarr; 1 &rarr; X (don't care) &rarr; 0</b>"),
                              w.HBox([grid, self.clear_button]), self.sop_label, self.image])
            self._refresh()

        def _make_handler(self, r: int, c: int):  # noqa: ANN202
            return lambda _button: self.click(r, c)

        # -- what a student (or a test) does
        def click(self, row: int, col: int) -> None:
            """Toggle the cell at (row, column) of the map (Gray-code positions) and redraw."""
            m = cell_minterm(row, col, self.kmap.n)
            self.kmap.values[m] = _NEXT[self.kmap.values[m]]
            self._refresh()

        def set_values(self, values: Sequence[Any]) -> None:
            """Replace all cell values (truth-table order) and redraw."""
            self.kmap = KMap(self.kmap.variables, list(values))
            self._refresh()

        @property
        def values(self) -> list[int | str]:
            return list(self.kmap.values)

        @property
        def sop(self) -> str:
            """The minimal SOP of the map as it stands."""
            return sop_string(self.cover)

        def _refresh(self) -> None:
            n = self.kmap.n
            for r in range(self.nrows):
                for c in range(self.ncols):
                    v = self.kmap.values[cell_minterm(r, c, n)]
                    b = self.buttons[r][c]
                    b.description = str(v)
                    b.button_style = "success" if v == 1 else "warning" if v == DONT_CARE else ""
            self.cover = minimal_cover(self.kmap)
            terms = len(self.cover)
            lits = sum(p.literals for p in self.cover)
            self.sop_label.value = (f"<p>minimal SOP: <code>f = {self.sop}</code> &nbsp; ({terms} term"
                                    f"{'s' if terms != 1 else ''}, {lits} literal{'s' if lits != 1 else ''})</p>")
            self.image.value = kmap_png(self.kmap)

    return KMapWidget


_WIDGET_CLASS: type | None = None


def kmap_widget(function: Any = None, variables: Sequence[str] | None = None,
                dont_cares: Iterable[int] = ()) -> Any:
    """An interactive K-map (ipywidgets): click cells to toggle 0/1/X and watch the minimal SOP and its
    groups update. Start empty (variables a, b, c, d unless ``variables`` says otherwise), or from a function (anything :func:`as_kmap` accepts).

    The returned widget has ``click(row, col)``, ``set_values(values)``, ``values``, ``sop``, ``cover``.
    """
    global _WIDGET_CLASS
    if _WIDGET_CLASS is None:
        _WIDGET_CLASS = _kmap_widget_class()
    if function is None:
        km = KMap(_names(variables or "abcd"))
        for m in dont_cares:
            km.values[int(m)] = DONT_CARE
    else:
        km = as_kmap(function, variables, dont_cares)
    _split(km.n)
    return _WIDGET_CLASS(km)


__all__ = [
    "DONT_CARE", "Implicant", "KMap", "KMapError", "as_kmap", "cell_minterm", "cell_position", "draw_kmap",
    "group_rectangles", "kmap_png", "kmap_widget", "minimal_cover", "minimal_sop", "prime_implicants",
    "sop_string",
]
