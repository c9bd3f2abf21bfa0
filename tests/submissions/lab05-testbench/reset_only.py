# ruff: noqa
# expected: 3
# description: a correct model, but the testbench only checks that q is 0 after a reset: it passes on the correct design, catches the wrong reset value and nothing else (not even a counter that never counts).
# %% cell: testbench
TESTBENCH = r'''
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge


@cocotb.test()
async def test_reset(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.load.value, dut.en.value, dut.up.value, dut.d.value = 1, 0, 0, 0, 0
    await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    assert int(dut.q.value) == 0, f"q = {int(dut.q.value)} after reset, expected 0"
'''
