# ruff: noqa
# expected: 2
# description: a correct model, and a thorough testbench whose own model is wrong: it expects the count to stop at 0 when counting down (the spec says 0 - 1 = 255). It fails on the correct design, so it earns nothing for parts 2 and 3 although it would "catch" every bug.
# %% cell: testbench
TESTBENCH = r'''
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, Timer


class Model:
    def __init__(self):
        self.q = None

    def tc(self, en, up):
        return int(bool(en) and self.q == (255 if up else 0))

    def step(self, rst, load, en, up, d):
        if rst:
            self.q = 0
        elif load:
            self.q = d
        elif en:
            self.q = min(self.q + 1, 255) if up else max(self.q - 1, 0)   # saturates: not what the spec says


async def drive(dut, model, rst=0, load=0, en=0, up=0, d=0):
    await FallingEdge(dut.clk)
    dut.rst.value, dut.load.value, dut.en.value, dut.up.value, dut.d.value = rst, load, en, up, d
    await Timer(1, unit="ns")
    if model.q is not None:
        assert int(dut.q.value) == model.q, f"q = {int(dut.q.value)}, expected {model.q}"
        assert int(dut.tc.value) == model.tc(en, up), f"tc = {int(dut.tc.value)}"
    model.step(rst, load, en, up, d)


@cocotb.test()
async def test_random(dut):
    rng = random.Random(5)
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    m = Model()
    await drive(dut, m, rst=1)
    for _ in range(300):
        await drive(dut, m, rst=int(rng.random() < 0.03), load=int(rng.random() < 0.1),
                    en=int(rng.random() < 0.8), up=rng.randrange(2), d=rng.randrange(256))
'''
