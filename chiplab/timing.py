"""Static timing analysis of a mapped gate-level netlist with NLDM Liberty tables.

Input: a Yosys JSON netlist (``write_json`` after mapping onto the sky130 cells of a Liberty), the
Liberty (ChipLab's characterized one by default), optional wire capacitances per net, and a clock
period. The clock is ideal (arrives at every flip-flop at time 0 with ``clock_slew``); rising and
falling transitions are propagated separately; delays and output transitions come from the cells'
``cell_rise``/``cell_fall``/``*_transition`` tables by bilinear interpolation (linear extrapolation
outside them) at the input transition and the net's load (pin capacitances + wire + port load).

Checks: flip-flop D pins against the clock edge one period later minus the setup time (from the
Liberty ``setup_rising`` tables), and output ports against ``period - output_delay``.

>>> report = analyze("counter.json", period_ns=5.0)   # doctest: +SKIP
>>> print(report.text())                               # doctest: +SKIP
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chiplab import pdk
from chiplab.errors import DesignError
from chiplab.liberty import Group, Table, read_liberty, table_from_group

EDGES = ("rise", "fall")
_FLIP = {"rise": "fall", "fall": "rise"}


# ---------------------------------------------------------------------------------------------------------
# wires
# ---------------------------------------------------------------------------------------------------------


@functools.cache
def wire_cap_per_um(layer: str = "met1") -> float:
    """Capacitance of a minimum-width wire on ``layer`` in fF per um, from the sky130 technology LEF.

    ``CPERSQDIST * WIDTH + 2 * EDGECAPACITANCE``: area plus fringe capacitance to the substrate,
    without coupling to neighbouring wires. met1: about 0.085 fF/um; li1: 0.088; met2: 0.078.
    """
    text = pdk.tech_lef().read_text()
    m = re.search(rf"^LAYER {re.escape(layer)}\s*$(.*?)^END {re.escape(layer)}\s*$", text, re.S | re.M)
    if not m:
        raise DesignError(f"no routing layer {layer!r} in the sky130 technology LEF",
                          hint="use li1, met1, met2, met3, met4 or met5")
    body = m.group(1)

    def number(pattern: str) -> float:
        found = re.search(pattern, body, re.M)
        if not found:
            raise DesignError(f"layer {layer} has no capacitance data in the technology LEF")
        return float(found.group(1))

    width = number(r"^\s*WIDTH\s+([\d.]+)\s*;")
    area = number(r"CPERSQDIST\s+([\d.eE+-]+)")  # pF/um^2
    edge = number(r"EDGECAPACITANCE\s+([\d.eE+-]+)")  # pF/um
    return (area * width + 2 * edge) * 1000.0


def wire_cap_from_length(length_um: float, layer: str = "met1") -> float:
    """Wire capacitance in fF of a routed length (um) on a layer (see :func:`wire_cap_per_um`)."""
    return float(length_um) * wire_cap_per_um(layer)


# ---------------------------------------------------------------------------------------------------------
# the library
# ---------------------------------------------------------------------------------------------------------


@dataclass
class PinTiming:
    related_pin: str
    timing_type: str
    timing_sense: str | None
    tables: dict[str, Table]


@dataclass
class LibCell:
    name: str
    area: float
    pins: dict[str, str]  # pin -> direction
    caps: dict[str, float]  # input pin -> pF
    timing: dict[str, list[PinTiming]]  # pin -> arcs ending at it
    clock_pin: str | None = None
    is_sequential: bool = False


@dataclass
class Library:
    name: str
    cells: dict[str, LibCell]
    path: str = ""

    def cell(self, name: str) -> LibCell:
        if name not in self.cells:
            raise DesignError(
                f"cell type {name!r} is not in the Liberty {self.name}",
                hint="synthesize with this Liberty (dfflibmap/abc -liberty) so every cell has timing data",
            )
        return self.cells[name]


def _library_from_group(lib: Group, path: str = "") -> Library:
    cells = {}
    for cg in lib.find("cell"):
        pins, caps, timing = {}, {}, {}
        clock = None
        for pg in cg.find("pin"):
            pins[pg.name] = pg.attrs.get("direction", "input")
            if "capacitance" in pg.attrs:
                caps[pg.name] = float(pg.attrs["capacitance"])
            if pg.attrs.get("clock") == "true":
                clock = pg.name
            arcs = []
            for tg in pg.find("timing"):
                tables = {sub.kind: table_from_group(sub) for sub in tg.groups}
                arcs.append(PinTiming(tg.attrs.get("related_pin", ""), tg.attrs.get("timing_type", "combinational"),
                                      tg.attrs.get("timing_sense"), tables))
            timing[pg.name] = arcs
        cells[cg.name] = LibCell(cg.name, float(cg.attrs.get("area", 0)), pins, caps, timing, clock,
                                 bool(cg.find("ff") or cg.find("latch")))
    return Library(lib.name, cells, path)


@functools.cache
def _load_library_cached(path: str, mtime: float) -> Library:
    return _library_from_group(read_liberty(path), path)


def load_library(liberty: str | Path | Library | None = None) -> Library:
    """Read a Liberty file for timing (cached by path and modification time); None = ChipLab's own."""
    if isinstance(liberty, Library):
        return liberty
    if liberty is None:
        from chiplab.charlib import default_liberty  # noqa: PLC0415

        liberty = default_liberty()
    path = Path(liberty)
    if not path.exists():
        raise DesignError(f"no Liberty file {path}")
    return _load_library_cached(str(path.resolve()), path.stat().st_mtime)


# ---------------------------------------------------------------------------------------------------------
# the netlist
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Instance:
    name: str
    cell: str
    connections: dict[str, int | str]  # pin -> bit id (or a constant '0'/'1'/'x')


@dataclass
class Netlist:
    top: str
    inputs: dict[str, list]  # port -> bits
    outputs: dict[str, list]
    instances: list[Instance]
    net_names: dict[int, str]

    def bit_name(self, bit: int | str) -> str:
        return self.net_names.get(bit, f"n{bit}") if isinstance(bit, int) else f"const{bit}"


def load_netlist(source: str | Path | dict, top: str | None = None) -> Netlist:
    """Read a Yosys JSON netlist (a path, JSON text or the parsed dict); single-bit cell pins expected."""
    if isinstance(source, dict):
        data = source
    else:
        text = str(source)
        data = json.loads(text if text.lstrip().startswith("{") else Path(text).read_text())
    modules = data.get("modules", {})
    if not modules:
        raise DesignError("the JSON netlist has no modules", hint="write it with Yosys `write_json` after synthesis")
    if top is None:
        tops = [n for n, m in modules.items() if str(m.get("attributes", {}).get("top", "0")).strip("0") != ""]
        top = tops[0] if tops else next(iter(modules))
    if top not in modules:
        raise DesignError(f"no module {top!r} in the netlist", hint=f"modules: {', '.join(modules)}")
    mod = modules[top]
    inputs, outputs = {}, {}
    for name, port in mod.get("ports", {}).items():
        (inputs if port["direction"] == "input" else outputs)[name] = port["bits"]
    names: dict[int, str] = {}
    for name, net in sorted(mod.get("netnames", {}).items(), key=lambda kv: (kv[1].get("hide_name", 0), kv[0])):
        bits = net["bits"]
        for k, bit in enumerate(bits):
            if isinstance(bit, int) and bit not in names:
                names[bit] = name if len(bits) == 1 else f"{name}[{k}]"
    instances = []
    for name, cell in mod.get("cells", {}).items():
        conns = {}
        for pin, bits in cell["connections"].items():
            if len(bits) != 1:
                raise DesignError(f"cell {name} ({cell['type']}) pin {pin} has {len(bits)} bits",
                                  hint="map the design onto standard cells before timing it")
            conns[pin] = bits[0]
        instances.append(Instance(name, cell["type"], conns))
    return Netlist(top, inputs, outputs, instances, names)


# ---------------------------------------------------------------------------------------------------------
# the analysis
# ---------------------------------------------------------------------------------------------------------


@dataclass
class PathPoint:
    """One step of a timing path: the pin reached, through which instance, with what delay."""

    point: str  # "inst/PIN" or a port name
    instance: str
    cell: str
    pin: str
    edge: str
    incr: float  # ns
    arrival: float  # ns
    slew: float  # ns
    load_ff: float
    net: str


@dataclass
class Endpoint:
    name: str
    kind: str  # 'setup' (flip-flop D) or 'output'
    edge: str
    arrival: float
    required: float
    slack: float


@dataclass
class TimingReport:
    design: str
    period: float
    endpoints: list[Endpoint]
    critical_path: list[PathPoint]
    wns: float
    tns: float
    liberty: str = ""
    notes: list[str] = field(default_factory=list)
    #: hold checks at flip-flop D pins (earliest arrival minus the hold time; clock ideal)
    hold_checks: list[Endpoint] = field(default_factory=list)

    @property
    def whs(self) -> float:
        """Worst hold slack (ns); +inf when there is no hold check."""
        return min((e.slack for e in self.hold_checks), default=float("inf"))

    @property
    def min_period(self) -> float:
        return self.period - self.wns

    @property
    def fmax_mhz(self) -> float:
        return 1000.0 / self.min_period if self.min_period > 0 else float("inf")

    @property
    def met(self) -> bool:
        return self.wns >= 0

    def as_dict(self) -> dict:
        return {
            "design": self.design, "period_ns": self.period, "wns_ns": self.wns, "tns_ns": self.tns,
            "min_period_ns": self.min_period, "fmax_mhz": self.fmax_mhz, "met": self.met, "whs_ns": self.whs,
            "hold_checks": [vars(e).copy() for e in self.hold_checks],
            "endpoints": [vars(e).copy() for e in self.endpoints],
            "critical_path": [vars(p).copy() for p in self.critical_path],
        }

    def text(self, endpoints: int = 10) -> str:
        lines = [
            f"Timing report: {self.design}   clock period {self.period:.3f} ns   Liberty {Path(self.liberty).name}",
            f"WNS {self.wns:+.3f} ns   TNS {self.tns:+.3f} ns   min period {self.min_period:.3f} ns   "
            f"fmax {self.fmax_mhz:.1f} MHz   {'MET' if self.met else 'VIOLATED'}",
        ]
        if self.hold_checks:
            lines.append(f"Hold: worst slack {self.whs:+.3f} ns over {len(self.hold_checks)} checks "
                         f"({'MET' if self.whs >= 0 else 'VIOLATED'})")
        lines += [
            "",
            f"{'Endpoint':<30} {'Check':<7} {'Edge':<5} {'Arrival':>8} {'Required':>9} {'Slack':>8}",
        ]
        for e in sorted(self.endpoints, key=lambda e: e.slack)[:endpoints]:
            lines.append(f"{e.name:<30} {e.kind:<7} {e.edge:<5} {e.arrival:8.3f} {e.required:9.3f} {e.slack:+8.3f}")
        if len(self.endpoints) > endpoints:
            lines.append(f"... {len(self.endpoints) - endpoints} more endpoints")
        lines += ["", "Critical path (times in ns, loads in fF):",
                  f"{'Point':<28} {'Cell':<26} {'Edge':<5} {'Incr':>7} {'Arrival':>8} {'Slew':>7} {'Load':>7}"]
        for p in self.critical_path:
            cell = pdk.short_name(p.cell) if p.cell else ""
            lines.append(f"{p.point:<28} {cell:<26} {p.edge:<5} {p.incr:7.3f} {p.arrival:8.3f} {p.slew:7.3f} "
                         f"{p.load_ff:7.2f}")
        if self.critical_path:
            worst = min(self.endpoints, key=lambda e: e.slack)
            lines += [f"{'required':<28} {'':<26} {'':<5} {'':>7} {worst.required:8.3f}",
                      f"{'slack':<28} {'':<26} {'':<5} {'':>7} {worst.slack:+8.3f}"]
        lines += self.notes
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def _lookup(table: Table, slew: float, load_pf: float) -> float:
    return table.lookup(slew, load_pf)


def analyze(
    netlist: str | Path | dict | Netlist,
    liberty: str | Path | Library | None = None,
    period_ns: float = 10.0,
    wire_caps_ff: dict[str | int, float] | None = None,
    input_delay_ns: float = 0.0,
    output_delay_ns: float = 0.0,
    input_slew_ns: float = 0.05,
    clock_slew_ns: float = 0.05,
    output_load_ff: float = 5.0,
    top: str | None = None,
    clock: str | None = None,
) -> TimingReport:
    """Static timing analysis of a mapped netlist; see the module docstring for the model.

    ``wire_caps_ff`` maps net names (as in the JSON ``netnames``, ``bus[3]`` for bits) or bit ids to a
    wire capacitance in fF (e.g. from :func:`wire_cap_from_length`). ``output_load_ff`` loads every
    output port. ``clock`` names the clock port (default: whatever drives the flip-flop clock pins).
    """
    lib = load_library(liberty)
    nl = netlist if isinstance(netlist, Netlist) else load_netlist(netlist, top)
    if period_ns <= 0:
        raise DesignError("the clock period must be positive")

    # nets: driver and loads
    drivers: dict[int, tuple[str, str]] = {}  # bit -> (instance or '', pin or port)
    loads: dict[int, list[tuple[str, str]]] = {}
    inst_by_name = {i.name: i for i in nl.instances}
    for port, bits in nl.inputs.items():
        for k, bit in enumerate(bits):
            if isinstance(bit, int):
                drivers[bit] = ("", port if len(bits) == 1 else f"{port}[{k}]")
    for inst in nl.instances:
        cell = lib.cell(inst.cell)
        for pin, bit in inst.connections.items():
            if not isinstance(bit, int):
                continue
            direction = cell.pins.get(pin)
            if direction is None:
                raise DesignError(f"{inst.name}: cell {inst.cell} has no pin {pin} in the Liberty")
            if direction == "output":
                drivers[bit] = (inst.name, pin)
            else:
                loads.setdefault(bit, []).append((inst.name, pin))
    out_ports: dict[int, list[str]] = {}
    for port, bits in nl.outputs.items():
        for k, bit in enumerate(bits):
            if isinstance(bit, int):
                out_ports.setdefault(bit, []).append(port if len(bits) == 1 else f"{port}[{k}]")

    # wire caps by bit
    wire = {}
    if wire_caps_ff:
        by_name = {nl.bit_name(bit): bit for bit in set(drivers) | set(loads)}
        by_name.update({name: bit for bit, name in nl.net_names.items()})
        for key, cap in wire_caps_ff.items():
            bit = key if isinstance(key, int) else by_name.get(key)
            if bit is None and isinstance(key, str) and key.isdigit():
                bit = int(key)
            if bit is not None:
                wire[bit] = wire.get(bit, 0.0) + float(cap)

    def load_pf(bit: int) -> float:
        total = wire.get(bit, 0.0) * 1e-3 + len(out_ports.get(bit, [])) * output_load_ff * 1e-3
        for iname, pin in loads.get(bit, []):
            total += lib.cell(inst_by_name[iname].cell).caps.get(pin, 0.0)
        return total

    # clock nets: those that reach flip-flop clock pins
    clock_bits = set()
    for inst in nl.instances:
        cell = lib.cell(inst.cell)
        if cell.is_sequential and cell.clock_pin and isinstance(inst.connections.get(cell.clock_pin), int):
            clock_bits.add(inst.connections[cell.clock_pin])
    if clock is not None:
        clock_bits |= {b for b in nl.inputs.get(clock, []) if isinstance(b, int)}

    # topological order of the combinational cells (Kahn)
    comb = [i for i in nl.instances if not lib.cell(i.cell).is_sequential]
    fanin_count = {}
    users: dict[int, list[Instance]] = {}
    for inst in comb:
        cell = lib.cell(inst.cell)
        ins = [b for p, b in inst.connections.items() if isinstance(b, int) and cell.pins.get(p) != "output"
               and b in drivers and drivers[b][0] in inst_by_name
               and not lib.cell(inst_by_name[drivers[b][0]].cell).is_sequential]
        fanin_count[inst.name] = len(ins)
        for b in ins:
            users.setdefault(b, []).append(inst)
    ready = [i for i in comb if fanin_count[i.name] == 0]
    order: list[Instance] = []
    while ready:
        inst = ready.pop()
        order.append(inst)
        for pin, bit in inst.connections.items():
            if isinstance(bit, int) and lib.cell(inst.cell).pins.get(pin) == "output":
                for user in users.get(bit, []):
                    fanin_count[user.name] -= 1
                    if fanin_count[user.name] == 0:
                        ready.append(user)
    if len(order) < len(comb):
        stuck = [i.name for i in comb if fanin_count[i.name] > 0][:5]
        raise DesignError(f"the netlist has a combinational loop (through {', '.join(stuck)})",
                          hint="break the loop with a flip-flop")

    def propagate(early: bool) -> dict[tuple[int, str], tuple]:
        """arrival[(bit, edge)] = (time, slew, predecessor key, incr, instance, pin); latest or earliest."""
        arrival: dict[tuple[int, str], tuple] = {}
        for bit, (iname, pname) in drivers.items():
            if iname == "" and bit not in clock_bits:
                for edge in EDGES:
                    arrival[(bit, edge)] = (input_delay_ns, input_slew_ns, None, input_delay_ns, "", pname)
        for inst in nl.instances:
            cell = lib.cell(inst.cell)
            if not cell.is_sequential:
                continue
            for pin, arcs in cell.timing.items():
                bit = inst.connections.get(pin)
                if not isinstance(bit, int):
                    continue
                for arc in arcs:
                    if arc.timing_type not in ("rising_edge", "falling_edge"):
                        continue
                    ld = load_pf(bit)
                    for edge in EDGES:
                        delay_t, slew_t = arc.tables.get(f"cell_{edge}"), arc.tables.get(f"{edge}_transition")
                        if delay_t is None:
                            continue
                        d = _lookup(delay_t, clock_slew_ns, ld)
                        s = _lookup(slew_t, clock_slew_ns, ld) if slew_t else clock_slew_ns
                        arrival[(bit, edge)] = (d, s, None, d, inst.name, pin)
        for inst in order:
            cell = lib.cell(inst.cell)
            for pin, arcs in cell.timing.items():
                out_bit = inst.connections.get(pin)
                if not isinstance(out_bit, int):
                    continue
                ld = load_pf(out_bit)
                for edge in EDGES:
                    best = None
                    for arc in arcs:
                        if arc.timing_type not in ("combinational", ""):
                            continue
                        in_bit = inst.connections.get(arc.related_pin)
                        if not isinstance(in_bit, int):
                            continue
                        sense = arc.timing_sense or "non_unate"
                        in_edges = {"positive_unate": [edge], "negative_unate": [_FLIP[edge]]}.get(sense, list(EDGES))
                        for in_edge in in_edges:
                            src = arrival.get((in_bit, in_edge))
                            delay_t, slew_t = arc.tables.get(f"cell_{edge}"), arc.tables.get(f"{edge}_transition")
                            if src is None or delay_t is None:
                                continue
                            d = _lookup(delay_t, src[1], ld)
                            s = _lookup(slew_t, src[1], ld) if slew_t else src[1]
                            t = src[0] + d
                            if best is None or (t < best[0] if early else t > best[0]):
                                best = (t, s, (in_bit, in_edge), d, inst.name, pin)
                    if best is not None:
                        arrival[(out_bit, edge)] = best
        return arrival

    arrival = propagate(early=False)
    early_arrival = propagate(early=True)

    # endpoints
    endpoints: list[Endpoint] = []
    holds: list[Endpoint] = []
    worst_key: dict[str, tuple[int, str]] = {}

    def bit_of(inst: Instance, pin: str) -> int | None:
        bit = inst.connections.get(pin)
        return bit if isinstance(bit, int) else None

    for inst in nl.instances:
        cell = lib.cell(inst.cell)
        if not cell.is_sequential:
            continue
        for pin, arcs in cell.timing.items():
            for arc in arcs:
                if arc.timing_type.startswith("hold"):
                    for edge in EDGES:
                        got = early_arrival.get((bit_of(inst, pin), edge))
                        table = arc.tables.get(f"{edge}_constraint")
                        if got is None or table is None:
                            continue
                        required = _lookup(table, clock_slew_ns, got[1])
                        holds.append(Endpoint(f"{inst.name}/{pin}", "hold", edge, got[0], required,
                                              got[0] - required))
                if not arc.timing_type.startswith("setup"):
                    continue
                bit = inst.connections.get(pin)
                if not isinstance(bit, int):
                    continue
                for edge in EDGES:
                    got = arrival.get((bit, edge))
                    table = arc.tables.get(f"{edge}_constraint")
                    if got is None or table is None:
                        continue
                    setup = _lookup(table, clock_slew_ns, got[1])
                    required = period_ns - setup
                    name = f"{inst.name}/{pin}"
                    endpoints.append(Endpoint(name, "setup", edge, got[0], required, required - got[0]))
                    worst_key[f"{name}:{edge}"] = (bit, edge)
    for bit, ports in out_ports.items():
        for port in ports:
            for edge in EDGES:
                got = arrival.get((bit, edge))
                if got is None:
                    continue
                required = period_ns - output_delay_ns
                endpoints.append(Endpoint(port, "output", edge, got[0], required, required - got[0]))
                worst_key[f"{port}:{edge}"] = (bit, edge)
    notes = []
    if not endpoints:
        notes.append("No timed endpoints: the design has no flip-flop inputs or outputs reached by a path.")
        return TimingReport(nl.top, period_ns, [], [], 0.0, 0.0, lib.path, notes, holds)
    worst = min(endpoints, key=lambda e: e.slack)
    wns = worst.slack
    per_endpoint: dict[str, float] = {}
    for e in endpoints:
        per_endpoint[e.name] = min(per_endpoint.get(e.name, np.inf), e.slack)
    tns = float(sum(s for s in per_endpoint.values() if s < 0))

    # critical path
    path: list[PathPoint] = []
    key: tuple | None = worst_key[f"{worst.name}:{worst.edge}"]
    while key is not None:
        t, s, prev, incr, iname, pin = arrival[key]
        bit = key[0]
        cell = inst_by_name[iname].cell if iname else ""
        point = f"{iname}/{pin}" if iname else f"{pin} (in)"
        path.append(PathPoint(point, iname, cell, pin, key[1], incr, t, s, load_pf(bit) * 1e3, nl.bit_name(bit)))
        key = prev
    path.reverse()
    if worst.kind == "setup":
        inst_name, pin = worst.name.split("/")
        last = path[-1]
        path.append(PathPoint(worst.name, inst_name, inst_by_name[inst_name].cell, pin, worst.edge, 0.0,
                              last.arrival, last.slew, 0.0, last.net))
    else:
        last = path[-1]
        path.append(PathPoint(f"{worst.name} (out)", "", "", worst.name, worst.edge, 0.0, last.arrival, last.slew,
                              0.0, last.net))
    return TimingReport(nl.top, period_ns, endpoints, path, float(wns), tns, lib.path, notes, holds)
