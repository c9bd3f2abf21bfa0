"""Layout: GDS from a routed DEF, pictures, design-rule and connectivity checks (KLayout's Python module).

* :func:`def_to_gds` reads a placed-and-routed DEF with KLayout's LEF/DEF reader, puts the real sky130 cell
  layouts (their GDS) where the DEF places the cells, and writes the routing and vias on the sky130 GDS
  layers (li1 67/20, mcon 67/44, met1 68/20, via 68/44, met2 69/20, ...; pins on ``*/16``, labels on ``*/5``).
* :func:`render` draws a GDS (or a part of it) to PNG with the sky130 layer colours, or to SVG.
* :func:`drc` checks a documented subset of the sky130 periphery rules (table :data:`RULES`) on the
  flattened layout and returns every violation with its place.
* :func:`check_connectivity` extracts the nets of the layout (li1 - mcon - met1 - via - met2 - via2 - met3
  ...) and compares them with a synthesized netlist: opens (a net in pieces) and shorts (nets joined).

About the rule deck: the values come from the SkyWater SKY130 periphery rules (google/skywater-pdk,
docs/rules/periphery/*.csv; each :class:`Rule` names its file). Checked: the 5 nm grid (x.1b); li1 width,
spacing, area (li.1, li.3, li.6); mcon size, spacing and li1 cover (ct.1, ct.2, ct.4); met1 width,
spacing, mcon enclosure (all round and the larger one on one pair of opposite sides), area (m1.1, m1.2,
m1.4, m1.5, m1.6); via size, spacing, met1 enclosure (via.1a, via.2, via.4a, via.5a); met2 (m2.1, m2.2,
m2.4, m2.5, m2.6); via2 (via2.1a, via2.2, via2.4, via2.5); met3 (m3.1, m3.2, m3.4, m3.6). Not checked:
the device layers (diff, poly, licon, wells, implants: they live inside the foundry cells), wide-metal
spacing (m1.3, m2.3: needs wires wider than 3 um, which the flow does not draw), metal holes and density,
met4/met5, antenna rules. Every hd cell the flow uses passes with no exemption, alone and abutted in rows
with tap cells (N and FS rows): the tests prove it.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplab import pdk
from chiplab.errors import DesignError

#: sky130 GDS layer numbers (layer, datatype) by name; ``<metal>.pin`` = x/16, ``<metal>.label`` = x/5
LAYERS: dict[str, tuple[int, int]] = {
    "nwell": (64, 20),
    "diff": (65, 20),
    "tap": (65, 44),
    "poly": (66, 20),
    "licon": (66, 44),
    "li1": (67, 20),
    "li1.pin": (67, 16),
    "li1.label": (67, 5),
    "mcon": (67, 44),
    "met1": (68, 20),
    "met1.pin": (68, 16),
    "met1.label": (68, 5),
    "via": (68, 44),
    "met2": (69, 20),
    "met2.pin": (69, 16),
    "met2.label": (69, 5),
    "via2": (69, 44),
    "met3": (70, 20),
    "met3.pin": (70, 16),
    "met3.label": (70, 5),
    "via3": (70, 44),
    "met4": (71, 20),
    "met4.pin": (71, 16),
    "met4.label": (71, 5),
    "via4": (71, 44),
    "met5": (72, 20),
    "met5.pin": (72, 16),
    "met5.label": (72, 5),
    "prBoundary": (235, 4),
}

#: the conducting stack from li1 up, with the cut layer between each pair
STACK: list[tuple[str, str | None]] = [
    ("li1", "mcon"),
    ("met1", "via"),
    ("met2", "via2"),
    ("met3", "via3"),
    ("met4", "via4"),
    ("met5", None),
]

#: GDS property number that carries the instance name (written by def_to_gds) and the DEF net name
INSTANCE_PROPERTY = 61
NET_PROPERTY = 62

DBU = 0.001  # um per database unit in every sky130 GDS


# ---------------------------------------------------------------------------------------------------------
# DEF -> GDS
# ---------------------------------------------------------------------------------------------------------


def _map_file(folder: Path) -> Path:
    """A KLayout LEF/DEF layer map: LEF layer name + purpose -> sky130 GDS layer/datatype."""
    lines = ["DIEAREA ALL 235 4"]
    for metal, cut in STACK:
        num = LAYERS[metal][0]
        lines += [
            f"{metal} NET,SPNET,VIA,FILL {num} 20",
            f"{metal} PIN {num} 16",
            f"NAME {metal}/PIN {num} 5",
        ]
        if cut:
            lines.append(f"{cut} NET,SPNET,VIA {LAYERS[cut][0]} {LAYERS[cut][1]}")
    path = folder / "sky130_lefdef.map"
    path.write_text("\n".join(lines) + "\n")
    return path


def def_macros(def_path: str | os.PathLike) -> dict[str, str]:
    """Component name -> macro (cell) name from the COMPONENTS section of a DEF."""
    text = Path(def_path).read_text(errors="replace")
    m = re.search(r"^\s*COMPONENTS\b.*?;(.*?)END\s+COMPONENTS", text, flags=re.S | re.M)
    if not m:
        return {}
    out = {}
    for comp in re.finditer(r"-\s+(\S+)\s+(\S+)", m.group(1)):
        out[comp.group(1).replace("\\", "")] = comp.group(2)
    return out


def def_to_gds(
    def_path: str | os.PathLike,
    out_gds: str | os.PathLike,
    cells: Iterable[str] | dict[str, str | os.PathLike] | None = None,
    lef_files: Sequence[str | os.PathLike] = (),
) -> Path:
    """Write a GDS of a placed and routed DEF with the real sky130 cell layouts; returns the GDS path.

    ``cells`` names extra cells (short or full names) to make available, or maps a macro name to its own
    GDS file; the cells the DEF places are found automatically. Instance names are kept as GDS property
    :data:`INSTANCE_PROPERTY` (61) on each cell instance, net names as property :data:`NET_PROPERTY` (62)
    on the wires, which :func:`check_connectivity` uses.
    """
    import klayout.db as db  # noqa: PLC0415

    def_path = Path(def_path)
    if not def_path.is_file():
        raise DesignError(f"DEF file not found: {def_path}")
    macros = set(def_macros(def_path).values())
    extra: dict[str, Path] = {}
    if isinstance(cells, dict):
        extra = {pdk.full_name(k): Path(v) for k, v in cells.items()}
    elif cells:
        macros |= {pdk.full_name(c) for c in cells}
    lefs = [str(pdk.tech_lef())]
    gds_files = []
    for macro in sorted(macros | set(extra)):
        if macro in extra:
            gds_files.append(str(extra[macro]))
            continue
        if not macro.startswith(pdk.LIBRARY):
            continue  # a macro from lef_files without a known layout: KLayout draws its LEF view
        try:
            lefs.append(str(pdk.cell_file(macro, "lef")))
            gds_files.append(str(pdk.cell_file(macro, "gds")))
        except pdk.PDKNotFoundError as exc:
            raise DesignError(f"the DEF places {macro}, which is not a sky130 hd cell: {exc}") from None
    lefs += [str(p) for p in lef_files]
    with tempfile.TemporaryDirectory(prefix="chiplab_def_") as tmp:
        opt = db.LoadLayoutOptions()
        cfg = opt.lefdef_config
        cfg.map_file = str(_map_file(Path(tmp)))
        cfg.lef_files = lefs
        cfg.read_lef_with_def = False
        cfg.macro_layout_files = gds_files
        cfg.macro_resolution_mode = 2  # always the GDS layout of a macro, never its LEF abstract
        cfg.produce_lef_pins = False
        cfg.instance_property_name = INSTANCE_PROPERTY
        cfg.net_property_name = NET_PROPERTY
        layout = db.Layout()
        try:
            layout.read(str(def_path), opt)
        except RuntimeError as exc:
            raise DesignError(f"KLayout could not read {def_path.name}: {str(exc).splitlines()[0]}") from None
    # sky130 rule x.5: pin shapes lie within drawn shapes of their layer, so draw each top-level pin too
    top = _top(layout)
    for metal, _ in STACK:
        num = LAYERS[metal][0]
        pin_index = layout.find_layer(num, 16)
        if pin_index is not None and not top.shapes(pin_index).is_empty():
            top.shapes(layout.layer(num, 20)).insert(top.shapes(pin_index))
    out = Path(out_gds)
    out.parent.mkdir(parents=True, exist_ok=True)
    layout.write(str(out))
    return out


# ---------------------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------------------


def _load(gds: Any) -> Any:
    """A klayout.db.Layout from a path or a Layout."""
    import klayout.db as db  # noqa: PLC0415

    if isinstance(gds, db.Layout):
        return gds
    path = Path(gds)
    if not path.is_file():
        raise DesignError(f"layout file not found: {path}")
    layout = db.Layout()
    layout.read(str(path))
    return layout


def _top(layout: Any) -> Any:
    tops = layout.top_cells()
    if not tops:
        raise DesignError("the layout has no cells")
    if len(tops) > 1:  # pick the largest
        return max(tops, key=lambda c: c.bbox().area())
    return tops[0]


def _region(layout: Any, cell: Any, name: str) -> Any:
    """The merged, flattened shapes of one named layer."""
    import klayout.db as db  # noqa: PLC0415

    layer, datatype = LAYERS[name]
    index = layout.find_layer(layer, datatype)
    if index is None:
        return db.Region()
    region = db.Region(cell.begin_shapes_rec(index))
    region.merged_semantics = True
    return region


# ---------------------------------------------------------------------------------------------------------
# Pictures
# ---------------------------------------------------------------------------------------------------------


def _layer_spec(spec: str | tuple[int, int]) -> tuple[int, int]:
    if isinstance(spec, tuple):
        return spec
    if spec in LAYERS:
        return LAYERS[spec]
    m = re.fullmatch(r"(\d+)/(\d+)", spec)
    if m:
        return int(m.group(1)), int(m.group(2))
    raise DesignError(f"unknown layer {spec!r}", hint=f"use one of {', '.join(LAYERS)} or 'layer/datatype'")


def render(
    gds: Any,
    out: str | os.PathLike,
    layers: Iterable[str | tuple[int, int]] | None = None,
    box: tuple[float, float, float, float] | None = None,
    width: int = 800,
    height: int | None = None,
    markers: Iterable[tuple[float, float, float, float]] = (),
) -> Path:
    """Draw a layout to ``out`` (``.png`` through KLayout's view, ``.svg`` as vector polygons).

    ``layers`` limits the picture to some layers (names from :data:`LAYERS` or ``(layer, datatype)``);
    ``box`` = (x1, y1, x2, y2) in um zooms in; ``markers`` are boxes (um) outlined in red, e.g. DRC errors.
    """
    out = Path(out)
    if out.suffix.lower() == ".svg":
        return _render_svg(gds, out, layers, box, width, markers)
    import klayout.db as db  # noqa: PLC0415
    import klayout.lay as lay  # noqa: PLC0415

    layout = _load(gds)
    markers = list(markers)
    marker_layer = None
    if markers:
        layout = layout.dup()
        marker_layer = layout.layer(255, 99)
        top = _top(layout)
        for x1, y1, x2, y2 in markers:
            grow = 0.05
            top.shapes(marker_layer).insert(db.DBox(x1 - grow, y1 - grow, x2 + grow, y2 + grow))
    view = lay.LayoutView()
    view.set_config("background-color", "#ffffff")
    view.set_config("grid-visible", "false")
    view.set_config("text-font", "1")
    view.show_layout(layout, False)
    view.load_layer_props(str(pdk.klayout_layers()))
    view.max_hier()
    wanted = {_layer_spec(s) for s in layers} if layers is not None else None
    it = view.begin_layers()
    while not it.at_end():
        node = it.current()
        if wanted is not None:
            src = (node.source_layer, node.source_datatype)
            node.visible = src in wanted
        it.next()
    if marker_layer is not None:
        props = lay.LayerProperties()
        props.source = "255/99"
        props.frame_color = 0xFF0000
        props.fill_color = 0xFF0000
        props.dither_pattern = 1  # hollow
        props.width = 3
        view.insert_layer(view.end_layers(), props)
    if box is not None:
        view.zoom_box(db.DBox(*box))
    else:
        view.zoom_fit()
    bbox = db.DBox(*box) if box is not None else _top(layout).dbbox()
    if height is None:
        ratio = bbox.height() / bbox.width() if bbox.width() > 0 else 1.0
        height = max(50, int(width * ratio))
        if box is None:
            view.zoom_fit()
    out.parent.mkdir(parents=True, exist_ok=True)
    view.save_image(str(out), width, height)
    return out


@functools.cache
def _layer_colours() -> dict[tuple[int, int], tuple[str, str]]:
    """(layer, datatype) -> (fill colour, name) from the sky130 .lyp file."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415

    colours: dict[tuple[int, int], tuple[str, str]] = {}
    try:
        root = ET.parse(pdk.klayout_layers()).getroot()
    except (OSError, ET.ParseError):
        return colours
    for props in root.iter("properties"):
        src = (props.findtext("source") or "").split("@")[0].strip()
        m = re.match(r"(\d+)/(\d+)", src)
        if m:
            colours[(int(m.group(1)), int(m.group(2)))] = (
                props.findtext("fill-color") or "#888888",
                props.findtext("name") or src,
            )
    return colours


def _render_svg(gds: Any, out: Path, layers: Any, box: Any, width: int, markers: Iterable) -> Path:
    import klayout.db as db  # noqa: PLC0415

    layout = _load(gds)
    top = _top(layout)
    wanted = {_layer_spec(s) for s in layers} if layers is not None else None
    bbox = db.DBox(*box) if box is not None else top.dbbox()
    scale = width / max(bbox.width(), 1e-9)
    height = int(bbox.height() * scale) + 1
    colours = _layer_colours()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    clip = bbox.to_itype(layout.dbu)

    def pt(x: float, y: float) -> str:
        return f"{(x - bbox.left) * scale:.2f},{(bbox.top - y) * scale:.2f}"

    order = [(num, dt) for (num, dt) in sorted(colours) if wanted is None or (num, dt) in wanted]
    for num, dt in order:
        index = layout.find_layer(num, dt)
        if index is None or dt in (5, 16, 59) or num >= 81:
            continue
        region = db.Region(top.begin_shapes_rec(index)) & db.Region(clip)
        if region.is_empty():
            continue
        fill, name = colours[(num, dt)]
        paths = []
        for poly in region.each_merged():
            dpoly = poly.to_dtype(layout.dbu)
            pts = " ".join(pt(p.x, p.y) for p in dpoly.each_point_hull())
            paths.append(f'<polygon points="{pts}"/>')
        parts.append(
            f'<g id="{name}" fill="{fill}" fill-opacity="0.45" stroke="{fill}" stroke-width="0.6">'
            + "".join(paths)
            + "</g>"
        )
    for x1, y1, x2, y2 in markers:
        parts.append(
            f'<rect x="{(x1 - bbox.left) * scale:.2f}" y="{(bbox.top - y2) * scale:.2f}" '
            f'width="{(x2 - x1) * scale:.2f}" height="{(y2 - y1) * scale:.2f}" fill="none" stroke="red" '
            'stroke-width="2"/>'
        )
    parts.append("</svg>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts))
    return out


# ---------------------------------------------------------------------------------------------------------
# Design rules
# ---------------------------------------------------------------------------------------------------------

_SRC = "SkyWater SKY130 PDK docs, rules/periphery (docs/rules/periphery/{} in google/skywater-pdk)"


@dataclass(frozen=True)
class Rule:
    """One design rule: ``kind`` is width, space, area (um^2), size (exact square cut), enclosure (of
    ``inner`` by ``layer``), enclosure_adjacent (``value`` on two opposite sides, ``value2`` on the other
    two), or grid (every vertex on a ``value`` um grid)."""

    name: str
    kind: str
    layer: str
    value: float
    description: str
    source: str
    inner: str | None = None
    value2: float = 0.0


#: the rule deck as a table, by the page of the rule docs (``_SRC``) each rule comes from; a row holds the
#: fields of :class:`Rule` less ``source``: (name, kind, layer, value, description[, inner[, value2]])
_RULE_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "p018-x_dotdash.csv": [
        ("x.1b", "grid", "*", 0.005, "all shapes on the 0.005 um manufacturing grid"),
    ],
    "p035-li_dotdash_dotdash.csv": [
        ("li.1", "width", "li1", 0.17, "min width of li1"),
        ("li.3", "space", "li1", 0.17, "min spacing of li1 to li1"),
        ("li.6", "area", "li1", 0.0561, "min area of li1"),
    ],
    "p035-ct_dotdash.csv": [
        ("ct.1", "size", "mcon", 0.17, "mcon is a 0.17 x 0.17 square"),
        ("ct.2", "space", "mcon", 0.19, "min spacing of mcon to mcon"),
        ("ct.4", "enclosure", "li1", 0.0, "mcon inside li1", "mcon"),
    ],
    "p038-m1_dotdash.csv": [
        ("m1.1", "width", "met1", 0.14, "min width of met1"),
        ("m1.2", "space", "met1", 0.14, "min spacing of met1 to met1"),
        ("m1.4", "enclosure", "met1", 0.03, "mcon enclosed by met1 by 0.03", "mcon"),
        ("m1.5", "enclosure_adjacent", "met1", 0.06,
         "mcon enclosed by met1 by 0.06 on one of two adjacent sides", "mcon", 0.03),
        ("m1.6", "area", "met1", 0.083, "min area of met1"),
    ],
    "p039-via_dotdash.csv": [
        ("via.1a", "size", "via", 0.15, "via is a 0.15 x 0.15 square"),
        ("via.2", "space", "via", 0.17, "min spacing of via to via"),
        ("via.4a", "enclosure", "met1", 0.055, "via enclosed by met1 by 0.055", "via"),
        ("via.5a", "enclosure_adjacent", "met1", 0.085,
         "via enclosed by met1 by 0.085 on one of two adjacent sides", "via", 0.055),
    ],
    "p040-m2_dotdash.csv": [
        ("m2.1", "width", "met2", 0.14, "min width of met2"),
        ("m2.2", "space", "met2", 0.14, "min spacing of met2 to met2"),
        ("m2.4", "enclosure", "met2", 0.055, "via enclosed by met2 by 0.055", "via"),
        ("m2.5", "enclosure_adjacent", "met2", 0.085,
         "via enclosed by met2 by 0.085 on one of two adjacent sides", "via", 0.055),
        ("m2.6", "area", "met2", 0.0676, "min area of met2"),
    ],
    "p041-via2_dotdash.csv": [
        ("via2.1a", "size", "via2", 0.20, "via2 is a 0.20 x 0.20 square"),
        ("via2.2", "space", "via2", 0.20, "min spacing of via2 to via2"),
        ("via2.4", "enclosure", "met2", 0.04, "via2 enclosed by met2 by 0.04", "via2"),
        ("via2.5", "enclosure_adjacent", "met2", 0.085,
         "via2 enclosed by met2 by 0.085 on one of two adjacent sides", "via2", 0.04),
    ],
    "p042-m3_dotdash.csv": [
        ("m3.1", "width", "met3", 0.30, "min width of met3"),
        ("m3.2", "space", "met3", 0.30, "min spacing of met3 to met3"),
        ("m3.4", "enclosure", "met3", 0.065, "via2 enclosed by met3 by 0.065", "via2"),
        ("m3.6", "area", "met3", 0.24, "min area of met3"),
    ],
}

#: the sky130 rules ChipLab checks (a subset of the foundry's periphery rules; values in um / um^2)
RULES: list[Rule] = [
    Rule(*row[:5], _SRC.format(page), *row[5:]) for page, rows in _RULE_ROWS.items() for row in rows
]

#: layers checked by the grid rule
_GRID_LAYERS = ("li1", "mcon", "met1", "via", "met2", "via2", "met3", "via3", "met4", "via4", "met5")


@dataclass
class Violation:
    """One design-rule violation; ``box`` = (x1, y1, x2, y2) in um, ``value`` the measured size (um/um^2)."""

    rule: str
    layer: str
    box: tuple[float, float, float, float]
    value: float | None
    description: str

    def __str__(self) -> str:
        x1, y1, x2, y2 = self.box
        measured = f", measured {self.value:g}" if self.value is not None else ""
        return f"{self.rule} ({self.description}) on {self.layer} at ({x1:.3f}, {y1:.3f})-({x2:.3f}, {y2:.3f}){measured}"


@dataclass
class DRCReport:
    """The result of :func:`drc`: every violation, counted by rule."""

    violations: list[Violation]
    rules: list[Rule]
    top: str
    gds: Path | None = None
    time_s: float = 0.0

    @property
    def count(self) -> int:
        return len(self.violations)

    @property
    def ok(self) -> bool:
        return not self.violations

    def by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for v in self.violations:
            counts[v.rule] = counts.get(v.rule, 0) + 1
        return counts

    def summary(self) -> str:
        if self.ok:
            return f"DRC of {self.top}: clean ({len(self.rules)} rules)"
        lines = [f"DRC of {self.top}: {self.count} violation(s)"]
        lines += [f"  {v}" for v in self.violations[:30]]
        if self.count > 30:
            lines.append(f"  ... and {self.count - 30} more")
        return "\n".join(lines)

    def render(self, out: str | os.PathLike, width: int = 800, zoom: bool = False, **kwargs: Any) -> Path:
        """A picture of the layout with every violation outlined in red (``zoom``: around the first)."""
        if self.gds is None:
            raise DesignError("this report has no layout file to draw")
        box = None
        if zoom and self.violations:
            x1, y1, x2, y2 = self.violations[0].box
            box = (x1 - 1.5, y1 - 1.5, x2 + 1.5, y2 + 1.5)
        return render(self.gds, out, box=box, width=width, markers=[v.box for v in self.violations], **kwargs)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.summary())


def _edge_pair_violations(pairs: Any, rule: Rule, layout: Any) -> list[Violation]:
    out = []
    for ep in pairs.each():
        box = ep.bbox().to_dtype(layout.dbu)
        out.append(
            Violation(
                rule.name,
                rule.layer,
                (box.left, box.bottom, box.right, box.top),
                round(ep.distance() * layout.dbu, 4),
                rule.description,
            )
        )
    return out


def _polygon_violations(region: Any, rule: Rule, layout: Any, value: Any = None) -> list[Violation]:
    out = []
    for poly in region.each():
        box = poly.bbox().to_dtype(layout.dbu)
        measured = value(poly) if value else None
        out.append(
            Violation(
                rule.name,
                rule.inner or rule.layer,
                (box.left, box.bottom, box.right, box.top),
                measured,
                rule.description,
            )
        )
    return out


def _check(rule: Rule, layout: Any, top: Any, regions: dict[str, Any]) -> list[Violation]:
    import klayout.db as db  # noqa: PLC0415

    def reg(name: str) -> Any:
        if name not in regions:
            regions[name] = _region(layout, top, name)
        return regions[name]

    d = round(rule.value / layout.dbu)
    if rule.kind == "grid":
        found: list[Violation] = []
        for name in _GRID_LAYERS:
            layer, datatype = LAYERS[name]
            index = layout.find_layer(layer, datatype)
            if index is None:
                continue
            raw = db.Region(top.begin_shapes_rec(index))
            raw.merged_semantics = False
            sub = Rule(rule.name, rule.kind, name, rule.value, rule.description, rule.source)
            found += _edge_pair_violations(raw.grid_check(d, d), sub, layout)
        return found
    region = reg(rule.layer)
    if rule.kind == "width":
        return _edge_pair_violations(region.width_check(d), rule, layout)
    if rule.kind == "space":
        return _edge_pair_violations(region.space_check(d), rule, layout)
    if rule.kind == "area":
        small = region.with_area(0, round(rule.value / layout.dbu**2), False)
        return _polygon_violations(small, rule, layout, lambda p: round(p.area() * layout.dbu**2, 5))
    if rule.kind == "size":
        bad = [
            p
            for p in region.each_merged()
            if not (p.is_box() and p.bbox().width() == d and p.bbox().height() == d)
        ]
        return _polygon_violations(
            db.Region(bad),
            rule,
            layout,
            lambda p: round(max(p.bbox().width(), p.bbox().height()) * layout.dbu, 4),
        )
    inner = reg(rule.inner or "")
    if rule.kind == "enclosure":
        uncovered = inner - region
        found = _polygon_violations(uncovered, rule, layout)
        if d > 0:
            pairs = region.enclosing_check(inner, d)
            found += _edge_pair_violations(pairs, rule, layout)
        return found
    if rule.kind == "enclosure_adjacent":
        # each cut grown by (d, d2) or by (d2, d) must lie inside the metal: the larger enclosure on one
        # pair of opposite sides, the smaller one on the other pair
        d2 = round(rule.value2 / layout.dbu)
        cuts = inner.dup()
        cuts.merged_semantics = False
        passed: set[tuple[int, int]] = set()
        for ex, ey in ((d, d2), (d2, d)):
            grown = cuts.sized(ex, ey, 2)
            grown.merged_semantics = False
            for poly in grown.inside(region).each():
                passed.add((poly.bbox().center().x, poly.bbox().center().y))
        bad = [c for c in inner.each_merged() if (c.bbox().center().x, c.bbox().center().y) not in passed]
        return _polygon_violations(db.Region(bad), rule, layout)
    raise DesignError(f"unknown rule kind {rule.kind!r} in rule {rule.name}")


def drc(gds: Any, rules: Iterable[Rule | str] | None = None) -> DRCReport:
    """Check a layout (GDS path or klayout.db.Layout) against :data:`RULES` (or some of them, by name)."""
    t0 = time.perf_counter()
    layout = _load(gds)
    top = _top(layout)
    by_name = {r.name: r for r in RULES}
    chosen: list[Rule] = []
    for r in rules if rules is not None else RULES:
        if isinstance(r, str):
            if r not in by_name:
                raise DesignError(f"unknown rule {r!r}", hint=f"rules: {', '.join(by_name)}")
            r = by_name[r]
        chosen.append(r)
    regions: dict[str, Any] = {}
    violations: list[Violation] = []
    for rule in chosen:
        violations += _check(rule, layout, top, regions)
    path = None if not isinstance(gds, (str, os.PathLike)) else Path(gds)
    return DRCReport(violations, chosen, top.name, path, time.perf_counter() - t0)


def rule_table() -> str:
    """The rule deck as a Markdown table (name, what, value, source)."""
    lines = ["| rule | checks | value | source |", "|---|---|---|---|"]
    for r in RULES:
        unit = "um^2" if r.kind == "area" else "um"
        lines.append(f"| {r.name} | {r.description} | {r.value:g} {unit} | {r.source} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Connectivity (layout nets vs. netlist nets)
# ---------------------------------------------------------------------------------------------------------

_POWER_PINS = ("VPWR", "VGND")


@dataclass
class Open:
    """A netlist net whose pins are not all joined in the layout: ``groups`` lists the pieces."""

    net: str
    groups: list[list[str]]

    def __str__(self) -> str:
        pieces = " | ".join(", ".join(g) for g in self.groups)
        return f"open: net {self.net} is in {len(self.groups)} pieces: {pieces}"


@dataclass
class Short:
    """Several nets joined into one piece of metal; ``pins`` names a pin of each."""

    nets: list[str]
    pins: dict[str, list[str]]

    def __str__(self) -> str:
        return (
            "short: nets "
            + ", ".join(self.nets)
            + " are connected ("
            + "; ".join(f"{n}: {', '.join(p[:3])}" for n, p in self.pins.items())
            + ")"
        )


@dataclass
class ConnectivityReport:
    """The result of :func:`check_connectivity`."""

    opens: list[Open]
    shorts: list[Short]
    missing: list[str] = field(default_factory=list)
    unchecked_ports: list[str] = field(default_factory=list)
    nets_checked: int = 0
    time_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.opens and not self.shorts and not self.missing

    def summary(self) -> str:
        if self.ok:
            text = f"connectivity: {self.nets_checked} nets match the netlist (no opens, no shorts)"
        else:
            lines = [
                f"connectivity: {len(self.opens)} open(s), {len(self.shorts)} short(s), "
                f"{len(self.missing)} pin(s) not found in the layout"
            ]
            lines += [f"  {o}" for o in self.opens] + [f"  {s}" for s in self.shorts]
            lines += [f"  missing: {m}" for m in self.missing]
            text = "\n".join(lines)
        if self.unchecked_ports:
            text += f"\n  (top-level ports without a label in the layout, not checked: {', '.join(self.unchecked_ports)})"
        return text

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(self.summary())


def _clean_name(name: str) -> str:
    return name.replace("\\", "")


@functools.cache
def _cell_labels(gds_path: str) -> dict[str, list[tuple[str, float, float]]]:
    """Pin name -> [(layer name, x, y)] of the labels in a cell GDS."""
    import klayout.db as db  # noqa: PLC0415

    layout = db.Layout()
    layout.read(gds_path)
    return _labels_of(layout, _top(layout), recursive=True)


def _labels_of(layout: Any, cell: Any, recursive: bool) -> dict[str, list[tuple[str, float, float]]]:
    labels: dict[str, list[tuple[str, float, float]]] = {}
    for metal, _ in STACK:
        layer, _dt = LAYERS[metal]
        index = layout.find_layer(layer, 5)
        if index is None:
            continue
        it = cell.begin_shapes_rec(index) if recursive else None
        if it is not None:
            while not it.at_end():
                shape = it.shape()
                if shape.is_text():
                    text = shape.text.transformed(it.trans())
                    labels.setdefault(text.string, []).append(
                        (metal, text.x * layout.dbu, text.y * layout.dbu)
                    )
                it.next()
        else:
            for shape in cell.shapes(index).each():
                if shape.is_text():
                    labels.setdefault(shape.text.string, []).append(
                        (metal, shape.text.x * layout.dbu, shape.text.y * layout.dbu)
                    )
    return labels


def check_connectivity(
    gds: Any,
    netlist: Any,
    top: str | None = None,
    check_power: bool = True,
) -> ConnectivityReport:
    """Compare the nets of a layout with the nets of a netlist.

    ``gds`` is a GDS path or klayout.db.Layout made by :func:`def_to_gds` (cell instances carry their names
    in GDS property 61); ``netlist`` a Yosys JSON netlist (dict, path or ``SynthResult``). Nets are extracted
    through li1 - mcon - met1 - via - met2 - via2 - met3 - via3 - met4 - via4 - met5; each cell pin is found
    at its label in the cell's own layout, each top-level port at its label (DEF PINS). Every netlist net
    must be one connected piece (else an *open*) and no piece may touch pins of two nets (a *short*; the
    cells' VPWR/VGND count as nets too when ``check_power``, and a cell pin the netlist leaves unconnected
    counts as a net of its own).
    """
    import klayout.db as db  # noqa: PLC0415

    from chiplab.synth import netlist_nets  # noqa: PLC0415

    t0 = time.perf_counter()
    layout = _load(gds)
    top_cell = _top(layout)
    if isinstance(netlist, (str, os.PathLike)):
        netlist = json.loads(Path(netlist).read_text())
    nets = netlist_nets(netlist, top)

    # terminals: (instance, pin) -> label points, from each instance's cell layout
    instances: dict[str, tuple[Any, str]] = {}
    for inst in top_cell.each_inst():
        name = inst.property(INSTANCE_PROPERTY)
        if name is not None:
            instances[_clean_name(str(name))] = (inst.dcplx_trans, inst.cell.name)
    if not instances and top_cell.child_instances():
        raise DesignError(
            "the layout's cell instances carry no names",
            hint="make the GDS with chiplab.layout.def_to_gds, which keeps the DEF instance names",
        )
    port_labels = _labels_of(layout, top_cell, recursive=False)

    flat = layout.dup()
    ftop = _top(flat)
    ftop.flatten(-1, True)
    l2n = db.LayoutToNetlist(db.RecursiveShapeIterator(flat, ftop, []))
    regions: dict[str, Any] = {}
    for metal, cut in STACK:
        for name in (metal, cut):
            if name and name not in regions:
                regions[name] = l2n.make_layer(flat.layer(*LAYERS[name]), name)
    previous = None
    for metal, cut in STACK:
        l2n.connect(regions[metal])
        if previous is not None:
            l2n.connect(regions[previous], regions[metal])
        if cut:
            l2n.connect(regions[cut])
            l2n.connect(regions[metal], regions[cut])
            previous = cut
    l2n.extract_netlist()

    def probe(metal: str, x: float, y: float) -> int | None:
        net = l2n.probe_net(regions[metal], db.DPoint(x, y))
        return None if net is None else net.cluster_id

    missing: list[str] = []
    unchecked: list[str] = []
    pieces_of: dict[str, dict[int, list[str]]] = {}
    cluster_nets: dict[int, dict[str, list[str]]] = {}

    def add(net: str, pin_label: str, points: list[tuple[str, float, float]]) -> None:
        ids = {probe(m, x, y) for m, x, y in points}
        ids.discard(None)
        if not ids:
            missing.append(f"{pin_label} (net {net})")
            return
        cid = min(ids)  # labels of one pin sit on one shape
        pieces_of.setdefault(net, {}).setdefault(cid, []).append(pin_label)
        cluster_nets.setdefault(cid, {}).setdefault(net, []).append(pin_label)

    for net, terms in nets.items():
        for inst, pin in terms:
            if inst == "PIN":
                pts = port_labels.get(pin)
                if pts:
                    add(net, pin, pts)
                else:
                    unchecked.append(pin)
                continue
            key = _clean_name(inst)
            if key not in instances:
                missing.append(f"{inst}/{pin} (instance {inst} is not in the layout)")
                continue
            trans, cell_name = instances[key]
            labels = (
                _cell_labels(str(pdk.cell_file(cell_name, "gds")))
                if cell_name.startswith(pdk.LIBRARY)
                else {}
            )
            pts = [(m, *_apply(trans, x, y)) for m, x, y in labels.get(pin, [])]
            if not pts:
                missing.append(f"{inst}/{pin} (no label for pin {pin} in {cell_name})")
                continue
            add(net, f"{inst}/{pin}", pts)
    # pins the netlist leaves unconnected must touch no net, and (check_power) the supply pins are nets too
    used = {(_clean_name(i), p) for terms in nets.values() for i, p in terms if i != "PIN"}
    for inst, (trans, cell_name) in instances.items():
        if not cell_name.startswith(pdk.LIBRARY):
            continue
        labels = _cell_labels(str(pdk.cell_file(cell_name, "gds")))
        for pin, points in labels.items():
            if pin in _POWER_PINS:
                if not check_power:
                    continue
                key = pin
            elif pin in ("VPB", "VNB") or (inst, pin) in used:
                continue
            else:
                key = f"unconnected {inst}/{pin}"
            ids = {probe(m, *_apply(trans, x, y)) for m, x, y in points} - {None}
            for cid in ids:
                if key in _POWER_PINS or cid in cluster_nets:
                    cluster_nets.setdefault(cid, {}).setdefault(key, []).append(f"{inst}/{pin}")

    opens = [Open(net, list(groups.values())) for net, groups in pieces_of.items() if len(groups) > 1]
    shorts = []
    seen: set[tuple[str, ...]] = set()
    for joined in cluster_nets.values():
        names = tuple(sorted(joined))
        if len(names) > 1 and names not in seen:
            seen.add(names)
            shorts.append(Short(list(names), {n: joined[n] for n in names}))
    return ConnectivityReport(
        opens, shorts, missing, sorted(set(unchecked)), len(pieces_of), time.perf_counter() - t0
    )


def _apply(trans: Any, x: float, y: float) -> tuple[float, float]:
    import klayout.db as db  # noqa: PLC0415

    p = trans * db.DPoint(x, y)
    return p.x, p.y
