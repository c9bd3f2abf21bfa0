# ruff: noqa
# expected: 5
# description: a correct model; the testbench checks reset, a few steps up and down with en=1, a hold with en=0 and one small load with en=1. It misses load with en=0, the top bit of d, the wrap-around through 0 and tc.
# %% cell: testbench
TESTBENCH = r'''
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, Timer


async def cycle(dut, rst=0, load=0, en=0, up=0, d=0):
    await FallingEdge(dut.clk)
    dut.rst.value, dut.load.value, dut.en.value, dut.up.value, dut.d.value = rst, load, en, up, d
    await Timer(1, unit="ns")


@cocotb.test()
async def test_counts(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    await cycle(dut, rst=1)
    await cycle(dut, en=1, up=1)
    assert int(dut.q.value) == 0, "q should be 0 after reset"
    for k in range(1, 6):
        await cycle(dut, en=1, up=1)
        assert int(dut.q.value) == k, f"counting up: q = {int(dut.q.value)}, expected {k}"
    for _ in range(2):
        await cycle(dut, en=0, up=1)
        assert int(dut.q.value) == 6, "with en=0 the count should hold"
    await cycle(dut, en=1, up=0)
    await cycle(dut, en=1, up=0)
    assert int(dut.q.value) == 5, f"counting down: q = {int(dut.q.value)}, expected 5"
    await cycle(dut, load=1, en=1, d=0x42)
    await cycle(dut)
    assert int(dut.q.value) == 0x42, "load should set q to d"
'''
