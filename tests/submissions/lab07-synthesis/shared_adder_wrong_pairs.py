# ruff: noqa
# expected: 5
# description: SharedAdder shares one adder but pairs the operands wrongly (a + d / c + b): small enough (passes the visible test) but not the function of TwoAdders (the hidden equivalence check fails); CHEAPER picks the coding with the adder, the subtractor and the multiplexer, the larger one (hidden test). Parts 1-4 are right.
# %% cell: shared_adder
class SharedAdder(TwoAdders):
    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.y.eq(Mux(self.sel, self.a, self.c) + Mux(self.sel, self.d, self.b))
        return m
# %% cell: cheaper
CHEAPER = "X"
