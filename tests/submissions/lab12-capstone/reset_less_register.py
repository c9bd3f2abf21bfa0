# ruff: noqa
# expected: 23
# description: "clear restarts the CRC anyway, so the register needs no reset": the CRC register is reset_less and relies on its init value 0xFF. In RTL simulation it starts at 0xFF, so messages after power-up are right (hidden message and random tests pass), but rst does nothing (hidden reset test, 2, fails), and real flip-flops start unknown: the gate-level netlist differs from the RTL after a reset (3b, 2, fails). The student's testbench resets mid-message and fails on this design; the report says so (4b, 1, lost).
# %% cell: crc8_rtl
class Crc8(wiring.Component):
    """Serial CRC-8 engine (x^8 + x^2 + x + 1, MSB first, initial value 0xFF): see the specification."""

    clear: In(1)
    en: In(1)
    din: In(1)
    crc: Out(8)
    match: Out(1)

    def elaborate(self, platform):
        m = Module()
        reg = Signal(8, init=0xFF, reset_less=True)   # saves the reset logic: clear initializes it
        fb = reg[7] ^ self.din
        with m.If(self.clear):
            m.d.sync += reg.eq(0xFF)
        with m.Elif(self.en):
            m.d.sync += reg.eq(Cat(fb, reg[0] ^ fb, reg[1] ^ fb, reg[2:7]))
        m.d.comb += [self.crc.eq(reg), self.match.eq(reg == 0)]
        return m
