# ruff: noqa
# expected: 5
# description: AddSub computes a - b as a + ~b + 1 but inverts the carry of a subtraction (a borrow flag, 1 when a < b), against the spec's no-borrow convention; additions are right, so the visible test passes. The ALU and the registered ALU built on it inherit the wrong carry for SUB (hidden tests fail). Shifter, comparator and parameters are right.
# %% cell: addsub
class AddSub(wiring.Component):
    def __init__(self, width=8):
        self.width = width
        super().__init__({"a": In(width), "b": In(width), "sub": In(1),
                          "y": Out(width), "carry": Out(1), "overflow": Out(1)})

    def elaborate(self, platform):
        m = Module()
        top = self.width - 1
        bb = Mux(self.sub, ~self.b, self.b)
        raw_carry = Signal()
        m.d.comb += Cat(self.y, raw_carry).eq(self.a + bb + self.sub)
        m.d.comb += self.carry.eq(raw_carry ^ self.sub)   # "borrow" for a subtraction
        m.d.comb += self.overflow.eq((self.a[top] == bb[top]) & (self.y[top] != self.a[top]))
        return m
