# ruff: noqa
# expected: 2
# description: sends the data bits MSB first everywhere (frame_bits and TxShift reversed): the frame has the right length and timing, so only the baud tick earns its points.
# %% cell: frame_bits
def frame_bits(byte):
    return [0] + [(byte >> i) & 1 for i in reversed(range(8))] + [1]
# %% cell: tx_shift
class TxShift(Elaboratable):
    def __init__(self):
        self.data = Signal(8)             # the byte to load
        self.load = Signal()              # load the frame of data
        self.shift = Signal()             # move to the next bit
        self.q = Signal(10, init=0x3FF)   # the frame; q[0] is on the line
        self.out = Signal()               # the line level: q[0]

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.out.eq(self.q[0])
        with m.If(self.load):
            m.d.sync += self.q.eq(Cat(C(0, 1), self.data[::-1], C(1, 1)))
        with m.Elif(self.shift):
            m.d.sync += self.q.eq(Cat(self.q[1:], C(1, 1)))
        return m
