# ruff: noqa
# expected: 10
# description: LightDecoder lights red in GREEN and green in WALK/CLEAR; the decoder test fails and so does the traffic light that uses it. Everything else is right.
# %% cell: light_decoder
GREEN, YELLOW, WALK, CLEAR = 0, 1, 2, 3


class LightDecoder(Elaboratable):
    def __init__(self):
        self.state = Signal(2)   # the state code
        self.red = Signal()
        self.yellow = Signal()
        self.green = Signal()
        self.walk = Signal()

    def elaborate(self, platform):
        m = Module()
        m.d.comb += [
            self.red.eq(self.state == GREEN),
            self.yellow.eq(self.state == YELLOW),
            self.green.eq((self.state == WALK) | (self.state == CLEAR)),
            self.walk.eq(self.state == WALK),
        ]
        return m
