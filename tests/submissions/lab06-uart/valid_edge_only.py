# ruff: noqa
# expected: 10
# description: UartTx accepts a byte only on a rising edge of valid, so a sender that holds valid at 1 gets one frame out and then nothing (back-to-back fails); single valid pulses work.
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
        valid_before = Signal()
        m.d.sync += valid_before.eq(self.valid)
        m.d.comb += [self.ready.eq(~busy), self.tx.eq(shift.out), shift.data.eq(self.data),
                     baud.clear.eq(~busy)]
        with m.If(~busy):
            with m.If(self.valid & ~valid_before):
                m.d.comb += shift.load.eq(1)
                m.d.sync += [busy.eq(1), sent.eq(0)]
        with m.Elif(baud.tick):
            m.d.comb += shift.shift.eq(1)
            m.d.sync += sent.eq(sent + 1)
            with m.If(sent == 9):
                m.d.sync += busy.eq(0)
        return m
