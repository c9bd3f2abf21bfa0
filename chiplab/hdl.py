"""Amaranth helpers for the notebooks: elaborate, simulate (into :class:`~chiplab.waves.Waves`), export
Verilog, and tabulate a combinational module.

Every helper turns the common Amaranth mistakes (a signal assigned from two domains or two modules, a
Python ``if`` on a Signal, ``==`` where ``.eq()`` was meant, a bad width or shape, a missing ``return m``)
into a short :class:`~chiplab.errors.DesignError` that names the line of the student's code::

    from chiplab.hdl import simulate, to_verilog, truth_table_of

    waves = simulate(Counter(4), stimulus={"en": [1, 1, 0, 1, 1]})
    waves.plot(unit="cycles")
    print(to_verilog(Counter(4), "counter"))
    truth_table_of(FullAdder())
"""

from __future__ import annotations

import linecache
import os
import re
import sysconfig
import tempfile
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplab.errors import ChipLabError, DesignError, SimulationError
from chiplab.waves import Trace, Waves, read_vcd

__all__ = ["elaborate", "simulate", "to_verilog", "truth_table_of", "TruthTable", "ports_of",
           "friendly_error"]

Testbench = Callable[..., Any]

# --------------------------------------------------------------------------- error rewording

_LIB_ROOTS: tuple[str, ...] = ()


def _lib_roots() -> tuple[str, ...]:
    global _LIB_ROOTS
    if not _LIB_ROOTS:
        import amaranth

        roots = {os.path.dirname(amaranth.__file__), os.path.dirname(os.path.abspath(__file__)),
                 sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
                 sysconfig.get_paths()["platlib"]}
        auto = Path(__file__).resolve().parent.parent / "autograder"
        roots.add(str(auto))
        _LIB_ROOTS = tuple(sorted(os.path.realpath(r) for r in roots))
    return _LIB_ROOTS


def _is_library(filename: str) -> bool:
    if filename.startswith("<frozen") or filename.startswith("<string"):
        return True
    real = os.path.realpath(filename)
    return any(real.startswith(r + os.sep) or real == r for r in _lib_roots())


def _describe_place(filename: str, lineno: int) -> str:
    """'cell line 5: m.d.sync += ...' in a notebook, 'file.py:5: ...' elsewhere."""
    line = linecache.getline(filename, lineno).strip()
    if "ipykernel" in filename or filename.startswith("<ipython-input") or "/ipykernel_" in filename:
        where = f"your cell, line {lineno}"
    else:
        where = f"{os.path.basename(filename)}:{lineno}"
    return f"{where}: {line}" if line else where


def _user_place(tb: Any) -> str | None:
    frames = traceback.extract_tb(tb) if tb is not None else []
    for fr in reversed(frames):
        if not _is_library(fr.filename):
            return _describe_place(fr.filename, fr.lineno or 0)
    return None


def _place_from_loc(text: str) -> str:
    """Turn 'path/file.py:13' inside an Amaranth message into a readable place."""
    m = re.match(r"(.*):(\d+)$", text.strip())
    if not m:
        return text
    return _describe_place(m.group(1), int(m.group(2)))


def _sig_name(text: str) -> str:
    m = re.search(r"\(sig ([^)\s]+)\)", text)
    return m.group(1) if m else "?"


def friendly_error(exc: BaseException, doing: str = "elaborating your design") -> ChipLabError | None:
    """A short :class:`DesignError` for a known Amaranth mistake, or ``None`` if ``exc`` is not one.

    ``doing`` says what the helper was doing (shown in the message).
    """
    if isinstance(exc, ChipLabError):
        return exc
    msg = str(exc)
    place = _user_place(exc.__traceback__)
    at = f"\n  at {place}" if place else ""
    name = type(exc).__name__

    m = re.search(r"Driver-driver conflict: trying to drive (\(sig [^)]*\))(?: bit \d+)? from d\.(\w+), "
                  r"but it is already driven from d\.(\w+)", msg)
    if m:
        sig, new, old = _sig_name(m.group(1)), m.group(2), m.group(3)
        if "comb" in (new, old):
            other = new if old == "comb" else old
            return DesignError(
                f"signal '{sig}' is assigned in both m.d.comb and m.d.{other}{at}",
                hint=f"a signal is either combinational (m.d.comb) or a register (m.d.{other}), never both; "
                     f"use a second signal for one of the two")
        return DesignError(
            f"signal '{sig}' is assigned from two clock domains, m.d.{old} and m.d.{new}{at}",
            hint="a register belongs to exactly one clock domain; assign it from only one")
    if name == "DriverConflict":
        sig = _sig_name(msg)
        m2 = re.search(r"driven from module (\S+) at (\S+) and module (\S+) at (\S+)", msg)
        if m2:
            return DesignError(
                f"signal '{sig}' is driven from two modules:\n  {m2.group(1)} at {_place_from_loc(m2.group(2))}"
                f"\n  {m2.group(3)} at {_place_from_loc(m2.group(4))}",
                hint="each signal must be assigned in exactly one module: the module that owns it as an "
                     "output; the other module should only read it")
        m3 = re.search(r"multiple drivers: (\S+) and (\S+)", msg)
        if m3:
            tb_frames = [f.name for f in traceback.extract_tb(exc.__traceback__)]
            port = any("top_ports" in n for n in tb_frames)
            return DesignError(
                f"signal '{sig}' has two drivers:\n  {_place_from_loc(m3.group(1))}\n  "
                f"{_place_from_loc(m3.group(2))}",
                hint=("it is an input port (In): the outside world drives it, so do not assign it inside "
                      "the module" if port else "assign each signal in one place only"))
        return DesignError(f"{msg}{at}", hint="assign each signal in exactly one place")
    if "convert Amaranth value to Python boolean" in msg:
        return DesignError(
            f"a Python `if`, `and`, `or`, `not` or `while` was used on a Signal while {doing}{at}",
            hint="Python decides while the circuit is being built, not while it runs: use "
                 "`with m.If(sig):` / `with m.Elif(...)` / `with m.Else():`, and `&`, `|`, `~` "
                 "instead of `and`, `or`, `not`")
    m = re.search(r"Object (.*) is not an Amaranth statement", msg)
    if m:
        hint = "assign with `target.eq(value)`"
        if m.group(1).startswith("(=="):
            hint = "`a == b` compares; to assign use `m.d.comb += a.eq(b)`"
        return DesignError(f"only assignments can be added to m.d.<domain>, not {m.group(1)}{at}", hint=hint)
    m = re.search(r"Object (.*) cannot be converted to an Amaranth (value|shape)", msg)
    if m:
        what = "a value (a Signal, an expression or an int)" if m.group(2) == "value" else \
            "a shape (a width like 8, or unsigned(8) / signed(8), or a range)"
        return DesignError(f"{m.group(1)} is not {what}{at}",
                           hint="check the types of the operands in this line")
    if "Width of an unsigned value must be" in msg or "Width of a signed value must be" in msg:
        return DesignError(f"bad signal width: {msg}{at}", hint="widths are whole numbers: Signal(4)")
    m = re.search(r"Index (-?\d+) is out of bounds for a (\d+)-bit value", msg)
    if m:
        return DesignError(
            f"bit {m.group(1)} does not exist in a {m.group(2)}-bit value{at}",
            hint=f"the bits are numbered 0 to {int(m.group(2)) - 1}; slices like s[0:4] end before the "
                 "stop index")
    if "Else without preceding If" in msg or "Elif without preceding If" in msg:
        return DesignError(f"{msg}{at}", hint="`with m.Else():` must come right after a `with m.If(...):` block")
    if "is not an 'Elaboratable' nor 'Fragment'" in msg and "None" in msg:
        return DesignError(f"elaborate() returned None{at}", hint="end elaborate() with `return m`")
    if "is not an 'Elaboratable'" in msg:
        return DesignError(f"{msg}{at}", hint="pass an instance of your module, e.g. Counter(), not the class")
    m = re.search(r"Clock domain named '(\w+)' does not exist", msg) or \
        re.search(r"Domain '(\w+)' is not present", msg)
    if m:
        return DesignError(
            f"the design has no clock domain '{m.group(1)}' (nothing is assigned in m.d.{m.group(1)}){at}",
            hint="a purely combinational design has no clock: wait with `await ctx.delay(1e-9)` instead "
                 "of `await ctx.tick()`")
    if isinstance(exc, SyntaxError) and type(exc).__module__.startswith("amaranth"):
        return DesignError(f"{msg}{at}")
    return None


def _silence_unused(exc: BaseException, dut: Any = None) -> None:
    """Mark the modules left half-built by a failed elaboration as used, so that Amaranth does not add
    'created but never used' warnings to the student's error."""
    try:
        from amaranth._unused import MustUse
    except ImportError:  # pragma: no cover
        return
    objs: list[Any] = []
    tb = exc.__traceback__
    while tb is not None:
        objs += list(tb.tb_frame.f_locals.values())
        tb = tb.tb_next
    if dut is not None:
        objs.append(dut)
        objs += list(getattr(dut, "__dict__", {}).values())
    for v in objs:
        if isinstance(v, MustUse):
            try:
                v._MustUse__used = True
            except AttributeError:  # pragma: no cover
                pass


def _reraise(exc: BaseException, doing: str, dut: Any = None) -> None:
    _silence_unused(exc, dut)
    friendly = friendly_error(exc, doing)
    if friendly is None:
        raise exc
    raise friendly from None


# --------------------------------------------------------------------------- elaborate / ports


def _claim(dut: Any) -> None:
    """The helper takes the module over: no "created but never used" warning when it stops early."""
    if hasattr(dut, "_MustUse__used"):
        try:
            dut._MustUse__used = True
        except AttributeError:  # pragma: no cover
            pass


def _fragment(dut: Any) -> Any:
    from amaranth.hdl import Fragment

    _claim(dut)
    if isinstance(dut, type):
        raise DesignError(f"got the class {dut.__name__}, not a module",
                          hint=f"create one first: {dut.__name__}(...)")
    if not hasattr(dut, "elaborate") and type(dut).__name__ != "Fragment":
        raise DesignError(f"expected an Amaranth module (an Elaboratable with elaborate()), got {dut!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "elaborate() returned None" becomes our error
        try:
            return Fragment.get(dut, None)
        except Exception as e:  # noqa: BLE001
            if "nor 'Fragment'" in str(e) and "None" in str(e):
                fn = getattr(type(dut), "elaborate", None)
                code = getattr(fn, "__code__", None)
                if code is not None:
                    _silence_unused(e, dut)
                    raise DesignError(
                        f"elaborate() returned None\n  at {_describe_place(code.co_filename, code.co_firstlineno)}",
                        hint="end elaborate() with `return m`") from None
            _reraise(e, "elaborating your design", dut)
    raise AssertionError("unreachable")  # pragma: no cover


def elaborate(dut: Any, check: bool = True) -> Any:
    """Elaborate ``dut`` into an Amaranth Fragment, raising a short DesignError for a student's mistake.

    With ``check`` the design is also turned into a netlist, which finds signals with two drivers.
    """
    frag = _fragment(dut)
    if check:
        from amaranth.hdl._ir import build_netlist

        try:
            build_netlist(frag, ports=_netlist_ports(dut), name="top")
        except Exception as e:  # noqa: BLE001
            _reraise(e, "checking your design", dut)
    return frag


def ports_of(dut: Any) -> dict[str, Any]:
    """The ports of ``dut`` by name: a Component's signature members, else its Signal attributes."""
    from amaranth.hdl import Signal
    from amaranth.lib import wiring

    sig = getattr(dut, "signature", None)
    if isinstance(sig, wiring.Signature):
        out = {}
        for path, _member, value in sig.flatten(dut):
            out["_".join(str(p) for p in path)] = value
        return out
    return {k: v for k, v in vars(dut).items() if isinstance(v, Signal)} if hasattr(dut, "__dict__") else {}


def _port_list(dut: Any) -> Any:
    from amaranth.lib import wiring

    if isinstance(getattr(dut, "signature", None), wiring.Signature):
        return None
    return list(ports_of(dut).values())


def _netlist_ports(dut: Any) -> Any:
    from amaranth.hdl import ValueCastable
    from amaranth.hdl._ir import PortDirection
    from amaranth.lib import wiring

    sig = getattr(dut, "signature", None)
    if not isinstance(sig, wiring.Signature):
        return list(ports_of(dut).values())
    ports = {}
    for path, member, value in sig.flatten(dut):
        if isinstance(value, ValueCastable):
            value = value.as_value()
        direction = PortDirection.Input if member.flow == wiring.In else PortDirection.Output
        ports["__".join(map(str, path))] = (value, direction)
    return ports


def _resolve(dut: Any, item: Any) -> tuple[str, Any]:
    """(label, signal) for a Signal, or a name looked up as an attribute (dotted) or port of ``dut``."""
    from amaranth.hdl import Value

    if isinstance(item, str):
        obj = dut
        try:
            for part in item.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            ports = ports_of(dut)
            if item in ports:
                return item, ports[item]
            names = ", ".join(sorted(ports)) or "(none found)"
            raise DesignError(f"the design has no signal called {item!r}; its ports are: {names}") from None
        if not isinstance(obj, Value):
            raise DesignError(f"{item!r} is a {type(obj).__name__}, not a Signal")
        return item, obj
    if isinstance(item, Value):
        name = getattr(item, "name", None)
        if name is None:
            raise DesignError(f"{item!r} is an expression, not a Signal: give a Signal to trace")
        return name, item
    raise DesignError(f"cannot trace {item!r}: give a Signal or the name of one")


# --------------------------------------------------------------------------- simulate


def _has_domain(sim: Any, domain: str, clock_ns: float) -> bool:
    try:
        sim.add_clock(clock_ns * 1e-9, domain=domain)
    except NameError:
        return False
    return True


def _run(sim: Any, max_ns: float) -> None:
    limit = int(max_ns * 1e6)  # fs
    engine = getattr(sim, "_engine", None)
    while sim.advance():
        if engine is not None and engine.now > limit:
            raise SimulationError(
                f"the simulation was still running after {max_ns:g} ns of simulated time",
                hint="does your testbench wait forever (e.g. `while True` or waiting for a signal that "
                     "never changes)? Raise max_ns= if the design really needs longer")


def simulate(dut: Any, testbench: Testbench | Sequence[Testbench] | None = None, *,
             clock_ns: float | None = 10.0, traces: Iterable[Any] | Mapping[str, Any] | None = None,
             stimulus: Mapping[str, Sequence[int]] | None = None, cycles: int | None = None,
             mode: str = "change", max_ns: float = 1_000_000.0, vcd: str | Path | None = None,
             domain: str = "sync") -> Waves:
    """Simulate an Amaranth module and return the waves of the traced signals.

    - ``testbench``: an ``async def tb(ctx)`` (Amaranth 0.5 testbench), or a list of them.
    - ``stimulus``: ``{"en": [1, 1, 0, ...]}``: one value per clock cycle (per ``clock_ns`` for a design
      without a clock), a quick alternative to a testbench.
    - ``cycles``: run at least this many clock cycles.
    - ``clock_ns``: the clock period (the ``sync`` domain), ignored for a purely combinational design.
    - ``traces``: signals (or names of ports/attributes) to record; default: the clock and every port;
      ``"all"``: every signal of the design, submodules and FSM states included.
    - ``mode``: ``"change"`` records every change; ``"clock"`` samples once per rising edge (faster for
      long runs; shows what the flip-flops see).
    - ``vcd``: also keep the VCD file at this path. ``max_ns`` stops a testbench that never ends.
    """
    from amaranth.sim import Simulator

    _claim(dut)
    if mode not in ("change", "clock"):
        raise ChipLabError(f"mode must be 'change' or 'clock', not {mode!r}")
    elaborate(dut)  # the checks; build_netlist changes the fragment it checks, so simulate a fresh one
    frag = _fragment(dut)
    try:
        sim = Simulator(frag)
    except Exception as e:  # noqa: BLE001
        _reraise(e, "building the simulation")
    clocked = clock_ns is not None and _has_domain(sim, domain, clock_ns)
    step_ns = clock_ns if clock_ns is not None else 10.0
    if mode == "clock" and not clocked:
        raise SimulationError("mode='clock' needs a design with a clock (m.d.sync)", hint="use mode='change'")

    # what to record
    chosen: list[tuple[str, Any]] = []
    want_all = isinstance(traces, str) and traces == "all"
    if mode == "clock" and want_all:
        raise ChipLabError("traces='all' works with mode='change' only")
    if traces is None or want_all:
        chosen = list(ports_of(dut).items())
    elif isinstance(traces, Mapping):
        chosen = [(label, _resolve(dut, s)[1]) for label, s in traces.items()]
    else:
        chosen = [_resolve(dut, s) for s in traces]
    clk_sig = None
    if clocked:
        cd = frag.domains.get(domain) if hasattr(frag, "domains") else None
        if cd is not None:
            clk_sig = cd.clk

    # testbenches
    benches: list[Testbench] = []
    if testbench is not None:
        benches += list(testbench) if isinstance(testbench, (list, tuple)) else [testbench]
    if stimulus:
        benches.append(_stimulus_bench(dut, stimulus, clocked, step_ns, domain))
    if cycles:
        n = int(cycles)

        async def _wait(ctx: Any) -> None:
            for _ in range(n):
                if clocked:
                    await ctx.tick(domain)
                else:
                    await ctx.delay(step_ns * 1e-9)

        benches.append(_wait)
    if not benches:
        raise ChipLabError("nothing to simulate: give a testbench, a stimulus or a number of cycles",
                           hint="e.g. simulate(dut, cycles=20) or simulate(dut, stimulus={'en': [1, 0, 1]})")
    for tb in benches:
        sim.add_testbench(tb)

    recorded: list[Trace] = []
    if mode == "clock":
        recorded = _add_clock_recorder(sim, chosen, clock_ns or 10.0, domain)

    with tempfile.TemporaryDirectory(prefix="chiplab-sim-") as tmp:
        vcd_path = Path(vcd) if vcd is not None else Path(tmp) / "sim.vcd"
        try:
            if mode == "change":
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    with sim.write_vcd(str(vcd_path), traces=[s for _, s in chosen]):
                        _run(sim, max_ns)
            else:
                _run(sim, max_ns)
        except AssertionError:
            raise
        except ChipLabError:
            raise
        except Exception as e:  # noqa: BLE001
            _reraise(e, "simulating")
        if mode == "clock":
            period = clock_ns or 10.0
            end = max((t.times[-1] for t in recorded if t.times), default=0.0) + period
            return Waves(recorded, end=end, clock="clk", period=period)
        raw = read_vcd(vcd_path)

    if want_all:
        prefix = "bench.top."
        everything = [Trace(t.name[len(prefix):] if t.name.startswith(prefix) else t.name, t.width, t.times,
                            t.values, t.kind) for t in raw.traces]
        if clk_sig is not None:
            for t in everything:
                if t.name == clk_sig.name:
                    t.name = "clk"
            everything.sort(key=lambda t: (t.name != "clk", t.name.count(".")))
        seen: set[str] = set()
        unique = [t for t in everything if not (t.name in seen or seen.add(t.name))]
        return Waves(unique, end=raw.end, clock="clk" if clk_sig is not None else None,
                     period=clock_ns if clocked else None)

    out: list[Trace] = []
    clock_name = None
    if clk_sig is not None:
        tr = _pick(raw, clk_sig.name, ("bench.top." + clk_sig.name,))
        if tr is not None and not any(s is clk_sig for _, s in chosen):
            out.append(Trace("clk", 1, tr.times, tr.values))
            clock_name = "clk"
    for label, s in chosen:
        tr = _pick(raw, s.name, ("bench.top." + s.name,))
        if tr is None:
            continue
        out.append(Trace(label, tr.width, tr.times, tr.values, tr.kind))
        if s is clk_sig:
            clock_name = label
    return Waves(out, end=raw.end, clock=clock_name, period=clock_ns if clocked else None)


def _pick(raw: Waves, name: str, preferred: Sequence[str]) -> Trace | None:
    for p in preferred:
        for t in raw.traces:
            if t.name == p:
                return t
    cands = [t for t in raw.traces if t.name.rsplit(".", 1)[-1] == name]
    cands.sort(key=lambda t: t.name.count("."))
    return cands[0] if cands else None


def _stimulus_bench(dut: Any, stimulus: Mapping[str, Sequence[int]], clocked: bool, step_ns: float,
                    domain: str) -> Testbench:
    items = []
    for key, values in stimulus.items():
        label, sig = _resolve(dut, key)
        width = len(sig)
        vals = [int(v) for v in values]
        for v in vals:
            signed = sig.shape().signed
            lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed else (0, (1 << width) - 1)
            if not lo <= v <= hi:
                raise DesignError(f"stimulus value {v} does not fit in {label!r}, a {width}-bit "
                                  f"{'signed' if signed else 'unsigned'} signal (range {lo}..{hi})")
        items.append((sig, vals))
    n = max(len(v) for _, v in items)

    async def _drive(ctx: Any) -> None:
        for k in range(n):
            for sig, vals in items:
                if k < len(vals):
                    ctx.set(sig, vals[k])
            if clocked:
                await ctx.tick(domain)
            else:
                await ctx.delay(step_ns * 1e-9)

    return _drive


def _add_clock_recorder(sim: Any, chosen: Sequence[tuple[str, Any]], period: float, domain: str) -> list[Trace]:
    sigs = [s for _, s in chosen]
    traces = [Trace(label, len(s)) for label, s in chosen]
    clk = Trace("clk", 1)
    first_edge = period / 2

    async def _rec(ctx: Any) -> None:
        k = 0
        async for _clk, _rst, *vals in ctx.tick(domain).sample(*sigs):
            edge = first_edge + k * period
            start = 0.0 if k == 0 else edge - period
            for tr, v, s in zip(traces, vals, sigs):
                tr.append(start, _as_bits(v, len(s)))
            clk.append(edge - period / 2 if k else 0.0, 0)
            clk.append(edge, 1)
            clk.append(edge + period / 2, 0)
            k += 1

    sim.add_process(_rec)
    return [clk, *traces]


def _as_bits(v: Any, width: int) -> int | None:
    if hasattr(v, "value") and not isinstance(v, int):
        v = v.value
    try:
        iv = int(v)
    except (TypeError, ValueError):
        return None
    return iv & ((1 << width) - 1) if width else iv


# --------------------------------------------------------------------------- Verilog export


def to_verilog(dut: Any, name: str = "top", ports: Sequence[Any] | None = None,
               path: str | Path | None = None, emit_src: bool = False) -> str:
    """Export ``dut`` as Verilog (a Component's ports come from its signature; for a plain
    Elaboratable the default ports are its Signal attributes). With ``path`` the text is also written
    there. ``clk`` and ``rst`` are added when the design has a ``sync`` domain.
    """
    from amaranth.back import verilog

    _claim(dut)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ChipLabError(f"{name!r} is not a valid Verilog module name", hint="use letters, digits and _")
    elaborate(dut, check=False)  # student mistakes surface here with a short message
    port_list = list(ports) if ports is not None else _port_list(dut)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = verilog.convert(dut, name=name, ports=port_list, emit_src=emit_src)
    except ImportError as e:
        raise ChipLabError(f"Verilog export needs Yosys: {e}",
                           hint="pip install 'amaranth[builtin-yosys]'") from None
    except Exception as e:  # noqa: BLE001
        _reraise(e, "exporting Verilog")
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text)
    return text


# --------------------------------------------------------------------------- truth tables


@dataclass
class TruthTable:
    """A combinational module's behaviour: one row per input combination (first input is the MSB)."""

    inputs: list[tuple[str, int]]
    outputs: list[tuple[str, int]]
    rows: list[tuple[int, ...]] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [n for n, _ in self.inputs + self.outputs]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):  # noqa: ANN204
        names = self.names
        return (dict(zip(names, r)) for r in self.rows)

    def column(self, name: str) -> list[int]:
        """All values of one input or output, row by row."""
        try:
            k = self.names.index(name)
        except ValueError:
            raise ChipLabError(f"no column {name!r}; columns: {', '.join(self.names)}") from None
        return [r[k] for r in self.rows]

    def lookup(self, **inputs: int) -> dict[str, int]:
        """The outputs for these input values, e.g. ``tt.lookup(a=1, b=0)``."""
        want = [inputs.get(n) for n, _ in self.inputs]
        if None in want:
            missing = [n for (n, _), v in zip(self.inputs, want) if v is None]
            raise ChipLabError(f"give a value for every input; missing: {', '.join(missing)}")
        k = len(self.inputs)
        for r in self.rows:
            if list(r[:k]) == want:
                return dict(zip([n for n, _ in self.outputs], r[k:]))
        raise ChipLabError(f"no row with inputs {inputs}")

    def __str__(self) -> str:
        heads = self.names
        widths = [w for _, w in self.inputs + self.outputs]
        cells = [[str(v) if w == 1 else format(v, f"0{w}b") for v, w in zip(r, widths)] for r in self.rows]
        colw = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(heads)]
        k = len(self.inputs)

        def line(vals: Sequence[str]) -> str:
            left = " ".join(v.rjust(colw[i]) for i, v in enumerate(vals[:k]))
            right = " ".join(v.rjust(colw[k + i]) for i, v in enumerate(vals[k:]))
            return f"{left} | {right}"

        out = [line(heads), "-" * len(line(heads))]
        out += [line(c) for c in cells]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        k = len(self.inputs)
        widths = [w for _, w in self.inputs + self.outputs]
        th = "".join(f"<th style='text-align:center;{'border-left:2px solid #888;' if i == k else ''}'>{n}</th>"
                     for i, n in enumerate(self.names))
        body = []
        for r in self.rows[:1024]:
            tds = "".join(
                f"<td style='text-align:center;font-family:monospace;"
                f"{'border-left:2px solid #888;' if i == k else ''}'>"
                f"{v if w == 1 else format(v, f'0{w}b')}</td>" for i, (v, w) in enumerate(zip(r, widths)))
            body.append(f"<tr>{tds}</tr>")
        more = f"<p>... {len(self.rows) - 1024} more rows</p>" if len(self.rows) > 1024 else ""
        return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def truth_table_of(dut: Any, inputs: Sequence[Any] | None = None, outputs: Sequence[Any] | None = None,
                   max_bits: int = 16) -> TruthTable:
    """Simulate a combinational module for every input combination and return its :class:`TruthTable`.

    ``inputs``/``outputs`` are Signals or names; for a Component they default to its In/Out ports.
    """
    from amaranth.lib import wiring
    from amaranth.sim import Simulator

    _claim(dut)
    if inputs is None or outputs is None:
        sig = getattr(dut, "signature", None)
        if not isinstance(sig, wiring.Signature):
            raise ChipLabError("say which signals are inputs and outputs: "
                               "truth_table_of(dut, inputs=['a', 'b'], outputs=['y'])")
        ins, outs = [], []
        for path, member, value in sig.flatten(dut):
            (ins if member.flow == wiring.In else outs).append(("_".join(map(str, path)), value))
        in_pairs = ins if inputs is None else [_resolve(dut, s) for s in inputs]
        out_pairs = outs if outputs is None else [_resolve(dut, s) for s in outputs]
    else:
        in_pairs = [_resolve(dut, s) for s in inputs]
        out_pairs = [_resolve(dut, s) for s in outputs]
    bits = sum(len(s) for _, s in in_pairs)
    if bits > max_bits:
        raise ChipLabError(f"{bits} input bits means {2 ** bits} rows: too many for a truth table "
                           f"(limit {max_bits} bits)", hint="use simulate() or fewer inputs")
    elaborate(dut)  # the checks, on their own elaboration (see simulate)
    sim = Simulator(_fragment(dut))
    if _has_domain(sim, "sync", 10.0):
        raise DesignError("truth_table_of() needs a combinational module, but this one has registers "
                          "(m.d.sync)", hint="use simulate() for a sequential design")
    table = TruthTable([(n, len(s)) for n, s in in_pairs], [(n, len(s)) for n, s in out_pairs])
    widths = [len(s) for _, s in in_pairs]

    async def _bench(ctx: Any) -> None:
        for combo in range(1 << bits):
            vals = []
            shift = bits
            for (_, s), w in zip(in_pairs, widths):
                shift -= w
                v = (combo >> shift) & ((1 << w) - 1)
                ctx.set(s, v - (1 << w) if s.shape().signed and v >> (w - 1) else v)
                vals.append(v)
            outs = [_as_bits(ctx.get(s), len(s)) for _, s in out_pairs]
            table.rows.append(tuple(vals) + tuple(o if o is not None else 0 for o in outs))

    sim.add_testbench(_bench)
    try:
        sim.run()
    except Exception as e:  # noqa: BLE001
        _reraise(e, "tabulating your design")
    return table

