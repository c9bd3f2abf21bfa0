# ruff: noqa
# expected: 5
# description: PipelinedMul registers the product a second time: the right function with one more cycle of latency, but the multiplier's logic is still one stage, so WNS < 0 at 3.0 ns (visible and hidden tests fail); dominant_cell returns the cell with the single largest delay instead of the largest total per type (hidden test fails on a design where they differ). Parts 1, 2, 3 and 5 are right.
# %% cell: pipelined_mul
class PipelinedMul(wiring.Component):
    a: In(8)
    b: In(8)
    y: Out(16)

    def elaborate(self, platform):
        m = Module()
        p = Signal(16)
        m.d.sync += p.eq(self.a * self.b)
        m.d.sync += self.y.eq(p)
        return m
# %% cell: dominant_cell
def dominant_cell(report):
    return pdk.short_name(max((p for p in report.critical_path if p.cell), key=lambda p: p.incr).cell)
