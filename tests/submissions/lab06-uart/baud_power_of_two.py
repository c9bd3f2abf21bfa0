# ruff: noqa
# expected: 3
# description: BaudTick never resets its counter on a tick and lets it roll over: right for divisor 4 (every visible test passes), wrong for 5, 3 and 6 (hidden tests), so the transmitter fails too.
# %% cell: baud_tick
class BaudTick(Elaboratable):
    def __init__(self, divisor=4):
        self.divisor = divisor
        self.clear = Signal()   # restart the count at 0 (synchronous)
        self.tick = Signal()    # 1 in the last cycle of every bit period (combinational)

    def elaborate(self, platform):
        m = Module()
        count = Signal(range(self.divisor))
        m.d.comb += self.tick.eq(count == self.divisor - 1)
        with m.If(self.clear):
            m.d.sync += count.eq(0)
        with m.Else():
            m.d.sync += count.eq(count + 1)
        return m
