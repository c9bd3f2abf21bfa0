# ruff: noqa
# expected: 13
# description: ModCounter never compares with n-1 and lets count roll over on its own: right for n = 4 (the visible test), wrong for 10, 7, 13 (hidden tests). Everything else is right.
# %% cell: mod_counter
class ModCounter(Elaboratable):
    def __init__(self, n=10):
        self.n = n
        self.en = Signal()              # count enable
        self.count = Signal(range(n))   # 0 .. n-1
        self.wrap = Signal()            # en and count == n-1 (combinational)

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.wrap.eq(self.en & (self.count == self.n - 1))
        with m.If(self.en):
            m.d.sync += self.count.eq(self.count + 1)
        return m
