# ruff: noqa
# expected: 12
# description: mux select bits read in the wrong order (sel=1 picks i[2], sel=2 picks i[1]; sel=0 still right, so the visible tests pass) and comparator lt/gt swapped
# %% cell: mux4
class Mux4(Elaboratable):
    def __init__(self):
        self.i = Signal(4)
        self.sel = Signal(2)
        self.y = Signal()

    def elaborate(self, platform):
        m = Module()
        # sel bits read the wrong way round: sel=1 picks i[2], sel=2 picks i[1]
        m.d.comb += self.y.eq(self.i.bit_select(Cat(self.sel[1], self.sel[0]), 1))
        return m
# %% cell: comparator
class Comparator2(Elaboratable):
    def __init__(self):
        self.a = Signal(2)
        self.b = Signal(2)
        self.lt = Signal()
        self.eq = Signal()
        self.gt = Signal()

    def elaborate(self, platform):
        m = Module()
        m.d.comb += [self.eq.eq(self.a == self.b), self.lt.eq(self.a > self.b), self.gt.eq(self.a < self.b)]
        return m
