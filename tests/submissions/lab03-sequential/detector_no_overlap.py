# ruff: noqa
# expected: 12
# description: Detector1011 goes back to IDLE after a hit, so the second of two overlapping 1011s is missed (passes the visible test, fails the hidden ones). Everything else is right.
# %% cell: detector
class Detector1011(Elaboratable):
    def __init__(self):
        self.bit = Signal()     # serial input
        self.found = Signal()   # 1 in the cycle after 1011 was seen

    def elaborate(self, platform):
        m = Module()
        with m.FSM(init="IDLE"):
            with m.State("IDLE"):
                with m.If(self.bit):
                    m.next = "S1"
            with m.State("S1"):
                with m.If(~self.bit):
                    m.next = "S10"
            with m.State("S10"):
                with m.If(self.bit):
                    m.next = "S101"
                with m.Else():
                    m.next = "IDLE"
            with m.State("S101"):
                with m.If(self.bit):
                    m.next = "HIT"
                with m.Else():
                    m.next = "S10"
            with m.State("HIT"):
                m.d.comb += self.found.eq(1)
                m.next = "IDLE"
        return m
