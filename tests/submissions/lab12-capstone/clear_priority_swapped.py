# ruff: noqa
# expected: 21
# description: en is tested before clear, so a clear while en is 1 shifts a bit in instead of restarting (the spec gives clear priority). Reset, the check value and message + CRC are right, so the visible tests pass; the hidden reset/clear test (2) and the random comparison (4) fail. The student's own (correct) testbench fails on this design, so the report honestly says 1 test failed and part 4b (1) is lost. Testbench, layout, gate-level, timing and the report's figures are right.
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
        with m.If(self.en):
            m.d.sync += self.crc.eq(Cat(fb, self.crc[0] ^ fb, self.crc[1] ^ fb, self.crc[2:7]))
        with m.Elif(self.clear):
            m.d.sync += self.crc.eq(0xFF)
        m.d.comb += self.match.eq(self.crc == 0)
        return m
