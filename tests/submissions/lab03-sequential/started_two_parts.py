# ruff: noqa
# expected: 2
# base: blank
# description: the blank starter with only the register written; flops_needed uses int(log2(n)) + 1, one too many for powers of two (passes the visible test, fails the hidden one).
# %% cell: enable_register
class EnableRegister(Elaboratable):
    def __init__(self, width=8):
        self.width = width
        self.d = Signal(width)   # data in
        self.en = Signal()       # load enable
        self.clr = Signal()      # synchronous clear
        self.q = Signal(width)   # stored value

    def elaborate(self, platform):
        m = Module()
        with m.If(self.clr):
            m.d.sync += self.q.eq(0)
        with m.Elif(self.en):
            m.d.sync += self.q.eq(self.d)
        return m

# %% cell: flops_needed
import math


def flops_needed(n_states, encoding):
    if encoding == "onehot":
        return n_states
    return int(math.log2(n_states)) + 1
