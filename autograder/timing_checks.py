"""Grading helpers for lab11 (static timing and closing timing): reference computations, never stored answers.

Every check recomputes its reference: it synthesizes designs with Yosys onto the sky130 hd cells and runs
ChipLab's static timing analysis (private copies of ``chiplab.synth`` and ``chiplab.timing`` loaded from their
files, so a notebook that patches the public modules does not change what the grader measures), then compares
the student's function or design with it.
"""

import math
import random
import warnings
from collections.abc import Callable
from typing import Any

from amaranth import Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from autograder.checks import private_copy

__all__ = [
    "TARGET_PERIOD_NS", "Mul8", "synthesize", "reference_reports", "slack_ref", "fmax_ref", "critical_endpoint_ref",
    "dominant_cell_ref", "check_slack", "check_fmax", "check_critical_endpoint", "check_dominant_cell",
    "check_wns_sweep", "check_pipelined", "simulate_outputs",
]

#: part 6: the clock the pipelined multiplier must meet (ns); the one-stage Mul8 needs about 3.12 ns
TARGET_PERIOD_NS = 3.0
TOL = 1e-6


synth = private_copy("chiplab.synth", "_timing_checks")
timing = private_copy("chiplab.timing", "_timing_checks")
pdk = private_copy("chiplab.pdk", "_timing_checks")


class Mul8(wiring.Component):
    """8 x 8 -> 16-bit multiplier with a registered output (one cycle of latency)."""

    a: In(8)
    b: In(8)
    y: Out(16)

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        m.d.sync += self.y.eq(self.a * self.b)
        return m


def synthesize(design: Any, top: str = "top") -> Any:
    """Synthesize with the checker's private copy of chiplab.synth (warnings kept off stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return synth.synthesize(design, top=top)


def reference_reports() -> list[Any]:
    """Timing reports of real designs at several clocks, on which the students' functions are checked."""
    counter = synthesize(synth.DESIGNS / "counter4.v", "counter4")
    adder = synthesize(synth.DESIGNS / "adder8.v", "adder8")
    mul = synthesize(Mul8(), "mul8")
    return [timing.analyze(counter.netlist, period_ns=2.0), timing.analyze(counter.netlist, period_ns=0.5),
            timing.analyze(adder.netlist, period_ns=1.0), timing.analyze(mul.netlist, period_ns=3.0)]


# ---------------------------------------------------------------------------------------------------------
# references
# ---------------------------------------------------------------------------------------------------------


def slack_ref(arrival_ns: float, period_ns: float, setup_ns: float) -> float:
    """Setup slack at a flip-flop: required time (period - setup) minus arrival."""
    return (period_ns - setup_ns) - arrival_ns


def fmax_ref(period_ns: float, wns_ns: float) -> float:
    """Highest clock frequency (MHz) from a report at ``period_ns`` with worst slack ``wns_ns``."""
    return 1000.0 / (period_ns - wns_ns)


def critical_endpoint_ref(report: Any) -> str:
    return min(report.endpoints, key=lambda e: e.slack).name


def dominant_cell_ref(report: Any) -> str:
    """The cell type (short name) whose instances add the most delay, summed, along the critical path."""
    totals: dict[str, float] = {}
    for p in report.critical_path:
        if p.cell:
            name = pdk.short_name(p.cell)
            totals[name] = totals.get(name, 0.0) + p.incr
    return max(totals, key=lambda k: totals[k])


# ---------------------------------------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------------------------------------


def _call(fn: Any, name: str, *args: Any) -> Any:
    if not callable(fn):
        raise AssertionError(f"{name} should be a function")
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - the student's code
        raise AssertionError(f"{name}{args!r} raised {type(exc).__name__}: {exc}") from None


def check_slack(fn: Callable[..., float], seed: int = 11) -> int:
    rng = random.Random(seed)
    cases = [(1.2, 2.0, 0.1), (2.5, 2.0, 0.1)] + [
        (round(rng.uniform(0.1, 5), 3), round(rng.uniform(0.5, 5), 3), round(rng.uniform(0.02, 0.2), 3))
        for _ in range(20)]
    for args in cases:
        got, want = _call(fn, "slack", *args), slack_ref(*args)
        if not isinstance(got, (int, float)) or isinstance(got, bool) or not math.isclose(got, want, abs_tol=TOL):
            raise AssertionError(f"slack{args} returned {got!r}: the required time is the period minus the setup "
                                 "time, and slack is required minus arrival (negative = violated)")
    return len(cases)


def check_fmax(fn: Callable[..., float], seed: int = 12) -> int:
    rng = random.Random(seed)
    cases = [(10.0, 6.0), (2.0, -0.5)] + [
        (round(rng.uniform(1, 10), 3), round(rng.uniform(-1, 0.9), 3)) for _ in range(20)]
    for args in cases:
        got, want = _call(fn, "fmax_mhz", *args), fmax_ref(*args)
        if not isinstance(got, (int, float)) or isinstance(got, bool) or not math.isclose(got, want, rel_tol=1e-6):
            raise AssertionError(f"fmax_mhz{args} returned {got!r}: the shortest period that works is "
                                 "period - WNS (ns), and 1000 / ns is MHz")
    return len(cases)


def check_critical_endpoint(fn: Callable[[Any], str]) -> int:
    reports = reference_reports()
    for r in reports:
        got, want = _call(fn, "critical_endpoint", r), critical_endpoint_ref(r)
        if got != want:
            raise AssertionError(f"critical_endpoint gave {got!r} on a report of {r.design} at {r.period} ns: "
                                 "the critical endpoint is the one with the smallest (most negative) slack")
    return len(reports)


def check_dominant_cell(fn: Callable[[Any], str]) -> int:
    reports = reference_reports()
    for r in reports:
        got, want = _call(fn, "dominant_cell", r), dominant_cell_ref(r)
        if not isinstance(got, str) or pdk.short_name(got) != want:
            raise AssertionError(f"dominant_cell gave {got!r} on a report of {r.design}: add up the Incr of every "
                                 "point of the critical path per cell type (short name) and take the largest sum")
    return len(reports)


def check_wns_sweep(fn: Callable[..., Any]) -> int:
    mul = synthesize(Mul8(), "mul8")
    periods = [2.0, 2.75, 3.5, 5.0]
    got = _call(fn, "wns_sweep", mul.netlist, periods)
    try:
        got = [float(x) for x in got]
    except (TypeError, ValueError):
        raise AssertionError(f"wns_sweep should return a list of numbers, not {got!r}") from None
    want = [timing.analyze(mul.netlist, period_ns=p).wns for p in periods]
    if len(got) != len(want) or any(not math.isclose(g, w, abs_tol=1e-6) for g, w in zip(got, want)):
        raise AssertionError(f"wns_sweep(netlist, {periods}) gave {got}: run timing.analyze at each period "
                             "and collect report.wns, in the same order")
    return len(periods)


def simulate_outputs(design: Any, stimulus: list[tuple[int, int]]) -> list[int]:
    """Value of ``y`` in each cycle (before the clock edge) while ``a, b`` are driven with ``stimulus``."""
    from amaranth.sim import Simulator  # noqa: PLC0415

    out: list[int] = []

    async def bench(ctx: Any) -> None:
        for a, b in stimulus:
            ctx.set(design.a, a)
            ctx.set(design.b, b)
            out.append(ctx.get(design.y))
            await ctx.tick()

    sim = Simulator(design)
    sim.add_clock(1e-6)
    sim.add_testbench(bench)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.run()
    return out


def check_pipelined(cls: Any, seed: int = 13) -> float:
    """Part 6: ``cls`` computes a * b with two cycles of latency and meets TARGET_PERIOD_NS. Returns the WNS."""
    if not isinstance(cls, type) or not issubclass(cls, wiring.Component):
        raise AssertionError("PipelinedMul should be an Amaranth wiring.Component class")
    try:
        dut = cls()
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"PipelinedMul() raised {type(exc).__name__}: {exc}") from None
    for port, width in (("a", 8), ("b", 8), ("y", 16)):
        sig = getattr(dut, port, None)
        if sig is None or len(sig) != width:
            raise AssertionError(f"PipelinedMul needs the port {port} of {width} bits, like Mul8")
    rng = random.Random(seed)
    stim = [(255, 255), (0, 7), (1, 1)] + [(rng.randrange(256), rng.randrange(256)) for _ in range(60)]
    got = simulate_outputs(dut, stim)
    for t in range(2, len(stim)):
        a, b = stim[t - 2]
        if got[t] != a * b:
            raise AssertionError(f"cycle {t}: y = {got[t]}, expected {a} * {b} = {a * b} (the inputs of two "
                                 "cycles earlier: Mul8's one cycle plus one pipeline stage)")
    report = timing.analyze(synthesize(cls(), "pipelined_mul").netlist, period_ns=TARGET_PERIOD_NS)
    if report.wns < 0:
        raise AssertionError(f"WNS {report.wns:+.3f} ns at {TARGET_PERIOD_NS} ns: timing is not met. Which path "
                             "is critical now? A register must cut the multiplier's logic, not just delay its result")
    return report.wns
