# ruff: noqa
# expected: 9
# description: ripple adder written as a + b (no full adders), the lowest request wins in the priority encoder, and the mux ignores sel[1]
# %% cell: ripple_adder
class RippleAdder4(Elaboratable):
    def __init__(self):
        self.a = Signal(4)
        self.b = Signal(4)
        self.cin = Signal()
        self.s = Signal(4)
        self.cout = Signal()

    def elaborate(self, platform):
        m = Module()
        m.d.comb += Cat(self.s, self.cout).eq(self.a + self.b + self.cin)
        return m
# %% cell: priority_encoder
class PriorityEncoder4(Elaboratable):
    def __init__(self):
        self.req = Signal(4)
        self.idx = Signal(2)
        self.valid = Signal()

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.valid.eq(self.req.any())
        with m.If(self.req[0]):
            m.d.comb += self.idx.eq(0)
        with m.Elif(self.req[1]):
            m.d.comb += self.idx.eq(1)
        with m.Elif(self.req[2]):
            m.d.comb += self.idx.eq(2)
        with m.Elif(self.req[3]):
            m.d.comb += self.idx.eq(3)
        return m
# %% cell: mux4
class Mux4(Elaboratable):
    def __init__(self):
        self.i = Signal(4)
        self.sel = Signal(2)
        self.y = Signal()

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.y.eq(Mux(self.sel[0], self.i[1], self.i[0]))
        return m
