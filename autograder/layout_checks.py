"""Grading helpers for lab09 (fix DRC violations): build a layout from a student's rectangles, run the real
ChipLab DRC on it, and check that the fixed layout still connects the points it connected before.

A layout here is a dict ``{name: (layer, x1, y1, x2, y2)}`` in um, ``layer`` one of :data:`LAYERS` (li1, mcon,
met1, via, met2). :func:`build` writes it with KLayout on the 1 nm database grid of every sky130 GDS (a
coordinate off the 5 nm manufacturing grid stays off it, so rule x.1b can see it). :func:`nets` groups the
shapes into electrically connected nets (a shape touches or overlaps another on its layer; a cut joins the
metals below and above it where it overlaps them both), and :func:`check_part` is what the hidden tests call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from chiplab import layout as _layout

Shape = tuple[str, float, float, float, float]
LAYERS: tuple[str, ...] = ("li1", "mcon", "met1", "via", "met2")
#: a cut layer joins the metal below it to the metal above it
CUTS: dict[str, tuple[str, str]] = {"mcon": ("li1", "met1"), "via": ("met1", "met2")}


class LayoutAnswerError(AssertionError):
    """A student's layout is not a layout the checks can read, or it fails a check (the message says why)."""


def _shapes(shapes: Any) -> dict[str, Shape]:
    if not isinstance(shapes, Mapping):
        raise LayoutAnswerError(
            f"the layout should be a dict {{name: (layer, x1, y1, x2, y2)}}, not {type(shapes).__name__}"
        )
    out: dict[str, Shape] = {}
    for name, shape in shapes.items():
        if not (isinstance(shape, (tuple, list)) and len(shape) == 5):
            raise LayoutAnswerError(f"shape {name!r} should be (layer, x1, y1, x2, y2), got {shape!r}")
        layer, *coords = shape
        if layer not in LAYERS:
            raise LayoutAnswerError(f"shape {name!r} is on layer {layer!r}; use one of {', '.join(LAYERS)}")
        if not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in coords):
            raise LayoutAnswerError(f"shape {name!r}: coordinates must be numbers, got {coords!r}")
        x1, y1, x2, y2 = (float(c) for c in coords)
        if not (x2 > x1 and y2 > y1):
            raise LayoutAnswerError(f"shape {name!r}: need x1 < x2 and y1 < y2, got {coords!r}")
        out[str(name)] = (layer, x1, y1, x2, y2)
    return out


def _dbu(v: float) -> int:
    return round(v * 1000)  # 1 nm database unit, as in the sky130 GDS


def build(shapes: Mapping[str, Sequence[Any]], top: str = "LAB09") -> Any:
    """A ``klayout.db.Layout`` holding ``shapes`` (dict name -> (layer, x1, y1, x2, y2) in um)."""
    import klayout.db as db  # noqa: PLC0415

    shapes = _shapes(shapes)
    ly = db.Layout()
    ly.dbu = 0.001
    cell = ly.create_cell(top)
    for layer, x1, y1, x2, y2 in shapes.values():
        index = ly.layer(*_layout.LAYERS[layer])
        cell.shapes(index).insert(db.Box(_dbu(x1), _dbu(y1), _dbu(x2), _dbu(y2)))
    return ly


def drc(shapes: Mapping[str, Sequence[Any]], rules: Iterable[str] | None = None) -> Any:
    """ChipLab's DRC (:func:`chiplab.layout.drc`) on the layout made of ``shapes``."""
    return _layout.drc(build(shapes), rules)


def _touch(a: Shape, b: Shape) -> bool:
    """Boxes overlap or share an edge (in database units, so 1 nm gaps count as gaps)."""
    ax1, ay1, ax2, ay2 = (_dbu(v) for v in a[1:])
    bx1, by1, bx2, by2 = (_dbu(v) for v in b[1:])
    return ax1 <= bx2 and bx1 <= ax2 and ay1 <= by2 and by1 <= ay2


def _overlap(a: Shape, b: Shape) -> bool:
    ax1, ay1, ax2, ay2 = (_dbu(v) for v in a[1:])
    bx1, by1, bx2, by2 = (_dbu(v) for v in b[1:])
    return ax1 < bx2 and bx1 < ax2 and ay1 < by2 and by1 < ay2


def nets(shapes: Mapping[str, Sequence[Any]]) -> list[set[str]]:
    """The shapes grouped into connected nets (sets of shape names)."""
    s = _shapes(shapes)
    parent = {n: n for n in s}

    def find(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    names = list(s)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            la, lb = s[a][0], s[b][0]
            joined = (la == lb and _touch(s[a], s[b])) or (
                (la in CUTS and lb in CUTS[la] and _overlap(s[a], s[b]))
                or (lb in CUTS and la in CUTS[lb] and _overlap(s[a], s[b]))
            )
            if joined:
                parent[find(a)] = find(b)
    groups: dict[str, set[str]] = {}
    for n in names:
        groups.setdefault(find(n), set()).add(n)
    return list(groups.values())


def net_at(shapes: Mapping[str, Sequence[Any]], layer: str, x: float, y: float) -> set[str] | None:
    """The net (set of shape names) of the shape on ``layer`` that covers the point (x, y), or None."""
    s = _shapes(shapes)
    px, py = _dbu(x), _dbu(y)
    for group in nets(s):
        for n in group:
            lay, x1, y1, x2, y2 = s[n]
            if lay == layer and _dbu(x1) <= px <= _dbu(x2) and _dbu(y1) <= py <= _dbu(y2):
                return group
    return None


def check_part(
    shapes: Any,
    connected: Sequence[Sequence[tuple[str, float, float]]],
    label: str = "your layout",
    rules: Iterable[str] | None = None,
) -> None:
    """Pass when the layout is DRC clean (all ChipLab rules, or ``rules``) and keeps its connectivity.

    ``connected`` lists groups of pins ``(layer, x, y)``: the pins of one group must lie on one net, and pins
    of different groups on different nets (a fix may not delete a wire, nor short two wires)."""
    s = _shapes(shapes)
    report = drc(s, rules)
    if not report.ok:
        first = report.violations[0]
        raise LayoutAnswerError(
            f"{label}: DRC still finds {report.count} violation(s), e.g. {first.rule} ({first.description}) "
            f"near ({first.box[0]:.3f}, {first.box[1]:.3f})"
        )
    seen: list[set[str]] = []
    for gi, group in enumerate(connected):
        found = []
        for layer, x, y in group:
            net = net_at(s, layer, x, y)
            if net is None:
                raise LayoutAnswerError(f"{label}: nothing on {layer} covers the pin at ({x}, {y}) any more")
            found.append(net)
        if any(n != found[0] for n in found):
            raise LayoutAnswerError(
                f"{label}: the pins of connection {gi + 1} are no longer connected (an open)"
            )
        if any(found[0] == other for other in seen):
            raise LayoutAnswerError(f"{label}: two separate connections now touch (a short)")
        seen.append(found[0])


def sites(cell: str) -> int:
    """How many placement sites (0.46 um each) the sky130 hd ``cell`` is wide."""
    from chiplab import pdk  # noqa: PLC0415

    return round(pdk.cell_info(cell).width_um / 0.46)
