# ruff: noqa
# expected: 3
# description: BaudTick counts 0..divisor (one cycle too many), so every bit of the transmitter lasts divisor+1 cycles; frame_bits and TxShift are right.
# %% cell: baud_tick
class BaudTick(Elaboratable):
    def __init__(self, divisor=4):
        self.divisor = divisor
        self.clear = Signal()   # restart the count at 0 (synchronous)
        self.tick = Signal()    # 1 in the last cycle of every bit period (combinational)

    def elaborate(self, platform):
        m = Module()
        count = Signal(range(self.divisor + 1))
        last = count == self.divisor
        m.d.comb += self.tick.eq(last)
        with m.If(self.clear | last):
            m.d.sync += count.eq(0)
        with m.Else():
            m.d.sync += count.eq(count + 1)
        return m
