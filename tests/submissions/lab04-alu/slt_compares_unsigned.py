# ruff: noqa
# expected: 6
# description: Comparator's lts compares the unsigned values (forgot .as_signed()): right for the positive numbers of the visible test, wrong for negative ones. The ALU's SLT uses it, so the ALU and the registered ALU fail their hidden tests too. Everything else is right.
# %% cell: comparator
class Comparator(wiring.Component):
    def __init__(self, width=8):
        self.width = width
        super().__init__({"a": In(width), "b": In(width), "eq": Out(1), "ltu": Out(1), "lts": Out(1)})

    def elaborate(self, platform):
        m = Module()
        m.d.comb += [self.eq.eq(self.a == self.b), self.ltu.eq(self.a < self.b),
                     self.lts.eq(self.a < self.b)]
        return m
