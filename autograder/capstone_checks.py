"""Grading helpers for lab12, the capstone: a serial CRC-8 engine from specification to checked GDS.

The spec (see the lab notebook): ``Crc8`` is a ``wiring.Component`` with inputs ``clear``, ``en``, ``din`` and
outputs ``crc`` (8 bits) and ``match``. At each rising clock edge, in priority order: ``rst`` (the sync domain's
reset) or ``clear`` load ``INIT`` (0xFF); else, with ``en``, one message bit ``din`` is shifted in, MSB first,
through the polynomial x^8 + x^2 + x + 1 (0x07); else the register holds. ``match`` (combinational) is 1
exactly when ``crc`` is 0x00: after a message followed by its own CRC (MSB first) the register is 0.

Hidden tests load this module with ``autograder.checks.fresh("autograder.capstone_checks")`` and call:

* :func:`check_reset`, :func:`check_messages`, :func:`check_random` on the student's RTL (directed sequences
  against :class:`CrcModel`, then :func:`autograder.equivalence.check_module` against :class:`Crc8Ref`);
* :func:`grade_testbench` / :func:`require_caught` on the student's cocotb testbench, run on
  :data:`REFERENCE_VERILOG` and on the :data:`MUTANTS` (with :mod:`autograder.mutation`);
* :func:`run_physical` (ChipLab's flow and a gate-level simulation, in a separate Python process, so that a
  notebook that patches ``chiplab`` cannot change what is measured), then :func:`check_layout`,
  :func:`check_gate_level`, :func:`check_timing`;
* :func:`check_report` / :func:`check_report_verification` on the student's one-page report.

Run as a program (``python -m autograder.capstone_checks flow DESIGN.v OUT_DIR CLOCK_NS``) it is that separate
process: it runs the flow and the gate-level simulation and writes ``OUT_DIR/physical.json``.
"""


import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amaranth import Cat, Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from autograder.checks import fresh, private_copy

__all__ = [
    "TOP", "SPEC_CLOCK_NS", "POLY", "INIT", "PORTS", "crc8", "crc8_bits", "bits_of", "CrcModel", "Crc8Ref",
    "REFERENCE_VERILOG", "MUTANTS", "SANITY_MUTANTS", "simulate", "check_ports", "check_reset",
    "check_messages", "check_random", "grade_testbench", "require_caught", "Physical", "run_physical",
    "check_layout", "glsim_steps", "check_gate_level", "check_timing", "check_report", "check_report_verification",
    "timing_diagram",
]

# the clocked-stimulus runner, as a private copy a student cannot patch (like seq_checks and uart_checks)
_clocked = private_copy("autograder.clocked", "_capstone_checks")
_silence_unused = _clocked.silence_unused

#: the top module name everything uses (Verilog export, flow, testbench)
TOP = "crc8"
#: the spec's clock: 50 MHz
SPEC_CLOCK_NS = 20.0
#: x^8 + x^2 + x + 1 without the x^8 term
POLY = 0x07
#: value after reset and after clear
INIT = 0xFF
#: port -> (direction, width)
PORTS = {"clear": ("in", 1), "en": ("in", 1), "din": ("in", 1), "crc": ("out", 8), "match": ("out", 1)}

# --------------------------------------------------------------------------------------------------------
# the golden model
# --------------------------------------------------------------------------------------------------------


def step(crc: int, din: int) -> int:
    """The register after shifting in one bit (MSB-first, Galois form)."""
    fb = ((crc >> 7) ^ din) & 1
    return ((crc << 1) & 0xFF) ^ (POLY if fb else 0)


def crc8_bits(bits: Sequence[int], init: int = INIT) -> int:
    crc = init
    for b in bits:
        crc = step(crc, int(b) & 1)
    return crc


def bits_of(data: bytes | Sequence[int]) -> list[int]:
    """The bits of some bytes in the order they are sent: each byte MSB first."""
    return [(byte >> (7 - i)) & 1 for byte in bytes(data) for i in range(8)]


def crc8(data: bytes | Sequence[int]) -> int:
    """CRC-8 of some bytes, as the engine computes it after reset (no reflection, no final XOR)."""
    return crc8_bits(bits_of(data))


class CrcModel:
    """The spec cycle by cycle: ``outputs()`` before a clock edge, ``step(inputs)`` at it."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.crc = INIT

    def outputs(self, inputs: Mapping[str, int] | None = None) -> dict[str, int]:
        return {"crc": self.crc, "match": int(self.crc == 0)}

    def step(self, inputs: Mapping[str, int]) -> None:
        if inputs.get("rst") or inputs.get("clear"):
            self.crc = INIT
        elif inputs.get("en"):
            self.crc = step(self.crc, int(inputs.get("din", 0)))


class Crc8Ref(wiring.Component):
    """The reference design (what the hidden tests compare a student's Crc8 with)."""

    clear: In(1)
    en: In(1)
    din: In(1)
    crc: Out(8, init=INIT)
    match: Out(1)

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        fb = self.crc[7] ^ self.din
        with m.If(self.clear):
            m.d.sync += self.crc.eq(INIT)
        with m.Elif(self.en):
            m.d.sync += self.crc.eq(Cat(fb, self.crc[0] ^ fb, self.crc[1] ^ fb, self.crc[2:7]))
        m.d.comb += self.match.eq(self.crc == 0)
        return m


#: the reference in Verilog: the student's testbench must pass on it; the mutants are edits of it
REFERENCE_VERILOG = """\
// crc8: serial CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), MSB first, initial value 0xFF.
// The reference design of ChipLab lab12 (written by hand from the spec in the lab notebook).
module crc8 (
    input  wire       clk,
    input  wire       rst,
    input  wire       clear,
    input  wire       en,
    input  wire       din,
    output reg  [7:0] crc,
    output wire       match
);
    wire fb = crc[7] ^ din;

    always @(posedge clk) begin
        if (rst)
            crc <= 8'hFF;                 // reset value
        else if (clear)
            crc <= 8'hFF;                 // clear value
        else if (en)
            crc <= {crc[6:2], crc[1] ^ fb, crc[0] ^ fb, fb};
    end

    assign match = (crc == 8'h00);
endmodule
"""

#: (name, edits, hint): the hidden bugs of part 2; the hint names the behaviour a testbench must check
MUTANTS: list[tuple[str, list[tuple[str, str]], str]] = [
    ("reset_value", [("8'hFF;                 // reset value", "8'hFE;                 // reset value")],
     "the value of crc right after reset"),
    ("clear_loses_to_en", [("else if (clear)", "else if (clear && !en)")],
     "clear while en is 1 (clear has priority)"),
    ("clear_value", [("8'hFF;                 // clear value", "8'h00;                 // clear value")],
     "the value of crc right after clear"),
    ("enable_ignored", [("else if (en)", "else")],
     "that crc holds while en is 0"),
    ("x1_tap_missing", [("crc[0] ^ fb, fb}", "crc[0], fb}")],
     "CRCs of messages against your model (every tap of the polynomial)"),
    ("match_ignores_msb", [("(crc == 8'h00)", "(crc[6:0] == 7'h00)")],
     "match in every cycle, also when only the top bit of crc is 1"),
]
#: a bug every testbench that checks anything at all must catch (part 2, first cell)
SANITY_MUTANTS: list[tuple[str, list[tuple[str, str]], str]] = [
    ("never_shifts", [("else if (en)", "else if (1'b0)")], "that crc changes when bits are shifted in"),
]
_HINTS = {name: hint for name, _, hint in MUTANTS + SANITY_MUTANTS}


# --------------------------------------------------------------------------------------------------------
# simulating a student's design
# --------------------------------------------------------------------------------------------------------


def _instance(cls: Any, label: str = "Crc8") -> Any:
    if isinstance(cls, type):
        try:
            return cls()
        except NotImplementedError:
            raise AssertionError(f"{label} is not written yet (NotImplementedError)") from None
        except Exception as exc:  # noqa: BLE001 - the student's constructor
            raise AssertionError(f"{label}() raised {type(exc).__name__}: {exc}") from None
    return cls


def check_ports(dut: Any, label: str = "Crc8") -> None:
    """The ports of the spec, with the right widths and directions."""
    from amaranth.hdl import Value

    _silence_unused(dut)
    sig = getattr(dut, "signature", None)
    flows = {}
    if isinstance(sig, wiring.Signature):
        flows = {name: ("in" if m.flow == wiring.In else "out") for name, m in sig.members.items()}
    for port, (direction, width) in PORTS.items():
        value = getattr(dut, port, None)
        if value is None:
            raise AssertionError(f"{label} has no port {port!r}: the spec's ports are {', '.join(PORTS)}")
        if not isinstance(value, Value):
            raise AssertionError(f"{label}.{port} should be an Amaranth signal, not {type(value).__name__}")
        if len(value) != width:
            raise AssertionError(f"{label}.{port} is {len(value)} bit(s) wide; the spec says {width}")
        if flows and port in flows and flows[port] != direction:
            raise AssertionError(f"{label}.{port} should be {'an In' if direction == 'in' else 'an Out'} port")


def simulate(dut: Any, steps: Sequence[Mapping[str, int]], outputs: Sequence[str] = ("crc", "match"),
             label: str = "Crc8") -> list[dict[str, int]]:
    """One clock cycle per step (inputs, ``rst`` for the reset); the outputs seen before each clock edge.
    (:func:`autograder.clocked.run_clocked`.)"""
    return _clocked.run_clocked(dut, steps, outputs, label=label)


def _fmt(values: Mapping[str, int], sep: str = ", ") -> str:
    return sep.join(f"{k}={v:#04x}" if k == "crc" else f"{k}={v}" for k, v in values.items())


def _compare(cls: Any, steps: list[dict[str, int]], what: str, label: str = "Crc8") -> int:
    """Run ``steps`` (every input given in every step) on a fresh instance and on the model; fail at the first
    cycle that differs, with the cycles leading up to it."""
    dut = _instance(cls, label)
    check_ports(dut, label)
    got = simulate(dut, steps, label=label)
    model = CrcModel()
    history: list[str] = []
    for cycle, (s, out) in enumerate(zip(steps, got)):
        want = model.outputs()
        history.append(f"    cycle {cycle:3d}: {_fmt({k: s.get(k, 0) for k in ('rst', 'clear', 'en', 'din')})}"
                       f"  | got {_fmt(out)}")
        if cycle > 0:  # cycle 0 is the first reset: the register is unknown before it
            bad = [o for o in ("crc", "match") if out[o] != want[o]]
            if bad:
                raise AssertionError("\n".join(
                    [f"{label}: {bad[0]} is wrong in clock cycle {cycle} ({what}).",
                     f"  expected {_fmt({o: want[o] for o in bad}, ' and ')}; "
                     f"got {_fmt({o: out[o] for o in bad}, ' and ')}",
                     "  the cycles up to it (inputs | outputs before the clock edge):"] + history[-8:]))
        model.step(s)
    return len(steps)


def _step(rst: int = 0, clear: int = 0, en: int = 0, din: int = 0) -> dict[str, int]:
    return {"rst": rst, "clear": clear, "en": en, "din": din}


def _shift(bits: Sequence[int]) -> list[dict[str, int]]:
    return [_step(en=1, din=b) for b in bits]


def check_reset(cls: Any) -> int:
    """Part 1a: reset and clear, alone and against ``en``, at the start and in the middle of a message."""
    rng = random.Random(121)
    msg = bits_of(b"\xa5\x3c")
    steps = [_step(rst=1), _step(), _step(en=0, din=1)]                       # after reset, idle
    steps += _shift(msg[:11]) + [_step(rst=1, en=1, din=1), _step()]           # reset mid-message
    steps += _shift(msg[:13]) + [_step(clear=1), _step()]                      # clear mid-message
    steps += _shift(msg[:5]) + [_step(clear=1, en=1, din=1), _step(), _step()]  # clear wins over en
    steps += _shift(msg[:7]) + [_step(rst=1, clear=1, en=1, din=0), _step()]   # reset with everything
    steps += [_step(clear=1, en=1, din=rng.getrandbits(1)) for _ in range(3)] + [_step()]
    return _compare(cls, steps, "reset and clear")


def check_messages(cls: Any, seed: int = 122) -> int:
    """Part 1b: CRCs of known and random messages (with pauses of en = 0), and match after message + CRC."""
    rng = random.Random(seed)
    messages = [b"123456789", b"\x00", b"\xff\xff", b"\x80", bytes(rng.getrandbits(8) for _ in range(5))]
    messages += [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 4))) for _ in range(4)]
    steps = [_step(rst=1)]
    for k, msg in enumerate(messages):
        bits = bits_of(msg)
        if k % 2:  # the CRC appended: the register must end at 0 (match = 1)
            bits += bits_of([crc8(msg)])
        for b in bits:
            while rng.random() < 0.15:  # en = 0: hold, whatever din does
                steps.append(_step(en=0, din=rng.getrandbits(1)))
            steps.append(_step(en=1, din=b))
        steps += [_step(), _step(clear=1), _step()]
    return _compare(cls, steps, "known messages and message + CRC")


def check_random(cls: Any, cycles: int = 3000, seed: int = 123) -> Any:
    """Part 1c: the student's design against :class:`Crc8Ref`, random inputs cycle by cycle
    (:func:`autograder.equivalence.check_module`); clear is rare so that long messages happen."""
    eq = fresh("autograder.equivalence")
    dut = _instance(cls)
    check_ports(dut)
    stimulus = {"clear": lambda c, r: int(r.random() < 0.04), "en": lambda c, r: int(r.random() < 0.75)}
    return eq.check_module(dut, Crc8Ref(), inputs=["clear", "en", "din"], outputs=["crc", "match"],
                           sequential=True, cycles=cycles, seed=seed, stimulus=stimulus)


# --------------------------------------------------------------------------------------------------------
# verification: the student's testbench, by mutation
# --------------------------------------------------------------------------------------------------------


def grade_testbench(testbench: Any, sanity: bool = True, seed: int = 1) -> Any:
    """Run the testbench on the reference and on every mutant (and the sanity mutant): a MutationReport."""
    mut = fresh("autograder.mutation")
    mutants = [(n, e) for n, e, _ in MUTANTS + (SANITY_MUTANTS if sanity else [])]
    return mut.grade_testbench(testbench, REFERENCE_VERILOG, mutants, toplevel=TOP, seed=seed, budget_s=100.0)


def require_caught(report: Any, name: str) -> None:
    mut = fresh("autograder.mutation")
    mut.require_caught(report, name, hint=_HINTS[name])


# --------------------------------------------------------------------------------------------------------
# physical design: the flow, run by the grader in its own process
# --------------------------------------------------------------------------------------------------------


@dataclass
class Physical:
    """What the grader's own flow run made of a design (see :func:`run_physical`)."""

    ok: bool  # the flow ran to the end
    error: str = ""  # why not
    report: dict = field(default_factory=dict)  # the flow's report.json
    cells: dict[str, int] = field(default_factory=dict)  # cell type (short name) -> count
    gds: bool = False  # a GDS file was written
    gate_level: list[dict] = field(default_factory=list)  # the netlist's outputs on glsim_steps()
    glsim_error: str = ""
    verilog: str = ""
    seconds: float = 0.0


def _export(dut: Any) -> str:
    """The design as Verilog (module ``crc8``), exported with a private copy of chiplab.hdl."""
    hdl = fresh_chiplab("chiplab.hdl")
    try:
        return hdl.to_verilog(dut, name=TOP)
    except NotImplementedError:
        raise AssertionError("Crc8 is not written yet (NotImplementedError)") from None
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"your Crc8 could not be exported to Verilog: {exc}") from None


def fresh_chiplab(module: str) -> Any:
    return private_copy(module, "_capstone")


def run_physical(cls: Any, clock_ns: float = SPEC_CLOCK_NS, out_dir: str | os.PathLike | None = None,
                 timeout_s: float = 100.0) -> Physical:
    """Export the student's design and run, in a new Python process, ChipLab's flow (synthesis to GDS, DRC,
    connectivity, STA at ``clock_ns``) and a gate-level simulation of its netlist against the RTL."""
    t0 = time.monotonic()
    dut = _instance(cls)
    check_ports(dut)
    verilog = _export(dut)
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="chiplab-capstone-"))
    out.mkdir(parents=True, exist_ok=True)
    src = out / f"{TOP}.v"
    src.write_text(verilog)
    root = str(Path(__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_CURRENT_TEST",)}
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MPLBACKEND"] = "Agg"
    cmd = [sys.executable, "-m", "autograder.capstone_checks", "flow", str(src), str(out), repr(float(clock_ns))]
    try:
        proc = subprocess.run(cmd, cwd=out, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors="replace", timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return Physical(False, f"the flow took longer than {timeout_s:g} s", verilog=verilog,
                        seconds=time.monotonic() - t0)
    result = out / "physical.json"
    if not result.exists():
        tail = "\n".join(proc.stdout.strip().splitlines()[-8:])
        return Physical(False, f"the flow stopped:\n{tail}", verilog=verilog, seconds=time.monotonic() - t0)
    data = json.loads(result.read_text())
    return Physical(data["ok"], data.get("error", ""), data.get("report", {}), data.get("cells", {}),
                    data.get("gds", False), data.get("gate_level", []), data.get("glsim_error", ""), verilog,
                    time.monotonic() - t0)


def _flow_main(src: str, out: str, clock_ns: float) -> int:
    """The grader's process: flow + gate-level simulation; everything it finds goes to physical.json."""
    from chiplab import synth
    from chiplab.errors import ChipLabError
    from chiplab.flow import run_flow

    data: dict[str, Any] = {"ok": False}
    try:
        res = run_flow([src], TOP, clock_ns=clock_ns, out_dir=Path(out) / "flow", progress=False, render=False)
        data.update(ok=True, report=res.report, cells=dict(res.synth.cells),
                    gds=bool(res.gds_path and Path(res.gds_path).exists()))
        try:
            data["gate_level"] = synth.gate_level_sim(res.synth, glsim_steps(), top=TOP)
        except ChipLabError as exc:
            data["glsim_error"] = str(exc).splitlines()[0]
    except ChipLabError as exc:
        data["error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - report it to the hidden test, which fails with it
        data["error"] = f"{type(exc).__name__}: {exc}"
    (Path(out) / "physical.json").write_text(json.dumps(data, default=str))
    return 0


def _require_flow(phys: Physical) -> None:
    if not phys.ok:
        raise AssertionError(f"the grader's run of ChipLab's flow on your Crc8 failed: {phys.error[:600]}")


def check_layout(phys: Physical) -> None:
    """Part 3a: a GDS, no DRC errors, every net routed, layout connectivity = netlist."""
    _require_flow(phys)
    r = phys.report
    if not phys.gds:
        raise AssertionError("the flow wrote no GDS for your design")
    if r.get("unrouted_nets"):
        raise AssertionError(f"nets left unrouted: {r['unrouted_nets'][:5]}")
    if r.get("drc_errors") != 0:
        raise AssertionError(f"the layout has {r.get('drc_errors')} DRC errors ({r.get('drc_by_rule')})")
    if not r.get("connectivity_ok"):
        raise AssertionError(f"the layout's connectivity differs from the netlist: opens {r.get('opens', [])[:3]},"
                             f" shorts {r.get('shorts', [])[:3]}")


def glsim_steps(cycles: int = 400, seed: int = 12) -> list[dict[str, int]]:
    """Inputs for the gate-level simulation: a reset in cycle 0, then random bits, en mostly on, clear and
    reset rare (so that a register that is not reset stays unknown for a while in the gates)."""
    rng = random.Random(seed)
    out = [_step(rst=1)]
    for _ in range(cycles - 1):
        out.append(_step(rst=int(rng.random() < 0.01), clear=int(rng.random() < 0.03),
                         en=int(rng.random() < 0.8), din=rng.getrandbits(1)))
    return out


def check_gate_level(phys: Physical, cls: Any) -> int:
    """Part 3b: the synthesized netlist (sky130 cell models in Icarus) gives the same outputs as the student's
    RTL (Amaranth simulation) in every cycle after the first reset. Returns the cycles compared."""
    _require_flow(phys)
    if phys.glsim_error:
        raise AssertionError(f"the gate-level simulation did not run: {phys.glsim_error}")
    steps = glsim_steps()
    if len(phys.gate_level) != len(steps):
        raise AssertionError("the gate-level simulation gave no result for every cycle")
    rtl = simulate(_instance(cls), steps)
    for cycle in range(1, len(steps)):
        for o in ("crc", "match"):
            g, r = phys.gate_level[cycle].get(o), rtl[cycle][o]
            if g != r:
                shown = g if isinstance(g, str) else (f"{g:#04x}" if o == "crc" else str(g))
                want = f"{r:#04x}" if o == "crc" else str(r)
                raise AssertionError(
                    f"in clock cycle {cycle} the gate-level netlist gives {o} = {shown}, your RTL gives {want}. "
                    "Real flip-flops start unknown (x): does every register get its value from reset (no "
                    "reset_less registers that rely on an init value)?")
    return len(steps) - 1


def check_timing(phys: Physical, clock_ns: float = SPEC_CLOCK_NS) -> float:
    """Part 3c: setup timing met at the spec clock (WNS >= 0 from the flow's STA). Returns the WNS."""
    _require_flow(phys)
    wns = phys.report.get("wns_ns")
    if wns is None:
        raise AssertionError("the flow's timing analysis gave no result")
    if float(phys.report.get("clock_ns", -1)) != float(clock_ns):
        raise AssertionError(f"the grader's flow ran at {phys.report.get('clock_ns')} ns, not {clock_ns} ns")
    if wns < 0:
        raise AssertionError(f"timing is not met at the spec clock ({1000 / clock_ns:g} MHz): WNS {wns:+.3f} ns")
    return float(wns)


# --------------------------------------------------------------------------------------------------------
# the one-page report
# --------------------------------------------------------------------------------------------------------

#: report field -> (flow report key, relative tolerance): what a report must agree on with the grader's run
REPORT_FIELDS = {
    "cells": ("cells", 0.0), "area_um2": ("area_um2", 1e-3), "utilization": ("utilization", 1e-2),
    "clock_ns": ("clock_ns", 0.0), "wns_ns": ("wns_ns", 0.02), "fmax_mhz": ("fmax_mhz", 0.02),
    "drc_errors": ("drc_errors", 0.0), "connectivity_ok": ("connectivity_ok", 0.0),
}


def _report_data(rep: Any) -> dict:
    data = getattr(rep, "data", rep)
    if not isinstance(data, Mapping):
        raise AssertionError("REPORT should be what chiplab.report.one_page returns (with a .data dict)")
    return dict(data)


def check_report(rep: Any, phys: Physical, clock_ns: float = SPEC_CLOCK_NS) -> None:
    """Part 4a: the report's figures are those of the design at the spec clock (the grader's own flow run),
    and its page was written."""
    _require_flow(phys)
    data = _report_data(rep)
    missing = [k for k in (*REPORT_FIELDS, "cell_counts") if k not in data]
    if missing:
        raise AssertionError(f"the report has no {', '.join(missing)}: make it with one_page(FLOW, ...)")
    if data.get("clock_ns") is None or not math.isclose(float(data["clock_ns"]), clock_ns):
        raise AssertionError(f"the report is for a clock of {data.get('clock_ns')} ns; the spec's clock is "
                             f"{clock_ns:g} ns ({1000 / clock_ns:g} MHz): run the flow at the spec clock")
    want = phys.report
    for key, (src, tol) in REPORT_FIELDS.items():
        got, ref = data.get(key), want.get(src)
        if isinstance(ref, bool) or isinstance(got, bool) or ref is None:
            same = got == ref
        else:
            try:
                same = math.isclose(float(got), float(ref), rel_tol=tol, abs_tol=1e-9 if tol == 0 else 1e-3)
            except (TypeError, ValueError):
                same = False
        if not same:
            raise AssertionError(f"the report's {key} ({got!r}) does not agree with the grader's run of the flow "
                                 "on your Crc8 at the spec clock: make the report from the flow result of your "
                                 "final design (not from an older run, and not typed in by hand)")
    counts = {str(k): int(v) for k, v in dict(data["cell_counts"]).items()}
    if counts != {str(k): int(v) for k, v in phys.cells.items()}:
        raise AssertionError("the report's cell_counts do not agree with the grader's synthesis of your Crc8")
    page = getattr(rep, "path", None)
    if page is None or not Path(page).exists():
        raise AssertionError("the report's page was not saved: give one_page an out= file (.png or .pdf)")


def check_report_verification(rep: Any, tb_report: Any) -> None:
    """Part 4b: the report states the verification result: every test of the testbench passed."""
    data = _report_data(rep)
    ver = data.get("verification")
    if not isinstance(ver, Mapping) or "passed" not in ver or "failed" not in ver:
        raise AssertionError("the report has no verification result: pass verification={'passed': n, "
                             "'failed': m} to one_page, from your testbench's run")
    if not tb_report.reference_passed:
        raise AssertionError("your testbench does not pass on the reference design, so the report's "
                             "verification result cannot be right")
    n = len(tb_report.tests)
    if int(ver["passed"]) != n or int(ver["failed"]) != 0:
        raise AssertionError(f"the report says {ver['passed']} passed and {ver['failed']} failed; your testbench "
                             f"has {n} test(s): report the run of your final testbench on your final design")


# --------------------------------------------------------------------------------------------------------
# the spec's timing diagram
# --------------------------------------------------------------------------------------------------------


def spec_steps() -> list[dict[str, int]]:
    """The stimulus of the spec's timing diagram: reset, the byte 0x31 ('1'), a pause, its CRC, clear."""
    c = crc8(b"1")
    bits = bits_of(b"1")
    steps = [_step(rst=1), _step()]
    steps += _shift(bits[:5]) + [_step(en=0, din=1), _step(en=0, din=0)] + _shift(bits[5:])
    steps += _shift(bits_of([c])) + [_step(), _step(clear=1, en=1, din=1), _step()]
    return steps


def timing_diagram(period_ns: float = SPEC_CLOCK_NS) -> Any:
    """:class:`chiplab.waves.Waves` of the model on :func:`spec_steps` (for the notebook's spec picture)."""
    from chiplab.waves import Trace, Waves

    steps = spec_steps()
    names = ["rst", "clear", "en", "din"]
    traces = {n: Trace(n, 1) for n in names}
    traces["crc"], traces["match"] = Trace("crc", 8), Trace("match", 1)
    clk = Trace("clk", 1)
    model = CrcModel()
    model.crc = None  # unknown before the first reset
    for k, s in enumerate(steps):
        t = k * period_ns  # rising edge k (cycle k runs from it to the next one)
        clk.append(t, 1 if k else 0)
        clk.append(t + period_ns / 2, 0)
        for n in names:  # inputs are driven just after the edge
            traces[n].append(t + 0.15 * period_ns if k else 0.0, s[n])
        crc = model.crc  # what the register holds during cycle k
        traces["crc"].append(t, crc)
        traces["match"].append(t, None if crc is None else int(crc == 0))
        if s["rst"] or s["clear"]:
            model.crc = INIT
        elif s["en"] and crc is not None:
            model.crc = step(crc, s["din"])
    end = len(steps) * period_ns
    return Waves([clk, *(traces[n] for n in names), traces["crc"], traces["match"]], end=end, clock="clk",
                 period=period_ns)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 4 and args[0] == "flow":
        return _flow_main(args[1], args[2], float(args[3]))
    print("usage: python -m autograder.capstone_checks flow DESIGN.v OUT_DIR CLOCK_NS", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
