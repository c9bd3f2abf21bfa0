"""Liberty files: the data model of a characterized cell, a writer and a reader.

The writer emits what synthesis (Yosys ``dfflibmap``/``abc``) and timing (:mod:`chiplab.timing`,
OpenSTA) read: library units and operating conditions, NLDM delay templates, and per cell its area,
pins with direction, capacitance and function, ``ff``/``latch`` groups, and ``timing`` groups with
``cell_rise``/``cell_fall``/``rise_transition``/``fall_transition`` (or ``rise_constraint``/
``fall_constraint``) tables. Units: time in ns, capacitance in pF, area in um^2, leakage in nW.

The reader (:func:`read_liberty`) parses any Liberty text into nested :class:`Group` objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chiplab import pdk
from chiplab.errors import ChipLabError

# gate capacitance per gate area, used only for a first estimate before characterization (F/um^2 * 1e-15)
GATE_CAP_FF_PER_UM2 = 9.0


@dataclass
class Table:
    """An NLDM table: ``values[i, j]`` (ns) at input slew ``index_1[i]`` (ns) and load ``index_2[j]`` (pF)."""

    index_1: np.ndarray
    index_2: np.ndarray
    values: np.ndarray

    def lookup(self, x: float, y: float) -> float:
        """Bilinear interpolation (and linear extrapolation outside the table)."""
        return bilinear(self.index_1, self.index_2, self.values, x, y)


def _segment(axis: np.ndarray, x: float) -> tuple[int, float]:
    if len(axis) == 1:
        return 0, 0.0
    i = int(np.clip(np.searchsorted(axis, x) - 1, 0, len(axis) - 2))
    t = (x - axis[i]) / (axis[i + 1] - axis[i])
    return i, float(t)


def bilinear(ix: np.ndarray, iy: np.ndarray, values: np.ndarray, x: float, y: float) -> float:
    """Bilinear interpolation in a table, linear extrapolation beyond its edges."""
    values = np.atleast_2d(values)
    if len(ix) == 1 and len(iy) == 1:
        return float(values[0, 0])
    if len(ix) == 1:
        j, u = _segment(iy, y)
        return float(values[0, j] * (1 - u) + values[0, j + 1] * u)
    if len(iy) == 1:
        i, t = _segment(ix, x)
        return float(values[i, 0] * (1 - t) + values[i + 1, 0] * t)
    i, t = _segment(ix, x)
    j, u = _segment(iy, y)
    v00, v01 = values[i, j], values[i, j + 1]
    v10, v11 = values[i + 1, j], values[i + 1, j + 1]
    return float(v00 * (1 - t) * (1 - u) + v01 * (1 - t) * u + v10 * t * (1 - u) + v11 * t * u)


@dataclass
class Arc:
    """One timing arc of a cell: from ``related_pin`` to ``pin``."""

    pin: str
    related_pin: str
    timing_type: str = "combinational"  # rising_edge, falling_edge, setup_rising, hold_rising, ...
    timing_sense: str | None = None  # positive_unate, negative_unate, non_unate (None for constraints)
    cell_rise: Table | None = None
    cell_fall: Table | None = None
    rise_transition: Table | None = None
    fall_transition: Table | None = None
    rise_constraint: Table | None = None
    fall_constraint: Table | None = None


@dataclass
class CellData:
    """Everything the Liberty holds for one cell."""

    info: pdk.CellInfo
    pin_caps: dict[str, float] = field(default_factory=dict)  # pF
    arcs: list[Arc] = field(default_factory=list)
    leakage_nw: float | None = None
    dont_use: bool = False


def estimated_pin_caps(cell: str) -> dict[str, float]:
    """Input capacitances (pF) estimated from the LEF gate areas (before characterization)."""
    text = pdk.cell_file(cell, "lef").read_text()
    caps = {}
    for name, area in re.findall(r"PIN (\w+)\s+ANTENNAGATEAREA\s+([\d.]+)", text):
        caps[name] = round(float(area) * GATE_CAP_FF_PER_UM2 * 1e-3, 6)
    return caps


# ---------------------------------------------------------------------------------------------------------
# writer
# ---------------------------------------------------------------------------------------------------------


def _fmt(values: np.ndarray) -> str:
    return ", ".join(f"{v:.6g}" for v in values)


def _table_text(kind: str, template: str, table: Table, indent: str) -> list[str]:
    rows = ", \\\n".join(f'{indent}    "{_fmt(row)}"' for row in np.atleast_2d(table.values))
    return [
        f"{indent}{kind} ({template}) {{",
        f'{indent}  index_1 ("{_fmt(table.index_1)}");',
        f'{indent}  index_2 ("{_fmt(table.index_2)}");',
        f"{indent}  values ( \\\n{rows});",
        f"{indent}}}",
    ]


def _template_name(table: Table, constraint: bool) -> str:
    prefix = "constraint" if constraint else "delay"
    return f"{prefix}_{len(table.index_1)}x{len(table.index_2)}"


def _templates(cells: list[CellData]) -> dict[str, tuple[str, Table]]:
    found: dict[str, tuple[str, Table]] = {}
    for cell in cells:
        for arc in cell.arcs:
            for attr in ("cell_rise", "rise_constraint"):
                table = getattr(arc, attr)
                if table is not None:
                    name = _template_name(table, attr.endswith("constraint"))
                    found.setdefault(name, (attr, table))
    return found


def write_liberty(
    cells: list[CellData],
    path: str | Path,
    *,
    name: str = "sky130_chiplab__tt_025C_1v80",
    corner: str = "tt",
    temperature: float = 25.0,
    voltage: float = 1.8,
    header: str = "",
    thresholds: tuple[float, float, float] = (50.0, 20.0, 80.0),
) -> Path:
    """Write a Liberty library for ``cells``; ``header`` goes into the file's opening comment."""
    delay_pct, slew_lo, slew_hi = thresholds
    lines = ["/*"] + [f" * {h}".rstrip() for h in header.splitlines()] + [" */", f"library ({name}) {{"]
    temp = f"{abs(temperature):03.0f}" if temperature >= 0 else f"n{abs(temperature):02.0f}"
    cond = f"{corner}_{temp}C_{voltage:.2f}".replace(".", "v")
    lines += [
        '  technology ("cmos");',
        "  delay_model : table_lookup;",
        '  time_unit : "1ns";',
        '  voltage_unit : "1V";',
        '  current_unit : "1mA";',
        '  pulling_resistance_unit : "1kohm";',
        '  leakage_power_unit : "1nW";',
        "  capacitive_load_unit (1, pf);",
        "  nom_process : 1.0;",
        f"  nom_temperature : {temperature:g};",
        f"  nom_voltage : {voltage:g};",
        f"  voltage_map (VPWR, {voltage:g});",
        f"  voltage_map (VPB, {voltage:g});",
        "  voltage_map (VGND, 0.0);",
        "  voltage_map (VNB, 0.0);",
        f"  operating_conditions ({cond}) {{",
        "    process : 1.0;",
        f"    temperature : {temperature:g};",
        f"    voltage : {voltage:g};",
        "  }",
        f"  default_operating_conditions : {cond};",
    ]
    for edge in ("rise", "fall"):
        lines += [
            f"  input_threshold_pct_{edge} : {delay_pct:g};",
            f"  output_threshold_pct_{edge} : {delay_pct:g};",
            f"  slew_lower_threshold_pct_{edge} : {slew_lo:g};",
            f"  slew_upper_threshold_pct_{edge} : {slew_hi:g};",
        ]
    lines += [
        "  slew_derate_from_library : 1.0;",
        "  default_cell_leakage_power : 0.0;",
        "  default_fanout_load : 1.0;",
        "  default_input_pin_cap : 0.002;",
        "  default_inout_pin_cap : 0.002;",
        "  default_output_pin_cap : 0.0;",
        "  default_max_transition : 1.5;",
        "  default_leakage_power_density : 0.0;",
    ]
    for tname, (attr, table) in sorted(_templates(cells).items()):
        constraint = attr.endswith("constraint")
        var1 = "related_pin_transition" if constraint else "input_net_transition"
        var2 = "constrained_pin_transition" if constraint else "total_output_net_capacitance"
        lines += [
            f"  lu_table_template ({tname}) {{",
            f"    variable_1 : {var1};",
            f"    variable_2 : {var2};",
            f'    index_1 ("{_fmt(table.index_1)}");',
            f'    index_2 ("{_fmt(table.index_2)}");',
            "  }",
        ]
    for cell in cells:
        lines += _cell_text(cell)
    lines.append("}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)  # atomic: readers never see half a library
    return path


def _cell_text(cell: CellData) -> list[str]:
    info = cell.info
    out = [f"  cell ({info.full_name}) {{", f"    area : {info.area_um2:.4f};"]
    if cell.dont_use or info.kind == "physical":
        out.append("    dont_use : true;")
    if info.kind == "physical":
        out.append("    dont_touch : true;")
    if info.kind == "physical":
        out.append("    is_physical_only : true;" if "fill" in info.name else "    is_physical_only : false;")
    if cell.leakage_nw is not None:
        out.append(f"    cell_leakage_power : {cell.leakage_nw:.6g};")
    for pin, kind in info.pins.items():
        if kind in ("power", "ground"):
            pg = "primary_power" if kind == "power" else "primary_ground"
            if pin in ("VPB", "VNB"):
                pg = "nwell" if kind == "power" else "pwell"
            out += [f"    pg_pin ({pin}) {{", f"      voltage_name : {pin};", f"      pg_type : {pg};", "    }"]
    if info.kind in ("flipflop", "latch"):
        st = info.state
        if info.kind == "flipflop":
            out += ["    ff (IQ, IQN) {", f'      clocked_on : "{st["clocked_on"]}";',
                    f'      next_state : "{st["next_state"]}";']
        else:
            out += ["    latch (IQ, IQN) {", f'      enable : "{st["enable"]}";', f'      data_in : "{st["data_in"]}";']
        for key in ("clear", "preset"):
            if key in st:
                out.append(f'      {key} : "{st[key]}";')
        if "clear" in st and "preset" in st:
            out += ['      clear_preset_var1 : L;', '      clear_preset_var2 : H;']
        out.append("    }")
    for pin, kind in info.pins.items():
        if kind in ("power", "ground"):
            continue
        out.append(f"    pin ({pin}) {{")
        out.append(f"      direction : {kind};")
        out.append("      related_power_pin : VPWR;")
        out.append("      related_ground_pin : VGND;")
        if kind == "input":
            cap = cell.pin_caps.get(pin)
            if cap is not None:
                out.append(f"      capacitance : {cap:.6g};")
            if pin == info.clock_pin and info.kind == "flipflop":
                out.append("      clock : true;")
        if kind == "output":
            if pin in info.function:
                out.append(f'      function : "{info.function[pin]}";')
            if pin in info.three_state:
                out.append(f'      three_state : "{info.three_state[pin]}";')
            out.append("      max_transition : 1.5;")
        for arc in cell.arcs:
            if arc.pin == pin:
                out += _arc_text(arc)
        out.append("    }")
    out.append("  }")
    return out


def _arc_text(arc: Arc) -> list[str]:
    ind = "        "
    out = ["      timing () {", f'        related_pin : "{arc.related_pin}";', f"        timing_type : {arc.timing_type};"]
    if arc.timing_sense:
        out.append(f"        timing_sense : {arc.timing_sense};")
    for attr in ("cell_rise", "rise_transition", "cell_fall", "fall_transition", "rise_constraint",
                 "fall_constraint"):
        table = getattr(arc, attr)
        if table is not None:
            out += _table_text(attr, _template_name(table, attr.endswith("constraint")), table, ind)
    out.append("      }")
    return out


# ---------------------------------------------------------------------------------------------------------
# reader
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Group:
    """A Liberty group: ``kind (args) { attributes; subgroups }``."""

    kind: str
    args: list[str]
    attrs: dict[str, str] = field(default_factory=dict)
    complex_attrs: dict[str, list[list[str]]] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.args[0] if self.args else ""

    def find(self, kind: str, name: str | None = None) -> list[Group]:
        return [g for g in self.groups if g.kind == kind and (name is None or g.name == name)]

    def get(self, kind: str, name: str | None = None) -> Group | None:
        found = self.find(kind, name)
        return found[0] if found else None


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}();:,]|[^\s{}();:,"]+')


def parse_liberty_text(text: str) -> Group:
    """Parse Liberty text into the top ``library`` group."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = text.replace("\\\n", " ")
    tokens = _TOKEN.findall(text)
    pos = 0

    def unquote(tok: str) -> str:
        return tok[1:-1] if tok.startswith('"') else tok

    def parse_group_body(group: Group) -> None:
        nonlocal pos
        while pos < len(tokens):
            tok = tokens[pos]
            if tok == "}":
                pos += 1
                return
            if tok == ";":
                pos += 1
                continue
            name = tok
            pos += 1
            if pos < len(tokens) and tokens[pos] == ":":
                pos += 1
                value = []
                while tokens[pos] not in (";", "}"):
                    value.append(unquote(tokens[pos]))
                    pos += 1
                group.attrs[name] = " ".join(value)
                if pos < len(tokens) and tokens[pos] == ";":
                    pos += 1
            elif pos < len(tokens) and tokens[pos] == "(":
                pos += 1
                args: list[str] = []
                while tokens[pos] != ")":
                    if tokens[pos] != ",":
                        args.append(unquote(tokens[pos]))
                    pos += 1
                pos += 1
                if pos < len(tokens) and tokens[pos] == "{":
                    pos += 1
                    sub = Group(name, args)
                    group.groups.append(sub)
                    parse_group_body(sub)
                else:
                    group.complex_attrs.setdefault(name, []).append(args)
                    if pos < len(tokens) and tokens[pos] == ";":
                        pos += 1
            else:
                raise ChipLabError(f"Liberty syntax error near {' '.join(tokens[pos - 3 : pos + 3])!r}")

    root = Group("root", [])
    try:
        parse_group_body(root)
    except IndexError as exc:
        raise ChipLabError("Liberty text ends early (a missing '}' or ';')") from exc
    lib = root.get("library")
    if lib is None:
        raise ChipLabError("no 'library (...) { }' group in the Liberty text")
    return lib


def read_liberty(path: str | Path) -> Group:
    """Parse a Liberty file into its ``library`` group."""
    return parse_liberty_text(Path(path).read_text())


def table_from_group(group: Group) -> Table:
    """The :class:`Table` of a ``cell_rise (...) { index_1; index_2; values }`` group."""

    def numbers(key: str) -> np.ndarray:
        rows = group.complex_attrs[key][0]
        return np.array([[float(v) for v in row.replace(",", " ").split()] for row in rows])

    values = numbers("values")
    idx1 = numbers("index_1").ravel() if "index_1" in group.complex_attrs else np.zeros(1)
    idx2 = numbers("index_2").ravel() if "index_2" in group.complex_attrs else np.zeros(1)
    return Table(idx1, idx2, values.reshape(len(idx1), len(idx2)))
