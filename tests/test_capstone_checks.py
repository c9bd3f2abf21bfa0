"""lab12 (capstone) grading helpers: each check passes the reference design and fails a broken one with a
message that says what is wrong. The physical checks run ChipLab's real flow (about 3 s per design)."""


import re
import types

import pytest
from amaranth import Cat, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from autograder import capstone_checks as cc


class PrioritySwapped(cc.Crc8Ref):
    """en wins over clear."""

    def elaborate(self, platform):
        m = Module()
        fb = self.crc[7] ^ self.din
        with m.If(self.en):
            m.d.sync += self.crc.eq(Cat(fb, self.crc[0] ^ fb, self.crc[1] ^ fb, self.crc[2:7]))
        with m.Elif(self.clear):
            m.d.sync += self.crc.eq(0xFF)
        m.d.comb += self.match.eq(self.crc == 0)
        return m


class ResetZero(wiring.Component):
    """The register has no init value (resets to 0); clear loads 0xFF."""

    clear: In(1)
    en: In(1)
    din: In(1)
    crc: Out(8)
    match: Out(1)

    def elaborate(self, platform):
        m = Module()
        fb = self.crc[7] ^ self.din
        with m.If(self.clear):
            m.d.sync += self.crc.eq(0xFF)
        with m.Elif(self.en):
            m.d.sync += self.crc.eq(Cat(fb, self.crc[0] ^ fb, self.crc[1] ^ fb, self.crc[2:7]))
        m.d.comb += self.match.eq(self.crc == 0)
        return m


class ResetLess(cc.Crc8Ref):
    """The register has no reset: it relies on its initial value (works in RTL simulation from time 0,
    not in gates after power-up)."""

    def elaborate(self, platform):
        m = Module()
        reg = Signal(8, init=0xFF, reset_less=True)
        fb = reg[7] ^ self.din
        with m.If(self.clear):
            m.d.sync += reg.eq(0xFF)
        with m.Elif(self.en):
            m.d.sync += reg.eq(Cat(fb, reg[0] ^ fb, reg[1] ^ fb, reg[2:7]))
        m.d.comb += [self.crc.eq(reg), self.match.eq(reg == 0)]
        return m


class MatchMsb(cc.Crc8Ref):
    def elaborate(self, platform):
        m = super().elaborate(platform)
        m.d.comb += self.match.eq(self.crc[:7] == 0)
        return m


def test_model_known_values() -> None:
    assert cc.crc8(b"123456789") == 0xFB  # poly 0x07, init 0xFF, MSB first, no final XOR
    for msg in (b"1", b"\x00\x00", b"ChipLab"):
        assert cc.crc8_bits(cc.bits_of(msg) + cc.bits_of([cc.crc8(msg)])) == 0  # the residue: match


def test_rtl_checks_pass_reference() -> None:
    assert cc.check_reset(cc.Crc8Ref) > 20
    assert cc.check_messages(cc.Crc8Ref) > 100
    assert cc.check_random(cc.Crc8Ref).vectors == 3000


def test_rtl_checks_fail_broken_designs() -> None:
    with pytest.raises(AssertionError, match=r"crc is wrong in clock cycle \d+ \(reset and clear\)"):
        cc.check_reset(PrioritySwapped)
    cc.check_messages(PrioritySwapped)  # no clear together with en there: a directed test cannot see it
    with pytest.raises(AssertionError, match="differ from the reference"):
        cc.check_random(PrioritySwapped)
    with pytest.raises(AssertionError, match="expected crc=0xff and match=0; got crc=0x00"):
        cc.check_reset(ResetZero)
    with pytest.raises(AssertionError, match="match is wrong"):
        cc.check_messages(MatchMsb)
    with pytest.raises(AssertionError, match="not written yet"):
        cc.check_reset(type("Blank", (cc.Crc8Ref,), {"elaborate": lambda self, p: (_ for _ in ()).throw(
            NotImplementedError())}))


def test_ports_are_checked() -> None:
    class Narrow(wiring.Component):
        clear: In(1)
        en: In(1)
        din: In(1)
        crc: Out(7)
        match: Out(1)

        def elaborate(self, platform):
            return Module()

    with pytest.raises(AssertionError, match="crc is 7 bit"):
        cc.check_reset(Narrow)


def test_reference_verilog_matches_the_model() -> None:
    """The Verilog reference (which testbenches are graded on) is the same design as Crc8Ref: gate-level
    simulation of the Amaranth reference's netlist against the hand-written Verilog."""
    from chiplab import synth

    net = synth.synthesize(cc.Crc8Ref(), top=cc.TOP)
    assert synth.equivalent_by_simulation(cc.REFERENCE_VERILOG, net, top=cc.TOP, cycles=500) == []


GOOD_TB = '''
import random
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, Timer


def step(crc, din):
    fb = ((crc >> 7) ^ din) & 1
    return ((crc << 1) & 0xFF) ^ (0x07 if fb else 0)


@cocotb.test()
async def test_all(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    rng = random.Random(3)
    crc = None
    for k in range(600):
        await FallingEdge(dut.clk)
        rst = int(k == 0 or rng.random() < 0.01)
        clear = int(rng.random() < 0.05)
        en, din = int(rng.random() < 0.8), rng.getrandbits(1)
        dut.rst.value, dut.clear.value, dut.en.value, dut.din.value = rst, clear, en, din
        await Timer(1, unit="ns")
        if crc is not None:
            assert int(dut.crc.value) == crc, f"crc {int(dut.crc.value):#x}, expected {crc:#x}"
            assert int(dut.match.value) == int(crc == 0)
        if rst or clear:
            crc = 0xFF
        elif en and crc is not None:
            crc = step(crc, din)
'''


def test_mutants_apply_and_a_weak_testbench_is_scored() -> None:
    mut = cc.fresh("autograder.mutation")
    for name, edits, _ in cc.MUTANTS + cc.SANITY_MUTANTS:
        assert mut.apply_mutant(cc.REFERENCE_VERILOG, (name, edits)) != cc.REFERENCE_VERILOG
    weak = GOOD_TB.replace("assert int(dut.match.value) == int(crc == 0)", "pass")
    rep = cc.grade_testbench(weak)
    assert rep.reference_passed, rep.summary()
    assert "match_ignores_msb" in rep.missed and "never_shifts" in rep.caught, rep.summary()
    with pytest.raises(AssertionError, match="also when only the top bit"):
        cc.require_caught(rep, "match_ignores_msb")
    bad = GOOD_TB.replace("crc = 0xFF", "crc = 0xFE")
    rep = cc.grade_testbench(bad)
    with pytest.raises(AssertionError, match="fails on the correct design"):
        cc.require_caught(rep, "reset_value")


@pytest.fixture(scope="module")
def physical(tmp_path_factory):
    return cc.run_physical(cc.Crc8Ref, out_dir=tmp_path_factory.mktemp("crc8"))


@pytest.mark.slow
def test_physical_checks_pass_reference(physical) -> None:
    assert physical.ok, physical.error
    cc.check_layout(physical)
    assert cc.check_gate_level(physical, cc.Crc8Ref) == 399
    assert cc.check_timing(physical) > 0
    assert physical.report["cells"] <= 60  # small enough for ChipLab's router to be reliable


@pytest.mark.slow
def test_physical_checks_fail_broken_designs(physical, tmp_path) -> None:
    less = cc.run_physical(ResetLess, out_dir=tmp_path / "less")
    cc.check_layout(less)
    with pytest.raises(AssertionError, match="reset_less"):
        cc.check_gate_level(less, ResetLess)
    with pytest.raises(AssertionError, match="timing is not met"):
        cc.check_timing(cc.run_physical(cc.Crc8Ref, clock_ns=0.5, out_dir=tmp_path / "fast"), clock_ns=0.5)
    broken = cc.Physical(ok=False, error="FlowError: route: 3 nets unrouted")
    for check in (cc.check_layout, lambda p: cc.check_gate_level(p, cc.Crc8Ref), cc.check_timing):
        with pytest.raises(AssertionError, match="flow on your Crc8 failed: FlowError"):
            check(broken)
    drc = cc.Physical(ok=True, gds=True, report={**physical.report, "drc_errors": 2, "drc_by_rule": {"m1.2": 2}})
    with pytest.raises(AssertionError, match="2 DRC errors"):
        cc.check_layout(drc)


def _report(physical, page=__file__, **change):
    r = physical.report
    data = {"title": "t", "author": "a", "top": "crc8", "cells": r["cells"], "cell_counts": dict(physical.cells),
            "area_um2": r["area_um2"], "utilization": r["utilization"], "clock_ns": r["clock_ns"],
            "wns_ns": r["wns_ns"], "fmax_mhz": r["fmax_mhz"], "drc_errors": r["drc_errors"],
            "connectivity_ok": r["connectivity_ok"], "wirelength_um": r["wirelength_um"],
            "verification": {"passed": 1, "failed": 0}, "spec": {}}
    data.update(change)
    return types.SimpleNamespace(data=data, path=page)


@pytest.mark.slow
def test_report_checks(physical) -> None:
    cc.check_report(_report(physical), physical)
    with pytest.raises(AssertionError, match="spec's clock is 20"):
        cc.check_report(_report(physical, clock_ns=10.0), physical)
    with pytest.raises(AssertionError, match=re.escape("report's fmax_mhz")):
        cc.check_report(_report(physical, fmax_mhz=round(physical.report["fmax_mhz"] * 1.1)), physical)
    with pytest.raises(AssertionError, match="page was not saved"):
        cc.check_report(_report(physical, page=None), physical)
    with pytest.raises(AssertionError, match="cell_counts"):
        cc.check_report(_report(physical, cell_counts={"inv_1": physical.report["cells"]}), physical)
    tb = types.SimpleNamespace(reference_passed=True, tests=["test_all"])
    cc.check_report_verification(_report(physical), tb)
    with pytest.raises(AssertionError, match="1 test"):
        cc.check_report_verification(_report(physical, verification={"passed": 3, "failed": 0}), tb)
    with pytest.raises(AssertionError, match="no verification"):
        cc.check_report_verification(_report(physical, verification=None), tb)


def test_timing_diagram() -> None:
    w = cc.timing_diagram()
    assert w.per_cycle("match")[-3:] is not None
    assert {"clk", "rst", "clear", "en", "din", "crc", "match"} <= set(w.names)
