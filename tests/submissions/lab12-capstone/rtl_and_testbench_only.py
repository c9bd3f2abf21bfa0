# ruff: noqa
# expected: 18
# base: blank
# description: a student who ran out of time: the RTL (10) and the testbench (8) are right and complete, the flow, the report and the written parts were never started (the flow and report cells still raise NotImplementedError), so parts 3 and 4 earn nothing.
# %% cell: crc8_rtl
class Crc8(wiring.Component):
    """Serial CRC-8 engine (x^8 + x^2 + x + 1, MSB first, initial value 0xFF): see the specification."""

    clear: In(1)
    en: In(1)
    din: In(1)
    crc: Out(8, init=0xFF)
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
# %% cell: testbench
TESTBENCH = r'''
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, Timer


class Model:
    # the spec in Python: the scoreboard's expected values
    def __init__(self):
        self.crc = None   # unknown before the first reset

    def step(self, rst, clear, en, din):
        if rst or clear:
            self.crc = 0xFF
        elif en and self.crc is not None:
            fb = (self.crc >> 7) ^ din
            self.crc = ((self.crc << 1) & 0xFF) ^ (0x07 if fb else 0)


def bits(data):
    return [(b >> (7 - i)) & 1 for b in data for i in range(8)]


async def cycle(dut, model, rst=0, clear=0, en=0, din=0):
    # set the inputs after a falling edge, check the outputs, then let the clock rise
    await FallingEdge(dut.clk)
    dut.rst.value, dut.clear.value, dut.en.value, dut.din.value = rst, clear, en, din
    await Timer(1, unit="ns")
    if model.crc is not None:
        assert int(dut.crc.value) == model.crc, f"crc = {int(dut.crc.value):#04x}, expected {model.crc:#04x}"
        assert int(dut.match.value) == int(model.crc == 0), f"match = {int(dut.match.value)} with crc = {model.crc:#04x}"
    model.step(rst, clear, en, din)


async def start(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    model = Model()
    await cycle(dut, model, rst=1)
    return model


async def send(dut, model, data):
    for b in bits(data):
        await cycle(dut, model, en=1, din=b)


@cocotb.test()
async def test_directed(dut):
    m = await start(dut)
    await cycle(dut, m)                                # the reset value
    await send(dut, m, b"123456789")
    await cycle(dut, m)
    assert m.crc == 0xFB, "the model's check value"    # the model agrees with the spec
    await send(dut, m, [0xFB])                         # message + CRC: match
    await cycle(dut, m, en=0, din=1)
    await cycle(dut, m, clear=1)                       # clear alone
    await send(dut, m, b"\x31")
    await cycle(dut, m, clear=1, en=1, din=1)          # clear wins over en
    await send(dut, m, b"\xa5")
    for d in (0, 1, 1, 0):
        await cycle(dut, m, en=0, din=d)               # hold while en is 0
    await cycle(dut, m, rst=1, clear=1, en=1, din=1)   # reset mid-message
    await send(dut, m, b"1")
    await send(dut, m, [0x64])                         # through 0x80 to 0x00: match needs all 8 bits
    await cycle(dut, m)


@cocotb.test()
async def test_random(dut):
    rng = random.Random(7)
    m = await start(dut)
    for _ in range(500):
        await cycle(dut, m, rst=int(rng.random() < 0.01), clear=int(rng.random() < 0.05),
                    en=int(rng.random() < 0.8), din=rng.getrandbits(1))
    for k in range(40):                                # messages with their CRC appended: match must rise
        data = bytes(rng.getrandbits(8) for _ in range(1 + k % 3))
        await cycle(dut, m, clear=1)
        await send(dut, m, data)
        await send(dut, m, [m.crc])
        assert m.crc == 0
    await cycle(dut, m)
'''
