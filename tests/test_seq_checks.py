"""The lab03 grading helpers: golden models, the cycle-by-cycle checker and its failure messages."""

from __future__ import annotations

import pytest
from amaranth.hdl import Cat, Elaboratable, Module, Mux, Signal

from autograder import seq_checks as sc


class Counter(Elaboratable):
    def __init__(self, n: int, bug: str = "") -> None:
        self.n, self.bug = n, bug
        self.en = Signal()
        self.count = Signal(range(n))
        self.wrap = Signal()

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        last = self.count == self.n - 1
        m.d.comb += self.wrap.eq(self.en & last if self.bug != "wrap_ignores_en" else last)
        with m.If(self.en):
            m.d.sync += self.count.eq(self.count + 1 if self.bug == "no_wrap" else Mux(last, 0, self.count + 1))
        return m


class Shift(Elaboratable):
    def __init__(self, width: int, reverse: bool = False) -> None:
        self.width, self.reverse = width, reverse
        self.sin, self.en, self.q, self.sout = Signal(), Signal(), Signal(width), Signal()

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        m.d.comb += self.sout.eq(self.q[-1])
        with m.If(self.en):
            m.d.sync += self.q.eq(Cat(self.q[1:], self.sin) if self.reverse else Cat(self.sin, self.q[:-1]))
        return m


class Detector(Elaboratable):
    """A shift-register detector of 1011: found = the last four bits taken in are 1011 (Moore)."""

    def __init__(self, no_reset_of_history: bool = False) -> None:
        self.bit, self.found = Signal(), Signal()
        self.flag = no_reset_of_history

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        hist = Signal(4, reset_less=self.flag)
        valid = Signal(3)  # how many bits since reset (saturating at 4)
        m.d.sync += hist.eq(Cat(self.bit, hist[:3]))
        with m.If(valid < 4):
            m.d.sync += valid.eq(valid + 1)
        m.d.comb += self.found.eq((hist == 0b1011) & (valid >= 4 if not self.flag else 1))
        return m


class Lights(Elaboratable):
    def __init__(self, swap: bool = False) -> None:
        self.state = Signal(2)
        self.red, self.yellow, self.green, self.walk = Signal(), Signal(), Signal(), Signal()
        self.swap = swap

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        g, r = (self.red, self.green) if self.swap else (self.green, self.red)
        m.d.comb += [g.eq(self.state == 0), self.yellow.eq(self.state == 1), r.eq(self.state[1]),
                     self.walk.eq(self.state == 2)]
        return m


def test_models_agree_with_correct_designs():
    for n in (2, 5, 8, 10):
        assert sc.check_sequential(Counter(n), sc.ModCounterModel(n), {"en": 1}, ["count", "wrap"], seed=n) == 300
    for w in (1, 4, 7):
        sc.check_sequential(Shift(w), sc.ShiftRegisterModel(w), {"sin": 1, "en": 1}, ["q", "sout"], seed=w)
    # a detector built a different way (a 4-bit history) agrees with the Moore state-machine model
    sc.check_sequential(Detector(), sc.DetectorModel("1011"), {"bit": 1}, ["found"], cycles=800, seed=4)
    assert sc.check_combinational(Lights(), sc.decode_lights, {"state": 2},
                                  ["red", "yellow", "green", "walk"]) == 4


def test_counter_bug_is_reported_with_cycle_inputs_expected_and_got():
    with pytest.raises(AssertionError) as err:
        sc.check_sequential(Counter(10, bug="no_wrap"), sc.ModCounterModel(10), {"en": 1}, ["count", "wrap"],
                            seed=3, label="ModCounter(10)")
    msg = str(err.value)
    assert "ModCounter(10): output 'count' is wrong in clock cycle" in msg
    assert "expected: count=0" in msg and "got:      count=10" in msg
    assert "inputs in this cycle: en=1" in msg and "<-- differs" in msg
    # a power of two hides this bug: the register rolls over at the right place by itself
    sc.check_sequential(Counter(8, bug="no_wrap"), sc.ModCounterModel(8), {"en": 1}, ["count", "wrap"], seed=3)


def test_combinational_output_depending_on_input_is_checked():
    with pytest.raises(AssertionError, match="'wrap' is wrong"):
        sc.check_sequential(Counter(3, bug="wrap_ignores_en"), sc.ModCounterModel(3), {"en": 1}, ["count", "wrap"])


def test_reset_is_exercised():
    # a history that ignores the reset finds stale 1011s right after one
    with pytest.raises(AssertionError, match="found"):
        sc.check_sequential(Detector(no_reset_of_history=True), sc.DetectorModel("1011"), {"bit": 1}, ["found"],
                            cycles=800, seed=4, reset_probability=0.05)


def test_other_bugs_are_caught():
    with pytest.raises(AssertionError, match="'q' is wrong"):
        sc.check_sequential(Shift(4, reverse=True), sc.ShiftRegisterModel(4), {"sin": 1, "en": 1}, ["q", "sout"])
    with pytest.raises(AssertionError, match="for inputs state=0 expected"):
        sc.check_combinational(Lights(swap=True), sc.decode_lights, {"state": 2}, ["red", "green"])


def test_ports_and_broken_designs_give_student_messages():
    with pytest.raises(AssertionError, match="has no attribute 'sin'"):
        sc.check_sequential(Counter(4), sc.ShiftRegisterModel(4), {"sin": 1, "en": 1}, ["q"])
    with pytest.raises(AssertionError, match="is 3 bit"):
        sc.check_ports(Shift(3), {"q": 4})
    sc.check_ports(Counter(10), {"count": 3}, at_least=["count"])

    class NotWritten(Counter):
        def elaborate(self, platform):  # noqa: ANN001
            raise NotImplementedError

    with pytest.raises(AssertionError, match="not written yet"):
        sc.check_sequential(NotWritten(4), sc.ModCounterModel(4), {"en": 1}, ["count"])

    class NoReturn(Counter):
        def elaborate(self, platform):  # noqa: ANN001
            Module()

    with pytest.raises(AssertionError, match="could not be simulated"):
        sc.check_sequential(NoReturn(4), sc.ModCounterModel(4), {"en": 1}, ["count"])


def test_traffic_model_follows_the_spec():
    t = sc.TrafficModel(green_min=3, yellow=2, walk=3, clear=1)
    seq = []
    presses = [0, 0, 1] + [0] * 14
    for b in presses:
        o = t.outputs({"button": b})
        seq.append("G" if o["green"] else "Y" if o["yellow"] else "W" if o["walk"] else "R")
        t.step({"button": b})
    # press in cycle 2 -> request seen in cycle 3 (t = 3 >= green_min-1) -> yellow from cycle 4, 2 cycles,
    # walk 3 cycles, clear 1 cycle, then green again and it stays (request was cleared during walk)
    assert "".join(seq) == "GGGGYYWWWRGGGGGGG"
    assert sc.flops_needed(4, "binary") == 2 and sc.flops_needed(5, "gray") == 3
    assert sc.flops_needed(5, "onehot") == 5 and sc.flops_needed(2, "binary") == 1


def test_detector_model_overlaps():
    d = sc.DetectorModel("1011")
    found = []
    for b in [1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1]:
        found.append(d.outputs({})["found"])
        d.step({"bit": b})
    found.append(d.outputs({})["found"])
    assert [i for i, f in enumerate(found) if f] == [4, 7, 11]
