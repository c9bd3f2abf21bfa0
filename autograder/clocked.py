"""Run an Amaranth design clock cycle by clock cycle and sample its outputs: the one simulation runner of the
cycle-by-cycle grading helpers (:mod:`autograder.seq_checks`, :mod:`autograder.uart_checks`).

::

    from autograder.clocked import run_clocked
    seen = run_clocked(dut, [{"rst": 1}, {"en": 1}, {"en": 1}, {"en": 0}], ["count", "wrap"])
    # seen[i] == {"count": ..., "wrap": ...} in cycle i, read before that cycle's clock edge

A grading helper that a hidden test loads with :func:`autograder.checks.fresh` should load this module
privately too (``private_copy("autograder.clocked", "_<its name>")``), so that a student patching
``autograder.clocked`` does not change what the grader sees.

Nothing is written to stdout/stderr (nbgrader gives a test cell 0 points when it writes to stderr); a design
that is not written yet or does not simulate raises ``AssertionError`` with a short message for the student.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["run_clocked", "silence_unused"]

#: the clock period of the simulation (s); only the order of events matters to the results
CLOCK_PERIOD_S = 1e-8


def silence_unused(dut: Any) -> None:
    """No "created but never used" warning for a design that a failed check never got to simulate: it
    would be printed on stderr later, in some other cell, and nbgrader would fail that cell."""
    try:
        dut._MustUse__silence = True
    except AttributeError:  # not an Amaranth object: the check reports that
        pass


def run_clocked(
    dut: Any,
    steps: Iterable[Mapping[str, int]],
    outputs: Sequence[str],
    *,
    cycles: int | None = None,
    reset: str | None = "rst",
    reset_cycles: int = 0,
    domain: str = "sync",
    label: str | None = None,
) -> list[dict[str, int]]:
    """Simulate ``dut`` one clock cycle per entry of ``steps``; return the ``outputs`` seen in each cycle.

    ``dut``: an Amaranth elaboratable whose ports are signal attributes; its ``m.d.<domain>`` logic is
    clocked by a clock domain ``domain`` (default ``"sync"``) made here, with a synchronous reset.

    ``steps``: one mapping per cycle, port name -> value (a list, or any iterable, e.g. a generator).
    A port a step does not name keeps its value from the cycle before (at first its ``init`` value). The
    key ``reset`` (default ``"rst"``) drives the domain's reset instead of a port: 1 resets the design at
    that cycle's clock edge, and it stays 1 until a step sets it to 0. ``reset=None``: no key is special
    (for a design with a port of that name).

    ``outputs``: the port names sampled in every cycle, after the cycle's inputs are applied and before
    its clock edge (a combinational output shows this cycle's inputs, a register the state).

    ``cycles``: how many cycles to sample; default: one per step. Fewer: the later steps are not used.
    More: after the last step the inputs (and the reset) hold their values.

    ``reset_cycles``: clock cycles with the reset held at 1 before the first step, not sampled; the reset
    is 0 from the first step on (unless a step sets it). Default 0: the design starts from its ``init``
    values, as after power-up.

    ``label``: the design's name in messages (default: its class name).

    Returns ``[{output: value, ...}, ...]``, one dict per sampled cycle (values as Python ints). A design
    that raises ``NotImplementedError`` or cannot be elaborated or simulated (including a step naming a port
    it does not have) raises ``AssertionError`` saying so.
    """
    from amaranth.hdl import ClockDomain, Module
    from amaranth.sim import Simulator

    name = label or type(dut).__name__
    silence_unused(dut)
    top = Module()
    cd = ClockDomain(domain)
    top.domains += cd
    top.submodules.dut = dut
    seen: list[dict[str, int]] = []

    async def bench(ctx: Any) -> None:
        if reset_cycles:
            ctx.set(cd.rst, 1)
            for _ in range(reset_cycles):
                await ctx.tick(domain)
            ctx.set(cd.rst, 0)
        todo = iter(steps)
        while cycles is None or len(seen) < cycles:
            step = next(todo, None)
            if step is None and cycles is None:
                break  # one cycle per step, and the steps are done
            for k, v in (step or {}).items():  # no step left (cycles given): the inputs hold
                ctx.set(cd.rst if k == reset else getattr(dut, k), int(v))
            seen.append({o: int(ctx.get(getattr(dut, o))) for o in outputs})
            await ctx.tick(domain)

    try:
        # nbgrader gives a test cell 0 points when anything reaches stderr: keep Amaranth's warnings quiet
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sim = Simulator(top)
            sim.add_clock(CLOCK_PERIOD_S, domain=domain)
            sim.add_testbench(bench)
            sim.run()
    except NotImplementedError:
        raise AssertionError(f"{name} is not written yet (NotImplementedError)") from None
    except AssertionError:
        raise
    except Exception as exc:  # the student's design did not elaborate or simulate: say why, briefly
        raise AssertionError(f"{name} could not be simulated: {type(exc).__name__}: {exc}") from None
    return seen
