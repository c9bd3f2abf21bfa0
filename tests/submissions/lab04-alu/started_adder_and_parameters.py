# ruff: noqa
# expected: 4
# base: blank
# description: the blank starter with only AddSub and the parameter functions written (both right); the other parts still raise NotImplementedError.
# %% cell: addsub
class AddSub(wiring.Component):
    def __init__(self, width=8):
        self.width = width
        super().__init__({"a": In(width), "b": In(width), "sub": In(1),
                          "y": Out(width), "carry": Out(1), "overflow": Out(1)})

    def elaborate(self, platform):
        m = Module()
        bb = Signal(self.width)
        with m.If(self.sub):
            m.d.comb += bb.eq(~self.b)
        with m.Else():
            m.d.comb += bb.eq(self.b)
        total = Signal(self.width + 1)
        m.d.comb += total.eq(self.a + bb + self.sub)
        m.d.comb += [self.y.eq(total[:self.width]), self.carry.eq(total[self.width])]
        sa, sb, sy = self.a[-1], bb[-1], self.y[-1]
        m.d.comb += self.overflow.eq(~(sa ^ sb) & (sy ^ sa))
        return m

# %% cell: parameters
def signed_range(width):
    return (-(1 << (width - 1)), (1 << (width - 1)) - 1)


def alu_input_combinations(width):
    return 8 * 4 ** width
