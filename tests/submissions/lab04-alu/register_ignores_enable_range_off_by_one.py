# ruff: noqa
# expected: 11
# description: RegisteredALU loads its registers in every cycle whatever en is (fails the visible hold check and the hidden test), and signed_range gives 2**(w-1) as the largest value, one too many (the visible test already says so). Parts 1-4 are right.
# %% cell: registered_alu
class RegisteredALU(wiring.Component):
    def __init__(self, width=8):
        self.width = width
        super().__init__({"op": In(3), "a": In(width), "b": In(width), "en": In(1), "y": Out(width),
                          "zero": Out(1), "negative": Out(1), "carry": Out(1), "overflow": Out(1)})

    def elaborate(self, platform):
        m = Module()
        m.submodules.alu = alu = ALU(self.width)
        m.d.comb += [alu.op.eq(self.op), alu.a.eq(self.a), alu.b.eq(self.b)]
        m.d.sync += [self.y.eq(alu.y), self.zero.eq(alu.zero), self.negative.eq(alu.negative),
                     self.carry.eq(alu.carry), self.overflow.eq(alu.overflow)]
        return m

# %% cell: parameters
def signed_range(width):
    return -(2 ** (width - 1)), 2 ** (width - 1)


def alu_input_combinations(width):
    return 2 ** (3 + 2 * width)
