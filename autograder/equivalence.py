"""Compare a student's Amaranth module with a reference module, for hidden tests.

:func:`check_module` matches the ports by name (a missing port, a wrong width or direction is reported
as such), then compares the two designs:

- combinational, up to ``max_exhaustive_bits`` (14) input bits: every input combination (16384 vectors
  take about 0.8 s; 16 bits about 3 s);
- combinational, wider: corner cases and seeded random vectors, then a formal proof with Yosys (a miter
  solved by ``sat -prove``), whose counter-example, if any, is replayed in simulation;
- sequential: seeded random inputs cycle by cycle from the initial (reset) state, every output compared
  in every cycle.

A difference raises ``AssertionError`` with a concrete counter-example (inputs, expected, got, cycle)
that a student can act on. Nothing is written to stdout/stderr (nbgrader gives a test cell 0 points when
it writes to stderr).

::

    from autograder.equivalence import check_module
    check_module(student_alu, ReferenceALU(), outputs=["y", "zero"])
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplab.errors import ChipLabError

__all__ = ["check_module", "EquivalenceReport", "port_map"]

Stimulus = Mapping[str, Sequence[int] | Callable[[int, random.Random], int]]


@dataclass
class EquivalenceReport:
    """What :func:`check_module` did when the designs agreed."""

    method: str  # "exhaustive", "random", "random+formal", "exhaustive+formal", "sequential"
    vectors: int = 0  # input vectors (combinational) or clock cycles (sequential) simulated
    formal: bool | None = None  # True: proven equal by Yosys; None: not attempted
    seconds: float = 0.0
    inputs: list[tuple[str, int]] = field(default_factory=list)
    outputs: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        proof = " and proven equivalent with Yosys" if self.formal else ""
        unit = "cycles" if self.method == "sequential" else "input vectors"
        return f"equal on {self.vectors} {unit} ({self.method}){proof} in {self.seconds:.2f} s"


# --------------------------------------------------------------------------- ports


def port_map(dut: Any) -> dict[str, tuple[Any, str | None]]:
    """name -> (signal, "in"/"out"/None) for a Component's signature, or a module's Signal attributes."""
    from amaranth.hdl import Signal
    from amaranth.lib import wiring

    sig = getattr(dut, "signature", None)
    if isinstance(sig, wiring.Signature):
        out: dict[str, tuple[Any, str | None]] = {}
        for path, member, value in sig.flatten(dut):
            if hasattr(value, "as_value"):
                value = value.as_value()
            out["_".join(map(str, path))] = (value, "in" if member.flow == wiring.In else "out")
        return out
    return {k: (v, None) for k, v in vars(dut).items() if isinstance(v, Signal)}


def _ports(student: Any, reference: Any, inputs: Sequence[str] | None, outputs: Sequence[str] | None
           ) -> tuple[list[tuple[str, Any, Any]], list[tuple[str, Any, Any]]]:
    ref = port_map(reference)
    stu = port_map(student)
    if inputs is None:
        inputs = [n for n, (_, d) in ref.items() if d == "in"]
    if outputs is None:
        outputs = [n for n, (_, d) in ref.items() if d == "out"]
    if not outputs:
        raise ChipLabError("say which ports to compare: outputs=[...] (the reference has no Out ports)")
    ins, outs = [], []
    for kind, names, acc in (("input", inputs, ins), ("output", outputs, outs)):
        for name in names:
            if name not in ref:
                raise ChipLabError(f"the reference has no port {name!r} (it has {', '.join(ref)})")
            rsig = ref[name][0]
            if name not in stu:
                have = ", ".join(sorted(stu)) or "none"
                raise AssertionError(f"your module has no port called '{name}' (expected an {kind} of "
                                     f"{len(rsig)} bit{'s' * (len(rsig) != 1)}); your module's ports: {have}")
            ssig, sdir = stu[name]
            want = "in" if kind == "input" else "out"
            if sdir is not None and sdir != want:
                raise AssertionError(f"port '{name}' should be an {kind} ({'In' if want == 'in' else 'Out'}), "
                                     f"but in your module it is {'an input (In)' if sdir == 'in' else 'an output (Out)'}")
            if len(ssig) != len(rsig):
                raise AssertionError(f"port '{name}' is {len(ssig)} bit{'s' * (len(ssig) != 1)} wide in your "
                                     f"module; it should be {len(rsig)} bit{'s' * (len(rsig) != 1)}")
            acc.append((name, ssig, rsig))
    return ins, outs


# --------------------------------------------------------------------------- the pair under test


def _pair(student: Any, reference: Any, ins: list[tuple[str, Any, Any]]) -> tuple[Any, dict[str, Any]]:
    from amaranth.hdl import Elaboratable, Module, Signal

    drive = {name: Signal(len(r), name=f"in_{name}") for name, _, r in ins}

    class _Pair(Elaboratable):
        def elaborate(self, platform: Any) -> Any:
            m = Module()
            m.submodules.student = student
            m.submodules.reference = reference
            for name, s, r in ins:
                m.d.comb += [s.eq(drive[name]), r.eq(drive[name])]
            return m

    return _Pair(), drive


def _fmt(v: int | None, width: int) -> str:
    if v is None:
        return "x"
    if width <= 4:
        return str(v)
    return f"{v} (0x{v:0{(width + 3) // 4}X})"


def _fmt_inputs(values: Mapping[str, int], widths: Mapping[str, int]) -> str:
    return ", ".join(f"{n}={_fmt(v, widths[n])}" for n, v in values.items()) or "(no inputs)"


def _has_sync(frag_owner: Any) -> bool:
    from amaranth.sim import Simulator

    try:
        sim = Simulator(frag_owner)
        sim.add_clock(1e-8)
    except NameError:
        return False
    return True


def _student_fragment(student: Any) -> None:
    from chiplab.hdl import elaborate

    try:
        elaborate(student)
    except ChipLabError as e:
        raise AssertionError(f"your module could not be built: {e}") from None


# --------------------------------------------------------------------------- main entry


def check_module(student: Any, reference: Any, inputs: Sequence[str] | None = None,
                 outputs: Sequence[str] | None = None, *, sequential: bool | None = None,
                 cycles: int = 300, vectors: int = 2000, seed: int = 2024, max_exhaustive_bits: int = 14,
                 formal: bool | str = "auto", stimulus: Stimulus | None = None, timeout_s: float = 60.0,
                 ) -> EquivalenceReport:
    """Check that ``student`` behaves like ``reference`` on the named ports; raise AssertionError if not.

    - ``inputs``/``outputs``: port names (default: the reference's In and Out ports).
    - ``max_exhaustive_bits``: the widest input space simulated exhaustively (wider: random + formal).
    - ``sequential``: force the mode (default: sequential when either design has a ``sync`` domain).
    - ``cycles`` (sequential) / ``vectors`` (wide combinational): how much random stimulus; ``seed``
      makes it repeatable.
    - ``formal``: ``"auto"`` proves wide combinational designs with Yosys, ``True`` proves any
      combinational design, ``False`` never.
    - ``stimulus``: fixed per-cycle values or ``f(cycle, rng) -> value`` for some inputs (e.g. to hold a
      reset low or keep a valid signal meaningful); the other inputs are random.
    """
    t0 = time.monotonic()
    for dut in (student, reference):  # the checker uses them; no "created but never used" on stderr
        if hasattr(dut, "_MustUse__used"):
            dut._MustUse__used = True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ins, outs = _ports(student, reference, inputs, outputs)
        _student_fragment(student)
        pair, drive = _pair(student, reference, ins)
        if sequential is None:
            sequential = _has_sync(pair)
        widths = {n: len(r) for n, _, r in ins + outs}
        report = EquivalenceReport(method="", inputs=[(n, len(r)) for n, _, r in ins],
                                   outputs=[(n, len(r)) for n, _, r in outs])
        bits = sum(len(r) for _, _, r in ins)
        if sequential:
            report.method = "sequential"
            report.vectors = _check_sequential(pair, drive, ins, outs, widths, cycles, seed, stimulus)
        else:
            if bits <= max_exhaustive_bits:
                report.method = "exhaustive"
                report.vectors = _check_comb(pair, drive, ins, outs, widths, _all_vectors(ins), "exhaustive")
            else:
                report.method = "random"
                report.vectors = _check_comb(pair, drive, ins, outs, widths,
                                             _random_vectors(ins, vectors, seed, stimulus), "random")
            if formal is True or (formal == "auto" and bits > max_exhaustive_bits):
                cex = _formal(student, reference, ins, outs, timeout_s, report)
                if cex is not None:
                    _check_comb(*_pair(student, reference, ins), ins, outs, widths, [cex], "formal")
                    raise AssertionError(
                        "Yosys found inputs where your module differs from the reference: "
                        f"{_fmt_inputs(cex, widths)} (replaying them in simulation did not show the "
                        "difference: look for undefined values or latches)")
                if report.formal:
                    report.method += "+formal"
    report.seconds = time.monotonic() - t0
    return report


def _all_vectors(ins: list[tuple[str, Any, Any]]) -> Any:
    widths = [len(r) for _, _, r in ins]
    total = sum(widths)
    for combo in range(1 << total):
        vals = {}
        shift = total
        for (name, _, _), w in zip(ins, widths):
            shift -= w
            vals[name] = (combo >> shift) & ((1 << w) - 1)
        yield vals


def _random_vectors(ins: list[tuple[str, Any, Any]], n: int, seed: int, stimulus: Stimulus | None) -> Any:
    rng = random.Random(seed)
    widths = {name: len(r) for name, _, r in ins}
    corners: list[dict[str, int]] = []
    for pick in (lambda w: 0, lambda w: (1 << w) - 1, lambda w: 1 % (1 << w), lambda w: 1 << (w - 1)):
        corners.append({name: pick(w) for name, w in widths.items()})
    for k in range(n):
        vals = corners[k] if k < len(corners) else {name: rng.getrandbits(w) for name, w in widths.items()}
        yield _apply_stimulus(vals, stimulus, k, rng, widths)


def _apply_stimulus(vals: dict[str, int], stimulus: Stimulus | None, k: int, rng: random.Random,
                    widths: Mapping[str, int]) -> dict[str, int]:
    if not stimulus:
        return vals
    for name, src in stimulus.items():
        if name not in widths:
            raise ChipLabError(f"stimulus for {name!r}, which is not a compared input ({', '.join(widths)})")
        if callable(src):
            v = int(src(k, rng))
        else:
            v = int(src[k]) if k < len(src) else int(src[-1])
        vals[name] = v & ((1 << widths[name]) - 1)
    return vals


def _signed(v: Any, width: int) -> int | None:
    try:
        iv = int(v.value if hasattr(v, "value") and not isinstance(v, int) else v)
    except (TypeError, ValueError):
        return None
    return iv & ((1 << width) - 1)


def _run_bench(sim: Any, bench: Callable[[Any], Any], failure: list[str]) -> None:
    """Run the testbench ``bench`` in ``sim``; the first message ``bench`` put in ``failure`` becomes an
    AssertionError, and so does a design that cannot be simulated (with a friendly reason)."""
    sim.add_testbench(bench)
    try:
        sim.run()
    except AssertionError:
        raise
    except Exception as e:  # noqa: BLE001
        from chiplab.hdl import friendly_error

        friendly = friendly_error(e, "simulating")
        raise AssertionError(f"your module could not be simulated: {friendly or e}") from None
    if failure:
        raise AssertionError(failure[0])


def _check_comb(pair: Any, drive: Mapping[str, Any], ins: list[tuple[str, Any, Any]],
                outs: list[tuple[str, Any, Any]], widths: Mapping[str, int], vectors: Any, how: str) -> int:
    from amaranth.sim import Simulator

    setters = [(n, drive[n]) for n, _, _ in ins]
    sim = Simulator(pair)
    count = 0
    failure: list[str] = []

    from amaranth.hdl import Cat

    in_all = Cat(*[sig for _, sig in setters])
    offsets, pos = [], 0
    for name, sig in setters:
        offsets.append((name, pos))
        pos += len(sig)
    s_all = Cat(*[s for _, s, _ in outs])
    r_all = Cat(*[r for _, _, r in outs])

    async def bench(ctx: Any) -> None:
        nonlocal count
        for vals in vectors:
            packed = 0
            for name, offset in offsets:
                packed |= vals[name] << offset
            ctx.set(in_all, packed)  # one assignment for all inputs
            count += 1
            if ctx.get(s_all) == ctx.get(r_all):  # all outputs at once; details only on a difference
                continue
            for _name, s, r in outs:
                got = _signed(ctx.get(s), len(r))
                exp = _signed(ctx.get(r), len(r))
                if got != exp:
                    wrong = []
                    for n2, s2, r2 in outs:
                        g2, e2 = _signed(ctx.get(s2), len(r2)), _signed(ctx.get(r2), len(r2))
                        if g2 != e2:
                            wrong.append(f"  {n2}: expected {_fmt(e2, len(r2))}, got {_fmt(g2, len(r2))}")
                    failure.append(
                        f"your module gives a wrong output for inputs {_fmt_inputs(vals, widths)}:\n"
                        + "\n".join(wrong) + "\n" + (
                            "(found by a formal check with Yosys)" if how == "formal" else
                            f"(found by {how} testing after {count} vector{'s' * (count != 1)})"))
                    return

    _run_bench(sim, bench, failure)
    return count


def _check_sequential(pair: Any, drive: Mapping[str, Any], ins: list[tuple[str, Any, Any]],
                      outs: list[tuple[str, Any, Any]], widths: Mapping[str, int], cycles: int, seed: int,
                      stimulus: Stimulus | None) -> int:
    from amaranth.sim import Simulator

    sim = Simulator(pair)
    sim.add_clock(1e-8)
    rng = random.Random(seed)
    failure: list[str] = []
    history: list[str] = []
    done = 0

    async def bench(ctx: Any) -> None:
        nonlocal done
        for cyc in range(cycles):
            vals = {name: rng.getrandbits(len(r)) for name, _, r in ins}
            vals = _apply_stimulus(vals, stimulus, cyc, rng, widths)
            for name, v in vals.items():
                ctx.set(drive[name], v)
            history.append(f"  cycle {cyc}: {_fmt_inputs(vals, widths)}")
            wrong = []
            for name, s, r in outs:
                got, exp = _signed(ctx.get(s), len(r)), _signed(ctx.get(r), len(r))
                if got != exp:
                    wrong.append(f"  {name}: expected {_fmt(exp, len(r))}, got {_fmt(got, len(r))}")
            if wrong:
                recent = history[-6:]
                failure.append(
                    f"your module's outputs differ from the reference at cycle {cyc} (cycles count from 0, "
                    f"the first cycle after reset):\n" + "\n".join(wrong)
                    + "\ninputs in the cycles up to this one:\n" + "\n".join(recent))
                return
            await ctx.tick()
            done = cyc + 1

    _run_bench(sim, bench, failure)
    return done


# --------------------------------------------------------------------------- formal (Yosys)

_YOSYS_SCRIPT = r"""
import sys
from pyosys import libyosys as ys
d = ys.Design()
cmds = [
    "read_rtlil gold.il", "read_rtlil gate.il", "proc", "opt_clean",
    "miter -equiv -flatten -make_outputs -ignore_gold_x gold gate miter", "hierarchy -top miter",
    "sat -prove trigger 0 -show-inputs -show-outputs -dump_vcd cex.vcd -timeout %d miter",
]
for c in cmds:
    ys.run_pass(c, d)
"""


def _wrap(dut: Any, ins: list[tuple[str, Any, Any]], outs: list[tuple[str, Any, Any]], which: int) -> Any:
    """A Component with only the compared ports (so extra ports of a student's module do not matter)."""
    from amaranth.hdl import Module
    from amaranth.lib import wiring
    from amaranth.lib.wiring import In, Out

    members = {f"p_{n}": In(len(r)) for n, _, r in ins}
    members.update({f"p_{n}": Out(len(r)) for n, _, r in outs})

    class _Wrap(wiring.Component):
        def __init__(self) -> None:
            super().__init__(members)

        def elaborate(self, platform: Any) -> Any:
            m = Module()
            m.submodules.dut = dut
            for n, *sigs in ins:
                m.d.comb += sigs[which].eq(getattr(self, f"p_{n}"))
            for n, *sigs in outs:
                m.d.comb += getattr(self, f"p_{n}").eq(sigs[which])
            return m

    return _Wrap()


def _formal(student: Any, reference: Any, ins: list[tuple[str, Any, Any]], outs: list[tuple[str, Any, Any]],
            timeout_s: float, report: EquivalenceReport) -> dict[str, int] | None:
    """Prove the two equal with a SAT miter; return a counter-example's inputs, or None."""
    from amaranth.back import rtlil

    from chiplab.waves import read_vcd

    try:
        gold = rtlil.convert(_wrap(reference, ins, outs, 1), name="gold")
        gate = rtlil.convert(_wrap(student, ins, outs, 0), name="gate")
    except Exception as e:  # noqa: BLE001
        report.notes.append(f"formal check skipped: the designs could not be exported ({e})")
        return None
    with tempfile.TemporaryDirectory(prefix="chiplab-equiv-") as tmp:
        d = Path(tmp)
        (d / "gold.il").write_text(gold)
        (d / "gate.il").write_text(gate)
        (d / "run.py").write_text(_YOSYS_SCRIPT % max(1, int(timeout_s)))
        try:
            proc = subprocess.run([sys.executable, "run.py"], cwd=d, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, errors="replace", timeout=timeout_s + 10)
        except subprocess.TimeoutExpired:
            report.notes.append(f"formal check stopped after {timeout_s:g} s")
            return None
        log = proc.stdout
        if "SAT proof finished - no model found: SUCCESS" in log:
            report.formal = True
            return None
        if "SAT proof finished - model found: FAIL" in log and (d / "cex.vcd").exists():
            w = read_vcd(d / "cex.vcd")
            cex = {}
            for name, _, r in ins:
                tr = w[f"in_p_{name}"]
                v = tr.values[0] if tr.values else 0
                cex[name] = int(v) if isinstance(v, int) else 0
                del r
            report.formal = False
            return cex
        tail = "\n".join(log.strip().splitlines()[-5:])
        report.notes.append(f"formal check inconclusive: {tail}")
        return None
