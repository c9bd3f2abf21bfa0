"""lab11 grading helpers: each check passes a right answer and rejects a wrong one, by real synthesis and STA."""

import pytest
from amaranth import Module, Signal

from autograder import timing_checks as tc


class Pipelined(tc.Mul8):
    def elaborate(self, platform):
        m = Module()
        lo, hi = Signal(12), Signal(12)
        m.d.sync += [lo.eq(self.a * self.b[:4]), hi.eq(self.a * self.b[4:])]
        m.d.sync += self.y.eq(lo + (hi << 4))
        return m


class RegisteredTwice(tc.Mul8):
    def elaborate(self, platform):
        m = Module()
        p = Signal(16)
        m.d.sync += [p.eq(self.a * self.b), self.y.eq(p)]
        return m


class WrongSplit(tc.Mul8):
    def elaborate(self, platform):
        m = Module()
        lo, hi = Signal(12), Signal(12)
        m.d.sync += [lo.eq(self.a * self.b[:4]), hi.eq(self.a * self.b[4:])]
        m.d.sync += self.y.eq(lo + (hi << 3))
        return m


def test_slack_and_fmax() -> None:
    assert tc.check_slack(lambda a, p, s: p - s - a) > 0
    with pytest.raises(AssertionError, match="slack"):
        tc.check_slack(lambda a, p, s: a - (p - s))
    with pytest.raises(AssertionError, match="raised"):
        tc.check_slack(lambda a, p: p - a)
    assert tc.check_fmax(lambda p, w: 1000.0 / (p - w)) > 0
    with pytest.raises(AssertionError, match="fmax"):
        tc.check_fmax(lambda p, w: 1000.0 / p)


def test_report_functions() -> None:
    assert tc.check_critical_endpoint(tc.critical_endpoint_ref) == 4
    with pytest.raises(AssertionError, match="smallest"):
        tc.check_critical_endpoint(lambda r: max(r.endpoints, key=lambda e: e.slack).name)
    assert tc.check_dominant_cell(tc.dominant_cell_ref) == 4
    with pytest.raises(AssertionError, match="add up"):  # the single slowest cell is not the largest total
        tc.check_dominant_cell(
            lambda r: tc.pdk.short_name(max((p for p in r.critical_path if p.cell), key=lambda p: p.incr).cell))


def test_wns_sweep() -> None:
    assert tc.check_wns_sweep(lambda n, ps: [tc.timing.analyze(n, period_ns=p).wns for p in ps]) == 4
    with pytest.raises(AssertionError, match="same order"):
        tc.check_wns_sweep(lambda n, ps: [tc.timing.analyze(n, period_ns=p).wns for p in reversed(ps)])


def test_pipelined() -> None:
    assert tc.check_pipelined(Pipelined) >= 0
    with pytest.raises(AssertionError, match="not met"):
        tc.check_pipelined(RegisteredTwice)
    with pytest.raises(AssertionError, match="cycle"):
        tc.check_pipelined(WrongSplit)
    with pytest.raises(AssertionError, match="cycle"):  # one cycle of latency, like Mul8: too early
        tc.check_pipelined(tc.Mul8)
