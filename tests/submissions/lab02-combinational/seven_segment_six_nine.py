# ruff: noqa
# expected: 13
# description: 7-segment decoder with 6 drawn without its top bar and 9 without its bottom bar (passes the visible tests)
# %% cell: seven_segment
class SevenSegment(Elaboratable):
    def __init__(self):
        self.digit = Signal(4)
        self.seg = Signal(7)

    def elaborate(self, platform):
        m = Module()
        table = [0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7C, 0x07, 0x7F, 0x67, 0x77, 0x7C, 0x39, 0x5E, 0x79, 0x71]
        with m.Switch(self.digit):
            for k, pattern in enumerate(table):
                with m.Case(k):
                    m.d.comb += self.seg.eq(pattern)
        return m
