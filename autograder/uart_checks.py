"""Grading helpers for lab06 (a UART transmitter): golden models, a reference decoder, cycle-by-cycle checks.

The hidden tests of lab06 load this module through :func:`autograder.checks.fresh` and call

* :func:`check_frame_bits` for the Python frame function,
* :func:`check_model` for the small blocks (baud tick, frame shift register) against a Python model,
* :func:`check_tx` for the transmitter: it simulates the student's ``UartTx`` from reset, cycle by cycle,
  compares ``tx`` and ``ready`` with :class:`TxModel`, and at the first difference says *where in the
  serial frame* it happened (which byte, start / data bit i / stop bit, which cycle of that bit, the clock
  cycle, expected and got), with what :func:`decode_line`, a reference receiver, read from the student's
  line.

The lab's spec (see the notebook): a frame is a start bit (0), 8 data bits LSB first, a stop bit (1), each
``divisor`` clock cycles long. A byte is accepted in a cycle where ``valid`` and ``ready`` are both 1; the
start bit begins in the next cycle; ``ready`` is 0 from then until the last cycle of the stop bit.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from autograder.checks import private_copy

__all__ = [
    "FRAME_BITS", "frame_bits", "bit_name", "decode_line", "Decoded", "simulate_cycles", "check_ports",
    "check_model", "check_frame_bits", "BaudTickModel", "TxShiftModel", "TxModel", "check_tx",
    "tx_stimulus",
]

#: start + 8 data + stop
FRAME_BITS = 10


class Model(Protocol):
    def reset(self) -> None: ...
    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]: ...
    def step(self, inputs: Mapping[str, int]) -> None: ...


def frame_bits(byte: int) -> list[int]:
    """The line levels of one frame: start bit 0, data bits LSB first, stop bit 1."""
    return [0] + [(byte >> i) & 1 for i in range(8)] + [1]


def bit_name(pos: int) -> str:
    """``pos`` in the frame (0 = start, 1..8 = data, 9 = stop) as words."""
    if pos == 0:
        return "the start bit"
    if pos == FRAME_BITS - 1:
        return "the stop bit"
    return f"data bit {pos - 1}"


@dataclass
class Decoded:
    """One frame read by the reference receiver."""

    start_cycle: int  # the first cycle of the start bit
    byte: int
    stop_ok: bool


def decode_line(levels: Sequence[int], divisor: int) -> list[Decoded]:
    """Read a serial line, one level per clock cycle, like a receiver sampling in the middle of each bit."""
    frames: list[Decoded] = []
    c, n = 1, len(levels)
    while c < n:
        if levels[c] == 0 and levels[c - 1] == 1:
            mid = c + divisor // 2
            if mid + 9 * divisor >= n:
                break
            if levels[mid] != 0:  # a glitch, not a start bit
                c += 1
                continue
            byte = sum(int(levels[mid + (i + 1) * divisor]) << i for i in range(8))
            stop = levels[mid + 9 * divisor] == 1
            frames.append(Decoded(c, byte, stop))
            c = mid + 9 * divisor + (1 if stop else 0)
            continue
        c += 1
    return frames


# ---- simulation ----------------------------------------------------------------------------------

# a private copy: a student patching autograder.clocked does not change what the checks simulate
_clocked = private_copy("autograder.clocked", "_uart_checks")
_silence_unused = _clocked.silence_unused


def _name(dut: Any) -> str:
    return type(dut).__name__


def check_ports(dut: Any, ports: Mapping[str, int], label: str | None = None) -> None:
    """Every port in ``ports`` is an Amaranth signal attribute of ``dut`` of that width."""
    from amaranth.hdl import Value

    _silence_unused(dut)
    label = label or _name(dut)
    for port, width in ports.items():
        sig = getattr(dut, port, None)
        if sig is None:
            raise AssertionError(f"{label} has no attribute {port!r}: keep the port names of the skeleton")
        if not isinstance(sig, Value):
            raise AssertionError(f"{label}.{port} should be an Amaranth Signal, not {type(sig).__name__}")
        if len(sig) != width:
            raise AssertionError(f"{label}.{port} is {len(sig)} bit(s) wide; it should be {width}")


def simulate_cycles(dut: Any, steps: Sequence[Mapping[str, int]], outputs: Sequence[str]) -> list[dict[str, int]]:
    """One clock cycle per step (input values, optionally ``rst``); the outputs before each clock edge.
    (:func:`autograder.clocked.run_clocked` with its defaults.)"""
    return _clocked.run_clocked(dut, steps, outputs)


def _fmt(values: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def check_model(dut: Any, model: Model, inputs: Mapping[str, int], outputs: Sequence[str], *,
                cycles: int = 300, seed: int = 0, label: str | None = None,
                stimulus: Callable[[random.Random, int], dict[str, int]] | None = None) -> int:
    """``dut`` against ``model`` for ``cycles`` cycles of seeded random inputs; reset in cycle 0 only."""
    label = label or _name(dut)
    check_ports(dut, dict(inputs), label)
    for o in outputs:
        if getattr(dut, o, None) is None:
            raise AssertionError(f"{label} has no output {o!r}: keep the port names of the skeleton")
    rng = random.Random(seed)
    steps = []
    for cycle in range(cycles):
        step = stimulus(rng, cycle) if stimulus else {k: rng.getrandbits(w) for k, w in inputs.items()}
        step["rst"] = int(cycle == 0)
        steps.append(step)
    got = simulate_cycles(dut, steps, outputs)
    model.reset()
    history: list[str] = []
    for cycle, (step, out) in enumerate(zip(steps, got)):
        ins = {k: v for k, v in step.items() if k != "rst"}
        want = {o: int(model.outputs(ins)[o]) for o in outputs}
        bad = [o for o in outputs if out[o] != want[o]]
        history.append(f"    cycle {cycle:4d}: {_fmt(ins):34s} | got {_fmt(out)}")
        if bad:
            lines = [f"{label}: output {bad[0]!r} is wrong in clock cycle {cycle} (random test, seed {seed}).",
                     f"  expected {_fmt({o: want[o] for o in bad})}, got {_fmt({o: out[o] for o in bad})}",
                     "  the cycles up to it (cycle 0 is the reset):"] + history[-8:]
            raise AssertionError("\n".join(lines))
        if step["rst"]:
            model.reset()
        else:
            model.step(ins)
    return cycles


def check_frame_bits(fn: Callable[[int], Any]) -> int:
    """``fn(byte)`` is the frame of every byte 0..255 (a list of 10 ints)."""
    if not callable(fn):
        raise AssertionError("frame_bits should be a function")
    for byte in range(256):
        try:
            got = fn(byte)
        except NotImplementedError:
            raise AssertionError("frame_bits is not written yet (it raises NotImplementedError)") from None
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"frame_bits({byte:#04x}) raised {type(exc).__name__}: {exc}") from None
        try:
            got = [int(b) for b in got]
        except Exception:  # noqa: BLE001
            raise AssertionError(f"frame_bits({byte:#04x}) should return a list of 0/1, not {got!r}") from None
        want = frame_bits(byte)
        if len(got) != len(want):
            raise AssertionError(f"frame_bits({byte:#04x}) has {len(got)} levels; a frame has {len(want)}")
        for pos, (g, w) in enumerate(zip(got, want)):
            if g != w:
                raise AssertionError(f"frame_bits({byte:#04x}): {bit_name(pos)} (item {pos}) is {g}, which is wrong")
    return 256


# ---- the lab's golden models ---------------------------------------------------------------------

class BaudTickModel:
    """count runs 0..divisor-1 and restarts; ``tick`` = (count == divisor-1); ``clear`` restarts at 0."""

    def __init__(self, divisor: int) -> None:
        self.divisor = divisor
        self.reset()

    def reset(self) -> None:
        self.count = 0

    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        return {"tick": int(self.count == self.divisor - 1)}

    def step(self, inputs: Mapping[str, int]) -> None:
        last = self.count == self.divisor - 1
        self.count = 0 if inputs["clear"] or last else self.count + 1


class TxShiftModel:
    """10-bit frame register: reset all ones; load -> {1, data, 0}; shift -> right, 1 enters at the top."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.q = (1 << FRAME_BITS) - 1

    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        return {"q": self.q, "out": self.q & 1}

    def step(self, inputs: Mapping[str, int]) -> None:
        if inputs["load"]:
            self.q = (1 << 9) | (inputs["data"] << 1)
        elif inputs["shift"]:
            self.q = (self.q >> 1) | (1 << 9)


class TxModel:
    """The transmitter of the lab's spec; also knows where in which frame the line is (for messages)."""

    def __init__(self, divisor: int) -> None:
        self.divisor = divisor
        self.reset()

    def reset(self) -> None:
        self.busy = False
        self.bits: list[int] = []
        self.pos = self.cnt = 0
        self.frames: list[int] = []  # bytes accepted so far

    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        return {"ready": int(not self.busy), "tx": self.bits[self.pos] if self.busy else 1}

    def where(self) -> str:
        if not self.busy:
            return "the line is idle (between frames)"
        return (f"frame {len(self.frames) - 1} (byte {self.frames[-1]:#04x}), {bit_name(self.pos)}, "
                f"cycle {self.cnt} of its {self.divisor}")

    def step(self, inputs: Mapping[str, int]) -> None:
        if not self.busy:
            if inputs["valid"]:
                self.frames.append(inputs["data"])
                self.bits = frame_bits(inputs["data"])
                self.busy, self.pos, self.cnt = True, 0, 0
            return
        self.cnt += 1
        if self.cnt == self.divisor:
            self.cnt = 0
            self.pos += 1
            if self.pos == FRAME_BITS:
                self.busy = False


def tx_stimulus(mode: str, divisor: int, cycles: int, seed: int) -> list[dict[str, int]]:
    """Inputs for the transmitter, one dict per cycle, cycle 0 = reset.

    - ``"gaps"``: one-cycle ``valid`` pulses only while the line is idle, data stable; idle gaps between.
    - ``"handshake"``: one-cycle ``valid`` pulses (never two in a row) at random times, also while a frame is
      being sent (they must be ignored), and ``data`` changing every cycle.
    - ``"stream"``: ``valid`` held at 1 for long stretches with new data after each accepted byte
      (back-to-back frames), then released.
    """
    rng = random.Random(seed)
    model = TxModel(divisor)
    steps: list[dict[str, int]] = [{"rst": 1, "valid": 0, "data": 0}]
    data, prev_valid, hold = rng.getrandbits(8), 0, 0
    for _ in range(1, cycles):
        ready = not model.busy
        if mode == "gaps":
            valid = int(ready and rng.random() < 0.15)
        elif mode == "handshake":
            valid = int(not prev_valid and rng.random() < 0.12)
            data = rng.getrandbits(8)
        elif mode == "stream":
            if hold == 0:  # a new phase: a long burst of valid = 1, or a short pause
                burst = rng.random() < 0.7
                hold = rng.randint(2, 4) * (FRAME_BITS * divisor + 1) if burst else -rng.randint(1, 7)
            valid = int(hold > 0)
            hold += -1 if hold > 0 else 1
        else:
            raise ValueError(f"unknown stimulus mode {mode!r}")
        step = {"rst": 0, "valid": valid, "data": data}
        steps.append(step)
        if ready and valid:
            data = rng.getrandbits(8)  # the next byte, set up right after this one is taken
        prev_valid = valid
        model.step(step)
    return steps


def check_tx(dut: Any, divisor: int, *, mode: str = "gaps", cycles: int | None = None, seed: int = 0,
             check: Sequence[str] = ("tx", "ready"), label: str | None = None) -> int:
    """Simulate a ``UartTx(divisor)`` from reset and compare ``tx``/``ready`` with :class:`TxModel` in every cycle.

    The first difference raises AssertionError naming the frame (its byte), the bit, the cycle within the
    bit and the clock cycle, with expected and got, and what the reference receiver decoded from the line.
    Returns the number of frames checked.
    """
    label = label or f"{_name(dut)}({divisor})"
    check_ports(dut, {"data": 8, "valid": 1, "ready": 1, "tx": 1}, label)
    cycles = cycles or 12 * FRAME_BITS * divisor + 40
    steps = tx_stimulus(mode, divisor, cycles, seed)
    got = simulate_cycles(dut, steps, ["tx", "ready"])
    model = TxModel(divisor)
    for cycle, (step, out) in enumerate(zip(steps, got)):
        ins = {k: v for k, v in step.items() if k != "rst"}
        want = model.outputs(ins)
        for o in check:
            if cycle > 0 and out[o] != want[o]:
                where = model.where()
                sent = [f"{b:#04x}" for b in model.frames]
                line = [g["tx"] for g in got]
                decoded = [f"{d.byte:#04x}" + ("" if d.stop_ok else " (no stop bit)")
                           for d in decode_line(line, divisor)][: len(model.frames) + 3]
                what = "serial output tx" if o == "tx" else "ready"
                msg = [f"{label}: {what} is wrong in clock cycle {cycle} ({mode} test, seed {seed}).",
                       f"  expected {o}={want[o]}, got {o}={out[o]}; at that moment: {where}.",
                       f"  bytes accepted so far: {', '.join(sent) or 'none'}",
                       f"  a reference receiver reading your whole tx line gets: {', '.join(decoded) or 'nothing'}"]
                if o == "ready":
                    msg.append("  ready must be 1 exactly when no frame is being sent (see the spec)")
                raise AssertionError("\n".join(msg))
        if step["rst"]:
            model.reset()
        else:
            model.step(ins)
    if not model.frames:
        raise AssertionError(f"{label}: no byte was ever accepted (is ready ever 1?)")
    return len(model.frames)
