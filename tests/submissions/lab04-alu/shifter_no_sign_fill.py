# ruff: noqa
# expected: 12
# description: Shifter ignores arith and always shifts right logically (zeros enter at the top): the visible test only shifts a positive number, the hidden test finds a negative one. The ALU uses only logical shifts, so everything else scores.
# %% cell: shifter
class Shifter(wiring.Component):
    def __init__(self, width=8):
        self.width = width
        super().__init__({"a": In(width), "amount": In(exact_log2(width)), "dir": In(1), "arith": In(1),
                          "y": Out(width)})

    def elaborate(self, platform):
        m = Module()
        with m.If(self.dir == 0):
            m.d.comb += self.y.eq(self.a << self.amount)
        with m.Else():
            m.d.comb += self.y.eq(self.a >> self.amount)
        return m
