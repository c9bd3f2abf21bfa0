# ruff: noqa
# expected: 5
# description: UartTx drops busy after 9 bits (start + 8 data): the line happens to rest high afterwards, but ready comes back one bit too early and back-to-back frames have no stop bit. The blocks (parts 1-3) are right.
# %% cell: uart_tx
class UartTx(Elaboratable):
    def __init__(self, divisor=4):
        self.divisor = divisor
        self.data = Signal(8)     # byte to send
        self.valid = Signal()     # data holds a byte
        self.ready = Signal()     # no frame in progress: a byte can be accepted
        self.tx = Signal(init=1)  # the serial line

    def elaborate(self, platform):
        m = Module()
        m.submodules.baud = baud = BaudTick(self.divisor)
        m.submodules.shift = shift = TxShift()
        busy = Signal()
        sent = Signal(range(10))
        m.d.comb += [self.ready.eq(~busy), self.tx.eq(shift.out), shift.data.eq(self.data),
                     baud.clear.eq(~busy)]
        with m.If(~busy):
            with m.If(self.valid):
                m.d.comb += shift.load.eq(1)
                m.d.sync += [busy.eq(1), sent.eq(0)]
        with m.Elif(baud.tick):
            m.d.comb += shift.shift.eq(1)
            m.d.sync += sent.eq(sent + 1)
            with m.If(sent == 8):
                m.d.sync += busy.eq(0)
        return m
