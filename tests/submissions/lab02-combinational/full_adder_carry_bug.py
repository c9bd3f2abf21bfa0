# ruff: noqa
# expected: 11
# description: the full adder's carry forgets the "one of a, b and cin" case (cout = a & b); the ripple adder built from it fails too
# %% cell: full_adder
class FullAdder(Elaboratable):
    def __init__(self):
        self.a = Signal()
        self.b = Signal()
        self.cin = Signal()
        self.s = Signal()
        self.cout = Signal()

    def elaborate(self, platform):
        m = Module()
        m.d.comb += [
            self.s.eq(self.a ^ self.b ^ self.cin),
            self.cout.eq(self.a & self.b),
        ]
        return m
