"""autograder.clocked.run_clocked: the shared clocked-stimulus runner of the cycle-by-cycle grading helpers."""

from __future__ import annotations

import pytest
from amaranth.hdl import Elaboratable, Module, Signal

import autograder.clocked
from autograder import checks
from autograder.clocked import run_clocked


class Acc(Elaboratable):
    """acc <= acc + d when en (domain ``domain``); ``total`` = acc + d (combinational)."""

    def __init__(self, domain: str = "sync") -> None:
        self.domain = domain
        self.d, self.en = Signal(4), Signal()
        self.acc, self.total = Signal(8), Signal(8)

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        m.d.comb += self.total.eq(self.acc + self.d)
        with m.If(self.en):
            m.d[self.domain] += self.acc.eq(self.acc + self.d)
        return m


class OwnReset(Elaboratable):
    """A design with an input port called ``rst`` of its own (clears ``q``, like any other input)."""

    def __init__(self) -> None:
        self.rst, self.q = Signal(), Signal(4, init=5)

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        m.d.sync += self.q.eq(self.q + 1)
        with m.If(self.rst):
            m.d.sync += self.q.eq(0)
        return m


def test_one_sample_per_step_before_the_clock_edge() -> None:
    seen = run_clocked(Acc(), [{"d": 3, "en": 1}, {"d": 2}, {"en": 0}, {}], ["acc", "total"])
    # inputs not named keep their value; a register shows the state, a combinational output this cycle's inputs
    assert seen == [{"acc": 0, "total": 3}, {"acc": 3, "total": 5}, {"acc": 5, "total": 7}, {"acc": 5, "total": 7}]


def test_rst_key_drives_the_sync_reset_and_stays_until_cleared() -> None:
    steps = [{"d": 1, "en": 1}, {}, {"rst": 1}, {}, {"rst": 0}, {}]
    assert [s["acc"] for s in run_clocked(Acc(), steps, ["acc"])] == [0, 1, 2, 0, 0, 1]


def test_reset_none_drives_a_port_called_rst() -> None:
    got = run_clocked(OwnReset(), [{}, {"rst": 1}, {"rst": 0}, {}], ["q"], reset=None)
    assert [s["q"] for s in got] == [5, 6, 0, 1]
    # by default the key rst is the domain's reset, not the port: q goes back to its init value
    got = run_clocked(OwnReset(), [{}, {"rst": 1}, {"rst": 0}, {}], ["q"])
    assert [s["q"] for s in got] == [5, 6, 5, 6]


def test_cycles_cuts_or_holds_the_last_inputs() -> None:
    steps = [{"d": 1, "en": 1}, {"d": 2}]
    assert [s["acc"] for s in run_clocked(Acc(), steps, ["acc"], cycles=1)] == [0]
    assert [s["acc"] for s in run_clocked(Acc(), steps, ["acc"], cycles=5)] == [0, 1, 3, 5, 7]
    # a generator of steps works, also an endless one with cycles
    assert len(run_clocked(Acc(), ({"d": k % 16, "en": 1} for k in range(7)), ["acc"])) == 7

    def endless():  # noqa: ANN202
        while True:
            yield {"d": 1, "en": 1}

    assert [s["acc"] for s in run_clocked(Acc(), endless(), ["acc"], cycles=4)] == [0, 1, 2, 3]


def test_reset_cycles_come_first_and_are_not_sampled() -> None:
    class Free(Elaboratable):
        def __init__(self) -> None:
            self.q = Signal(4, init=9)

        def elaborate(self, platform):  # noqa: ANN001
            m = Module()
            m.d.sync += self.q.eq(self.q + 1)
            return m

    assert [s["q"] for s in run_clocked(Free(), [{}] * 3, ["q"])] == [9, 10, 11]
    # the reset puts the register back to its init value and holds it there; then it counts from it
    assert [s["q"] for s in run_clocked(Free(), [{}] * 3, ["q"], reset_cycles=4)] == [9, 10, 11]
    assert [s["q"] for s in run_clocked(Free(), [{"rst": 1}, {"rst": 0}, {}], ["q"], reset_cycles=2)] == [9, 9, 10]


def test_other_clock_domain() -> None:
    seen = run_clocked(Acc("pix"), [{"d": 2, "en": 1}] * 3, ["acc"], domain="pix")
    assert [s["acc"] for s in seen] == [0, 2, 4]


def test_student_messages(capfd) -> None:  # noqa: ANN001
    class NotWritten(Acc):
        def elaborate(self, platform):  # noqa: ANN001
            raise NotImplementedError

    class NoReturn(Acc):
        def elaborate(self, platform):  # noqa: ANN001
            Module()

    with pytest.raises(AssertionError, match=r"^NotWritten is not written yet \(NotImplementedError\)$"):
        run_clocked(NotWritten(), [{}], ["acc"])
    with pytest.raises(AssertionError, match=r"^Acc\(4\) is not written yet"):
        run_clocked(NotWritten(), [{}], ["acc"], label="Acc(4)")
    with pytest.raises(AssertionError, match=r"^NoReturn could not be simulated: "):
        run_clocked(NoReturn(), [{}], ["acc"])
    with pytest.raises(AssertionError, match=r"^Acc could not be simulated: AttributeError: .*'nope'"):
        run_clocked(Acc(), [{"nope": 1}], ["acc"])
    with pytest.raises(AssertionError, match=r"^Acc could not be simulated: AttributeError: .*'nope'"):
        run_clocked(Acc(), [{}], ["nope"])
    assert capfd.readouterr().err == ""


def test_fresh_checks_use_a_private_copy(monkeypatch) -> None:  # noqa: ANN001
    """A student patching the public module does not change what a fresh seq_checks/uart_checks simulates."""
    monkeypatch.setattr(autograder.clocked, "run_clocked", lambda *a, **k: [])
    for name in ("autograder.seq_checks", "autograder.uart_checks"):
        mod = checks.fresh(name)
        assert mod.simulate_cycles(Acc(), [{"d": 1, "en": 1}] * 2, ["acc"]) == [{"acc": 0}, {"acc": 1}]
