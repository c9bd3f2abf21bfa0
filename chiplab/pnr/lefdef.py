"""LEF reading, Yosys-netlist reading and DEF writing for the place-and-route engine.

All geometry inside :mod:`chiplab.pnr` is in integer database units (DBU): 1000 per micron,
the unit the DEF file uses, so every coordinate is on the 5 nm manufacturing grid by construction.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from chiplab import pdk
from chiplab.errors import FlowError

DBU = 1000  # database units per micron

# sky130_fd_sc_hd routing grid (from the tech LEF: met2/li1 pitch 0.46 offset 0.23, met1 pitch 0.34 offset 0.17)
SITE_W = 460
ROW_H = 2720
XPITCH = 460
XOFF = 230
YPITCH = 340
YOFF = 170

POWER_PINS = frozenset({"VPWR", "VGND", "VPB", "VNB"})

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 in DBU


def _um(text: str) -> int:
    return int(round(float(text) * DBU))


@dataclass
class PinShape:
    name: str
    direction: str
    use: str
    rects: dict[str, list[Rect]] = field(default_factory=dict)  # layer -> rects (cell coordinates)


@dataclass
class Macro:
    """A standard cell as its LEF describes it."""

    name: str  # short name, e.g. inv_1
    width: int
    height: int
    pins: dict[str, PinShape]
    obs: dict[str, list[Rect]]

    @property
    def sites(self) -> int:
        return self.width // SITE_W

    def signal_pins(self) -> list[str]:
        return [p for p in self.pins if p not in POWER_PINS]


def parse_lef_macro(text: str, short: str) -> Macro:
    width = height = 0
    pins: dict[str, PinShape] = {}
    obs: dict[str, list[Rect]] = {}
    cur: PinShape | None = None
    in_obs = False
    layer = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        tok = line.replace(";", " ").split()
        key = tok[0]
        if key == "SIZE":
            width, height = _um(tok[1]), _um(tok[3])
        elif key == "PIN":
            cur = PinShape(tok[1], "INOUT", "SIGNAL")
            pins[tok[1]] = cur
        elif key == "DIRECTION" and cur is not None:
            cur.direction = tok[1]
        elif key == "USE" and cur is not None:
            cur.use = tok[1]
        elif key == "OBS":
            in_obs, cur = True, None
        elif key == "LAYER":
            layer = tok[1]
        elif key == "RECT":
            r = (_um(tok[1]), _um(tok[2]), _um(tok[3]), _um(tok[4]))
            r = (min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3]))
            if in_obs:
                obs.setdefault(layer, []).append(r)
            elif cur is not None:
                cur.rects.setdefault(layer, []).append(r)
        elif key == "END" and len(tok) > 1 and cur is not None and tok[1] == cur.name:
            cur = None
    return Macro(short, width, height, pins, obs)


@functools.cache
def macro(cell: str) -> Macro:
    """The LEF view of a sky130 hd cell (``inv_1`` or its full name)."""
    short = pdk.short_name(cell)
    try:
        path = pdk.cell_file(short, "lef")
    except pdk.PDKNotFoundError as exc:
        raise FlowError(
            "place", f"cell {cell!r} is not a sky130_fd_sc_hd cell with a layout",
            hint="synthesize onto the sky130 hd Liberty so that every cell is a library cell",
        ) from exc
    return parse_lef_macro(path.read_text(), short)


def lef_files(cells: set[str] | list[str]) -> list[Path]:
    """The tech LEF followed by the LEF of every cell named."""
    return [pdk.tech_lef()] + [pdk.cell_file(c, "lef") for c in sorted(set(cells))]


# --------------------------------------------------------------------------------------------------
# netlist
# --------------------------------------------------------------------------------------------------


@dataclass
class Instance:
    name: str
    cell: str  # short name
    conns: dict[str, str]  # pin -> net name


@dataclass
class Netlist:
    """A flat gate-level netlist: instances, nets and top-level ports."""

    top: str
    instances: list[Instance]
    ports: dict[str, str]  # port bit name (e.g. q[0]) -> direction (INPUT/OUTPUT/INOUT)
    nets: dict[str, list[tuple[str, str]]]  # net -> [(instance name or "PIN", pin or port name)]
    cell_names: dict[str, str] = field(default_factory=dict)  # DEF instance name -> netlist name
    net_bits: dict[str, int] = field(default_factory=dict)  # net name -> Yosys bit id


_BAD = re.compile(r"[\s;()#*]")


def _clean(name: str) -> str:
    """A name DEF can carry: Yosys's leading backslash dropped, blanks and DEF punctuation replaced."""
    return _BAD.sub("_", name.lstrip("\\"))


def read_yosys_json(netlist: dict, top: str | None = None) -> Netlist:
    """Read a Yosys JSON netlist (``write_json``) mapped onto sky130_fd_sc_hd cells."""
    modules = netlist.get("modules", {})
    if not modules:
        raise FlowError("place", "the netlist has no modules", hint="pass the JSON that synthesis wrote")
    if top is None:
        tops = [m for m, d in modules.items() if str(d.get("attributes", {}).get("top", "0")).strip("0") != ""]
        top = tops[0] if tops else next(iter(modules))
    if top not in modules:
        raise FlowError("place", f"module {top!r} not in the netlist (it has {', '.join(modules)})",
                        hint="give the top module's name")
    mod = modules[top]
    # best name for each bit
    bitname: dict[int, str] = {}
    ranked = sorted(mod.get("netnames", {}).items(), key=lambda kv: (kv[1].get("hide_name", 0), len(kv[0])))
    for name, info in ranked:
        bits = info["bits"]
        for k, b in enumerate(bits):
            if isinstance(b, int) and b not in bitname:
                bitname[b] = _clean(name if len(bits) == 1 else f"{name}[{k}]")
    used_names: dict[str, int] = {}
    for b, n in sorted(bitname.items()):
        if n in used_names:
            bitname[b] = f"{n}_{b}"
        used_names[bitname[b]] = b

    nets: dict[str, list[tuple[str, str]]] = {}
    ports: dict[str, str] = {}
    consts: dict[str, str] = {}

    def net_of(bit: int | str) -> str:
        if isinstance(bit, int):
            return bitname.get(bit, f"n{bit}")
        if bit in ("0", "1"):
            consts[bit] = "const0" if bit == "0" else "const1"
            return consts[bit]
        raise FlowError("place", f"the netlist has an undriven ('{bit}') bit",
                        hint="check the RTL for signals that are never assigned")

    for pname, pinfo in mod.get("ports", {}).items():
        bits = pinfo["bits"]
        direction = {"input": "INPUT", "output": "OUTPUT"}.get(pinfo["direction"], "INOUT")
        for k, b in enumerate(bits):
            pin = _clean(pname if len(bits) == 1 else f"{pname}[{k}]")
            ports[pin] = direction
            nets.setdefault(net_of(b), []).append(("PIN", pin))

    instances: list[Instance] = []
    names: dict[str, str] = {}
    for k, (cname, cinfo) in enumerate(mod.get("cells", {}).items()):
        ctype = cinfo["type"]
        if not ctype.startswith(pdk.LIBRARY + "__"):
            raise FlowError(
                "place", f"cell {cname} has type {ctype}, which is not a sky130_fd_sc_hd cell",
                hint="synthesize with the sky130 Liberty (chiplab.synth.synthesize) so every cell is mapped",
            )
        short = pdk.short_name(ctype)
        iname = _clean(cname)
        if iname in names or iname == "tie_const":
            iname = f"{iname}_{k}"
        names[iname] = cname
        conns: dict[str, str] = {}
        for pin, bits in cinfo.get("connections", {}).items():
            if pin in POWER_PINS or not bits:
                continue
            n = net_of(bits[0])
            conns[pin] = n
            nets.setdefault(n, []).append((iname, pin))
        instances.append(Instance(iname, short, conns))
    if consts:  # tie constants with one conb_1
        tie = Instance("tie_const", "conb_1", {})
        if "1" in consts:
            tie.conns["HI"] = "const1"
            nets.setdefault("const1", []).append(("tie_const", "HI"))
        if "0" in consts:
            tie.conns["LO"] = "const0"
            nets.setdefault("const0", []).append(("tie_const", "LO"))
        instances.append(tie)
    return Netlist(top, instances, ports, nets, names, {n: b for b, n in bitname.items()})


# --------------------------------------------------------------------------------------------------
# DEF
# --------------------------------------------------------------------------------------------------


def write_def(path: Path, design: str, die: Rect, rows: list[tuple[int, int, str, int]],
              tracks: list[tuple[str, str, int, int, int]], components: list[tuple[str, str, int, int, str]],
              pins: list[tuple[str, str, str, str, str, Rect, int, int]], nets: list[tuple[str, list, list[str]]],
              specialnets: list[tuple[str, str, list[str]]]) -> None:
    """Write a DEF 5.8 file.

    rows: (x, y, orient, nsites); tracks: (axis X/Y, layer, start, count, step);
    components: (name, cell, x, y, orient); pins: (name, net, direction, use, layer, rect, x, y);
    nets: (name, connections [(inst, pin)], wiring statements); specialnets: (name, use, wiring statements).
    """
    out = ["VERSION 5.8 ;", 'DIVIDERCHAR "/" ;', 'BUSBITCHARS "[]" ;', f"DESIGN {design} ;",
           f"UNITS DISTANCE MICRONS {DBU} ;", f"DIEAREA ( {die[0]} {die[1]} ) ( {die[2]} {die[3]} ) ;"]
    for k, (x, y, orient, n) in enumerate(rows):
        out.append(f"ROW ROW_{k} unithd {x} {y} {orient} DO {n} BY 1 STEP {SITE_W} 0 ;")
    for axis, layer, start, count, step in tracks:
        out.append(f"TRACKS {axis} {start} DO {count} STEP {step} LAYER {layer} ;")
    out.append(f"COMPONENTS {len(components)} ;")
    for name, cell, x, y, orient in components:
        out.append(f"- {name} {pdk.full_name(cell)} + PLACED ( {x} {y} ) {orient} ;")
    out.append("END COMPONENTS")
    out.append(f"PINS {len(pins)} ;")
    for name, net, direction, use, layer, r, x, y in pins:
        out.append(f"- {name} + NET {net} + DIRECTION {direction} + USE {use}")
        out.append(f"  + PORT + LAYER {layer} ( {r[0]} {r[1]} ) ( {r[2]} {r[3]} ) + PLACED ( {x} {y} ) N ;")
    out.append("END PINS")
    out.append(f"SPECIALNETS {len(specialnets)} ;")
    for name, use, wiring in specialnets:
        out.append(f"- {name} ( * {name} )")
        for k, w in enumerate(wiring):
            out.append(("  + ROUTED " if k == 0 else "    NEW ") + w)
        out.append(f"  + USE {use} ;")
    out.append("END SPECIALNETS")
    out.append(f"NETS {len(nets)} ;")
    for name, conns, wiring in nets:
        out.append(f"- {name} " + " ".join(f"( {'PIN' if i == 'PIN' else i} {p} )" for i, p in conns))
        for k, w in enumerate(wiring):
            out.append(("  + ROUTED " if k == 0 else "    NEW ") + w)
        out.append("  ;")
    out.append("END NETS")
    out.append("END DESIGN")
    Path(path).write_text("\n".join(out) + "\n")
