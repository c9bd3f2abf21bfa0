# ruff: noqa
# expected: 11
# description: TrafficLight's phase timer is a free-running 3-bit counter that rolls over while GREEN waits for a request, so a request that comes late is served up to 8 cycles too late. Everything else is right.
# %% cell: traffic_light
class TrafficLight(Elaboratable):
    def __init__(self, green_min=6, yellow=2, walk=4, clear=2):
        self.green_min = green_min
        self.yellow_cycles = yellow
        self.walk_cycles = walk
        self.clear_cycles = clear
        self.button = Signal()   # pedestrian push button
        self.red = Signal()
        self.yellow = Signal()
        self.green = Signal()
        self.walk = Signal()

    def elaborate(self, platform):
        m = Module()
        m.submodules.decoder = dec = LightDecoder()
        state = Signal(2, init=GREEN)
        timer = Signal(3)
        request = Signal()
        m.d.comb += [dec.state.eq(state), self.red.eq(dec.red), self.yellow.eq(dec.yellow),
                     self.green.eq(dec.green), self.walk.eq(dec.walk)]
        with m.If(state == WALK):
            m.d.sync += request.eq(0)
        with m.Elif(self.button):
            m.d.sync += request.eq(1)
        m.d.sync += timer.eq(timer + 1)
        with m.Switch(state):
            with m.Case(GREEN):
                with m.If((timer >= self.green_min - 1) & request):
                    m.d.sync += [state.eq(YELLOW), timer.eq(0)]
            with m.Case(YELLOW):
                with m.If(timer == self.yellow_cycles - 1):
                    m.d.sync += [state.eq(WALK), timer.eq(0)]
            with m.Case(WALK):
                with m.If(timer == self.walk_cycles - 1):
                    m.d.sync += [state.eq(CLEAR), timer.eq(0)]
            with m.Case(CLEAR):
                with m.If(timer == self.clear_cycles - 1):
                    m.d.sync += [state.eq(GREEN), timer.eq(0)]
        return m
