"""Grading helpers for sequential designs (lab03): a student's Amaranth module against a Python model.

:func:`check_sequential` simulates the student's design with Amaranth's simulator, cycle by cycle from
reset, under seeded random stimulus with reset pulses, and compares every output in every cycle with a
golden model written in plain Python. The first difference raises ``AssertionError`` with the cycle,
the inputs, what was expected and what came out, and a short history of the cycles before it.

A model has three methods::

    reset()                  # the synchronous reset (also the state at power-up)
    outputs(inputs) -> dict  # the outputs in this cycle (Moore: from the state; Mealy: also the inputs)
    step(inputs)             # the rising clock edge

The models of the lab's parts (register, counter, shift register, decoder, detector, traffic light)
live here, beside the checks, and never in a notebook a student receives.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from autograder.checks import private_copy

__all__ = [
    "Model", "check_ports", "simulate_cycles", "check_sequential", "check_combinational",
    "EnableRegisterModel", "ModCounterModel", "ShiftRegisterModel", "DetectorModel", "TrafficModel",
    "decode_lights", "flops_needed", "LIGHT_STATES",
]


class Model(Protocol):
    def reset(self) -> None: ...
    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]: ...
    def step(self, inputs: Mapping[str, int]) -> None: ...


Stimulus = Callable[[random.Random, int], dict[str, int]]

# a private copy: a student patching autograder.clocked does not change what the checks simulate
_clocked = private_copy("autograder.clocked", "_seq_checks")
_silence_unused = _clocked.silence_unused


def _name(dut: Any) -> str:
    return type(dut).__name__


def check_ports(dut: Any, ports: Mapping[str, int], *, at_least: Iterable[str] = ()) -> None:
    """Every port in ``ports`` is an Amaranth signal attribute of ``dut`` of that width.

    Ports named in ``at_least`` may be wider than asked (e.g. a counter's output).
    """
    from amaranth.hdl import Value

    _silence_unused(dut)
    wide_ok = set(at_least)
    for port, width in ports.items():
        sig = getattr(dut, port, None)
        if sig is None:
            raise AssertionError(f"{_name(dut)} has no attribute {port!r}: keep the port names of the skeleton "
                                 f"(self.{port} = Signal(...))")
        if not isinstance(sig, Value):
            raise AssertionError(f"{_name(dut)}.{port} should be an Amaranth Signal, not {type(sig).__name__}")
        if len(sig) != width and not (port in wide_ok and len(sig) > width):
            need = f"at least {width}" if port in wide_ok else f"{width}"
            raise AssertionError(f"{_name(dut)}.{port} is {len(sig)} bit(s) wide; it should be {need}")


def _random_stimulus(widths: Mapping[str, int]) -> Stimulus:
    def stim(rng: random.Random, cycle: int) -> dict[str, int]:
        return {k: rng.getrandbits(w) for k, w in widths.items()}
    return stim


def simulate_cycles(dut: Any, steps: Sequence[Mapping[str, int]], outputs: Sequence[str]) -> list[dict[str, int]]:
    """Run ``dut`` for one clock cycle per entry of ``steps`` and return the outputs seen in each cycle.

    Each step holds input values (missing ones keep their last value) and optionally ``rst`` (the sync
    domain's reset). Outputs are read after the inputs are applied and before the clock edge.
    (:func:`autograder.clocked.run_clocked` with its defaults.)
    """
    return _clocked.run_clocked(dut, steps, outputs)


def _fmt(values: Mapping[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def check_sequential(
    dut: Any,
    model: Model,
    inputs: Mapping[str, int],
    outputs: Sequence[str],
    *,
    cycles: int = 300,
    seed: int = 0,
    stimulus: Stimulus | None = None,
    reset_probability: float = 0.02,
    label: str | None = None,
) -> int:
    """Compare ``dut`` with ``model`` for ``cycles`` clock cycles of seeded random stimulus.

    ``inputs`` maps input port -> width (random values unless ``stimulus(rng, cycle)`` is given);
    ``outputs`` are compared in every cycle. Cycle 0 holds reset high; later resets come at random.
    Returns the number of cycles checked; raises AssertionError at the first difference.
    """
    label = label or _name(dut)
    check_ports(dut, dict(inputs))
    for o in outputs:
        if getattr(dut, o, None) is None:
            raise AssertionError(f"{label} has no output {o!r}: keep the port names of the skeleton")
    rng = random.Random(seed)
    stim = stimulus or _random_stimulus(inputs)
    steps: list[dict[str, int]] = []
    for cycle in range(cycles):
        step = dict(stim(rng, cycle))
        step["rst"] = int(cycle == 0 or rng.random() < reset_probability)
        steps.append(step)
    got = simulate_cycles(dut, steps, outputs)

    model.reset()
    history: list[tuple[int, dict[str, int], dict[str, int], dict[str, int]]] = []
    for cycle, (step, out) in enumerate(zip(steps, got)):
        ins = {k: v for k, v in step.items() if k != "rst"}
        modelled = model.outputs(ins)
        want = {o: int(modelled[o]) for o in outputs}
        history.append((cycle, step, want, out))
        bad = [o for o in outputs if out[o] != want[o]]
        if bad:
            lines = [
                f"{label}: output {bad[0]!r} is wrong in clock cycle {cycle} (random test, seed {seed}).",
                f"  inputs in this cycle: {_fmt(step)}",
                f"  expected: {_fmt({o: want[o] for o in bad})}",
                f"  got:      {_fmt({o: out[o] for o in bad})}",
                "  the cycles before it (rst=1 resets at the next clock edge):",
            ]
            for c, s, w, g in history[-8:]:
                mark = "  <-- differs" if c == cycle else ""
                lines.append(f"    cycle {c:4d}: {_fmt(s):40s} | got {_fmt(g)}; expected {_fmt(w)}{mark}")
            raise AssertionError("\n".join(lines))
        if step["rst"]:
            model.reset()
        else:
            model.step(ins)
    return cycles


def check_combinational(dut: Any, func: Callable[..., Mapping[str, int]], inputs: Mapping[str, int],
                        outputs: Sequence[str], *, label: str | None = None) -> int:
    """Every input combination (exhaustive): the outputs equal ``func(**inputs)``. Returns the count."""
    label = label or _name(dut)
    check_ports(dut, dict(inputs))
    names = list(inputs)
    total = sum(inputs.values())
    if total > 12:
        raise ValueError("check_combinational is exhaustive: at most 12 input bits")
    combos = []
    for n in range(2 ** total):
        vals, shift = {}, 0
        for k in names:
            vals[k] = (n >> shift) & ((1 << inputs[k]) - 1)
            shift += inputs[k]
        combos.append(vals)
    got = simulate_cycles(dut, combos, outputs)
    for vals, out in zip(combos, got):
        expected = func(**vals)
        want = {o: int(expected[o]) for o in outputs}
        bad = [o for o in outputs if out[o] != want[o]]
        if bad:
            raise AssertionError(f"{label}: for inputs {_fmt(vals)} expected {_fmt({o: want[o] for o in bad})}, "
                                 f"got {_fmt({o: out[o] for o in bad})}")
    return len(combos)


# ---- the lab's golden models ---------------------------------------------------------------------

class EnableRegisterModel:
    """q <= 0 when clr, else d when en, else hold."""

    def __init__(self, width: int = 8) -> None:
        self.width = width
        self.reset()

    def reset(self) -> None:
        self.q = 0

    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        return {"q": self.q}

    def step(self, inputs: Mapping[str, int]) -> None:
        if inputs["clr"]:
            self.q = 0
        elif inputs["en"]:
            self.q = inputs["d"]


class ModCounterModel:
    """0, 1, ..., n-1, 0, ... while en; ``wrap`` = en and count == n-1 (combinational)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.reset()

    def reset(self) -> None:
        self.count = 0

    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        return {"count": self.count, "wrap": int(bool(inputs["en"]) and self.count == self.n - 1)}

    def step(self, inputs: Mapping[str, int]) -> None:
        if inputs["en"]:
            self.count = 0 if self.count == self.n - 1 else self.count + 1


class ShiftRegisterModel:
    """On en: q <= (q << 1) | sin (the new bit enters at bit 0); ``sout`` is the top bit of q."""

    def __init__(self, width: int = 4) -> None:
        self.width = width
        self.reset()

    def reset(self) -> None:
        self.q = 0

    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        return {"q": self.q, "sout": (self.q >> (self.width - 1)) & 1}

    def step(self, inputs: Mapping[str, int]) -> None:
        if inputs["en"]:
            self.q = ((self.q << 1) | inputs["sin"]) & ((1 << self.width) - 1)


#: the traffic light's state encoding, fixed by the lab's spec
LIGHT_STATES = {"GREEN": 0, "YELLOW": 1, "WALK": 2, "CLEAR": 3}


def decode_lights(state: int) -> dict[str, int]:
    """The lamps lit in each state of the traffic light."""
    return {"green": int(state == 0), "yellow": int(state == 1), "red": int(state in (2, 3)),
            "walk": int(state == 2)}


class DetectorModel:
    """Moore detector of a bit pattern (overlapping): ``found`` is 1 in the cycle after its last bit."""

    def __init__(self, pattern: str = "1011") -> None:
        self.pattern = pattern
        self.reset()

    def reset(self) -> None:
        self.seen = ""  # the longest suffix of the input that is a proper prefix of the pattern
        self.found = 0

    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        return {"found": self.found}

    def step(self, inputs: Mapping[str, int]) -> None:
        s = self.seen + str(inputs["bit"])
        self.found = int(s.endswith(self.pattern))
        while s and not self.pattern.startswith(s) or s == self.pattern:
            s = s[1:]
        self.seen = s


class TrafficModel:
    """The lab's pedestrian-crossing controller (see the lab notebook for the spec it implements)."""

    def __init__(self, green_min: int = 6, yellow: int = 2, walk: int = 4, clear: int = 2) -> None:
        self.times = {"GREEN": green_min, "YELLOW": yellow, "WALK": walk, "CLEAR": clear}
        self.reset()

    def reset(self) -> None:
        self.state, self.timer, self.request = "GREEN", 0, 0

    def outputs(self, inputs: Mapping[str, int]) -> dict[str, int]:
        return decode_lights(LIGHT_STATES[self.state])

    def step(self, inputs: Mapping[str, int]) -> None:
        done = self.timer >= self.times[self.state] - 1
        nxt = self.state
        if self.state == "GREEN":
            nxt = "YELLOW" if done and self.request else "GREEN"
        elif done:
            nxt = {"YELLOW": "WALK", "WALK": "CLEAR", "CLEAR": "GREEN"}[self.state]
        self.request = 0 if self.state == "WALK" else int(self.request or bool(inputs["button"]))
        self.timer = 0 if nxt != self.state else self.timer + 1
        self.state = nxt


def traffic_stimulus(rng: random.Random, cycle: int) -> dict[str, int]:
    """Button presses: busy, then long quiet stretches (to catch a timer that rolls over), then busy."""
    p = 0.3 if cycle < 150 else 0.015 if cycle < 400 else 0.6
    return {"button": int(rng.random() < p)}


def flops_needed(n_states: int, encoding: str) -> int:
    """The reference answer to the lab's encoding question."""
    if encoding == "onehot":
        return n_states
    return max(1, math.ceil(math.log2(n_states)))
