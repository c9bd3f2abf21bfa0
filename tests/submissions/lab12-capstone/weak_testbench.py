# ruff: noqa
# expected: 25
# description: a correct design; the testbench checks the reset value, the check value of "123456789" and a hold with en = 0, but never uses clear and never looks at match. It passes on the reference and catches the wrong reset value, the missing tap and the ignored enable; it misses clear losing to en, the wrong clear value and match ignoring bit 7 (3 points lost).
# %% cell: testbench
TESTBENCH = r'''
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, Timer


async def cycle(dut, rst=0, clear=0, en=0, din=0):
    await FallingEdge(dut.clk)
    dut.rst.value, dut.clear.value, dut.en.value, dut.din.value = rst, clear, en, din
    await Timer(1, unit="ns")


@cocotb.test()
async def test_check_value(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    await cycle(dut, rst=1)
    await cycle(dut)
    assert int(dut.crc.value) == 0xFF, "crc should be 0xFF after reset"
    bits = [(b >> (7 - i)) & 1 for b in b"123456789" for i in range(8)]
    for k, b in enumerate(bits):
        await cycle(dut, en=1, din=b)
        if k == 20:
            before = int(dut.crc.value)
            for _ in range(3):
                await cycle(dut, en=0, din=1)
            await Timer(1, unit="ns")
    await cycle(dut)
    assert int(dut.crc.value) == 0xFB, f"crc of 123456789 = {int(dut.crc.value):#04x}, expected 0xFB"
'''
