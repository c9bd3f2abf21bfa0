"""chiplab.hdl: simulate into Waves, export Verilog, truth tables, and short messages for student mistakes."""


import warnings

import pytest
from amaranth.hdl import Elaboratable, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from chiplab.errors import ChipLabError, DesignError, SimulationError
from chiplab.hdl import elaborate, ports_of, simulate, to_verilog, truth_table_of
from chiplab.waves import Waves

warnings.filterwarnings("ignore", category=UserWarning)


class Counter(wiring.Component):
    def __init__(self, width: int = 4) -> None:
        super().__init__({"en": In(1), "count": Out(width), "wrap": Out(1)})

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        with m.If(self.en):
            m.d.sync += self.count.eq(self.count + 1)
        m.d.comb += self.wrap.eq(self.count == (1 << len(self.count)) - 1)
        return m


class FullAdder(wiring.Component):
    a: In(1)
    b: In(1)
    cin: In(1)
    s: Out(1)
    cout: Out(1)

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.comb += [self.s.eq(self.a ^ self.b ^ self.cin),
                     self.cout.eq((self.a & self.b) | (self.cin & (self.a ^ self.b)))]
        return m


class Handshake(wiring.Component):
    go: In(1)
    busy: Out(1)

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        with m.FSM():
            with m.State("IDLE"):
                with m.If(self.go):
                    m.next = "RUN"
            with m.State("RUN"):
                m.d.comb += self.busy.eq(1)
                m.next = "IDLE"
        return m


# ---------------------------------------------------------------- simulate


def test_simulate_counter_with_stimulus() -> None:
    en = [1] * 6 + [0, 0] + [1] * 12
    w = simulate(Counter(4), stimulus={"en": en}, clock_ns=10)
    assert isinstance(w, Waves)
    assert w.names == ["clk", "en", "count", "wrap"]
    assert w.period == pytest.approx(10.0) and w.end == pytest.approx(200.0)
    # a Python model of the counter: the value each flip-flop sees at each rising edge
    expect, c = [], 0
    for e in en:
        expect.append(c)
        c = (c + e) % 16
    assert w.per_cycle("count") == expect
    assert w.per_cycle("wrap") == [int(v == 15) for v in expect]


def test_clock_mode_matches_change_mode() -> None:
    en = [1, 0, 1, 1, 0, 1, 1, 1]
    a = simulate(Counter(3), stimulus={"en": en})
    b = simulate(Counter(3), stimulus={"en": en}, mode="clock")
    assert b.per_cycle("count") == a.per_cycle("count")
    assert b.per_cycle("en") == a.per_cycle("en")


def test_simulate_with_testbench_and_all_traces() -> None:
    dut = Handshake()
    seen = []

    async def tb(ctx):  # noqa: ANN001, ANN202
        for v in [0, 1, 0, 0, 1, 1, 0]:
            ctx.set(dut.go, v)
            seen.append(ctx.get(dut.busy))
            await ctx.tick()

    w = simulate(dut, tb, traces="all")
    assert "fsm_state" in w and w["fsm_state"].kind == "string"
    assert [s.split("/")[0] for s in w.per_cycle("fsm_state")] == \
        ["IDLE", "IDLE", "RUN", "IDLE", "IDLE", "RUN", "IDLE"]
    assert w.per_cycle("busy") == seen == [0, 0, 1, 0, 0, 1, 0]


def test_simulate_combinational_design_uses_time_steps() -> None:
    w = simulate(FullAdder(), stimulus={"a": [0, 1, 1, 1], "b": [0, 0, 1, 1], "cin": [0, 0, 0, 1]},
                 clock_ns=5)
    assert "clk" not in w.names
    assert w.sample("s", [1, 6, 11, 16]) == [0, 1, 0, 1]
    assert w.sample("cout", [1, 6, 11, 16]) == [0, 0, 1, 1]


def test_simulate_keeps_a_vcd(tmp_path) -> None:
    simulate(Counter(), cycles=5, vcd=tmp_path / "c.vcd")
    assert "$enddefinitions" in (tmp_path / "c.vcd").read_text()


def test_simulate_runaway_testbench_is_stopped() -> None:
    dut = FullAdder()

    async def forever(ctx):  # noqa: ANN001, ANN202
        while True:
            await ctx.delay(1e-9)

    with pytest.raises(SimulationError, match="still running after 500 ns"):
        simulate(dut, forever, max_ns=500)


def test_simulate_argument_errors() -> None:
    with pytest.raises(ChipLabError, match="nothing to simulate"):
        simulate(Counter())
    with pytest.raises(DesignError, match="does not fit in 'en'"):
        simulate(Counter(), stimulus={"en": [0, 2]})
    with pytest.raises(DesignError, match="no signal called 'enable'.*count, en, wrap"):
        simulate(Counter(), stimulus={"enable": [1]})
    with pytest.raises(DesignError, match="got the class Counter"):
        simulate(Counter, cycles=3)


def test_tick_in_a_combinational_design_is_explained() -> None:
    dut = FullAdder()

    async def tb(ctx):  # noqa: ANN001, ANN202
        await ctx.tick()

    with pytest.raises(DesignError, match="no clock domain 'sync'") as e:
        simulate(dut, tb)
    assert "ctx.delay" in str(e.value) and "test_hdl.py" in str(e.value)


# ---------------------------------------------------------------- verilog, truth tables


def test_to_verilog_component_and_plain(tmp_path) -> None:
    text = to_verilog(Counter(4), "counter", path=tmp_path / "counter.v")
    assert "module counter(" in text and "input en" in text.replace("  ", " ")
    assert "output [3:0] count" in text
    assert (tmp_path / "counter.v").read_text() == text
    assert "src =" not in text  # no absolute paths by default

    class Plain(Elaboratable):
        def __init__(self) -> None:
            self.a = Signal(2)
            self.y = Signal(2)

        def elaborate(self, platform):  # noqa: ANN001, ANN202
            m = Module()
            m.d.comb += self.y.eq(~self.a)
            return m

    plain = Plain()
    assert set(ports_of(plain)) == {"a", "y"}
    assert "module inv2(" in to_verilog(plain, "inv2")
    with pytest.raises(ChipLabError, match="not a valid Verilog module name"):
        to_verilog(plain, "2bad")


def test_truth_table_of_full_adder() -> None:
    tt = truth_table_of(FullAdder())
    assert tt.names == ["a", "b", "cin", "s", "cout"]
    assert len(tt) == 8
    for row in tt:
        total = row["a"] + row["b"] + row["cin"]
        assert (row["s"], row["cout"]) == (total & 1, total >> 1)
    assert tt.lookup(a=1, b=1, cin=0) == {"s": 0, "cout": 1}
    assert tt.column("cout") == [0, 0, 0, 1, 0, 1, 1, 1]
    assert "a b cin | s cout" in str(tt)
    assert "<table>" in tt._repr_html_()


def test_truth_table_of_multibit_and_limits() -> None:
    class Mux2(Elaboratable):
        def __init__(self) -> None:
            self.a = Signal(2)
            self.b = Signal(2)
            self.sel = Signal()
            self.y = Signal(2)

        def elaborate(self, platform):  # noqa: ANN001, ANN202
            m = Module()
            m.d.comb += self.y.eq(Mux(self.sel, self.b, self.a))
            return m

    tt = truth_table_of(Mux2(), inputs=["sel", "a", "b"], outputs=["y"])
    assert len(tt) == 32
    assert all(r["y"] == (r["b"] if r["sel"] else r["a"]) for r in tt)
    with pytest.raises(ChipLabError, match="say which signals"):
        truth_table_of(Mux2())
    with pytest.raises(DesignError, match="needs a combinational module"):
        truth_table_of(Counter())
    wide = Mux2()
    with pytest.raises(ChipLabError, match="too many"):
        truth_table_of(wide, inputs=["a", "b", "sel"], outputs=["y"], max_bits=4)


# ---------------------------------------------------------------- student mistakes


class _CombAndSync(Elaboratable):
    def __init__(self) -> None:
        self.a = Signal()
        self.o = Signal()

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.comb += self.o.eq(self.a)
        m.d.sync += self.o.eq(~self.a)  # MISTAKE-comb-sync
        return m


class _TwoDomains(Elaboratable):
    def __init__(self) -> None:
        self.o = Signal()

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.sync += self.o.eq(1)
        m.d.fast += self.o.eq(0)  # MISTAKE-two-domains
        return m


class _PythonIf(Elaboratable):
    def __init__(self) -> None:
        self.a = Signal()
        self.o = Signal()

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        if self.a:  # MISTAKE-python-if
            m.d.comb += self.o.eq(1)
        return m


class _Sub(Elaboratable):
    def __init__(self, o: Signal) -> None:
        self.o = o

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.comb += self.o.eq(1)
        return m


class _TwoModules(Elaboratable):
    def __init__(self) -> None:
        self.o = Signal()

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.submodules.inner = _Sub(self.o)
        m.d.comb += self.o.eq(0)
        return m


class _DrivesInput(wiring.Component):
    en: In(1)
    q: Out(1)

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.comb += self.en.eq(1)
        m.d.sync += self.q.eq(self.en)
        return m


class _EqualsNotEq(Elaboratable):
    def __init__(self) -> None:
        self.o = Signal()

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.comb += self.o == 1
        return m


class _BadIndex(Elaboratable):
    def __init__(self) -> None:
        self.a = Signal(4)
        self.o = Signal()

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.comb += self.o.eq(self.a[4])
        return m


class _BadOperand(Elaboratable):
    def __init__(self) -> None:
        self.a = Signal(4)
        self.o = Signal(4)

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.comb += self.o.eq(self.a + "1")
        return m


class _NoReturn(Elaboratable):
    def __init__(self) -> None:
        self.o = Signal()

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        Module()


def _line_of(marker: str) -> int:
    with open(__file__) as f:
        for n, line in enumerate(f, 1):
            if marker in line and "_line_of" not in line:
                return n
    raise AssertionError(marker)


MISTAKES = [
    (_CombAndSync, r"'o' is assigned in both m\.d\.comb and m\.d\.sync", "MISTAKE-comb-sync", "never both"),
    (_TwoDomains, r"'o' is assigned from two clock domains, m\.d\.sync and m\.d\.fast", "MISTAKE-two-domains",
     "one clock domain"),
    (_PythonIf, r"a Python `if`.*used on a Signal", "MISTAKE-python-if", "with m.If"),
    (_TwoModules, r"'o' is driven from two modules", None, "exactly one module"),
    (_DrivesInput, r"'en' has two drivers", None, "input port"),
    (_EqualsNotEq, r"only assignments can be added", None, "a.eq(b)"),
    (_BadIndex, r"bit 4 does not exist in a 4-bit value", None, "numbered 0 to 3"),
    (_BadOperand, r"'1' is not a value", None, "operands"),
    (_NoReturn, r"elaborate\(\) returned None", None, "return m"),
]


@pytest.mark.parametrize("cls, pattern, marker, hint", MISTAKES, ids=[m[0].__name__ for m in MISTAKES])
@pytest.mark.parametrize("helper", ["simulate", "to_verilog", "elaborate"])
def test_student_mistakes_become_short_messages(cls, pattern, marker, hint, helper, capfd) -> None:  # noqa: ANN001
    call = {"simulate": lambda d: simulate(d, cycles=2), "to_verilog": to_verilog, "elaborate": elaborate}[helper]
    with pytest.raises(DesignError, match=pattern) as err:
        call(cls())
    text = str(err.value)
    assert hint in text
    assert "Traceback" not in text and "amaranth/" not in text
    assert "test_hdl.py:" in text  # points at the student's code
    if marker is not None:
        assert f"test_hdl.py:{_line_of(marker)}" in text
    assert err.value.__cause__ is None and err.value.__suppress_context__
    import gc

    gc.collect()
    assert "created but never used" not in capfd.readouterr().err


def test_simulate_design_with_clocked_submodule():
    """A submodule in the sync domain (regression: the netlist check used to break the simulator)."""
    from amaranth.hdl import Elaboratable, Module, Signal

    from chiplab.hdl import simulate

    class Counter(Elaboratable):
        def __init__(self):
            self.q = Signal(4)

        def elaborate(self, platform):
            m = Module()
            m.d.sync += self.q.eq(self.q + 1)
            return m

    class Top(Elaboratable):
        def __init__(self):
            self.inner = Counter()
            self.out = Signal(4)

        def elaborate(self, platform):
            m = Module()
            m.submodules.inner = self.inner
            m.d.comb += self.out.eq(self.inner.q)
            return m

    top = Top()
    waves = simulate(top, cycles=6, clock_ns=10, traces=[top.out])
    assert waves.per_cycle()[waves.names[-1]][-1] in (4, 5, 6)
