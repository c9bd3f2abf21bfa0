"""chiplab.waves: VCD parsing (hand-written and Icarus-made), sampling per cycle, and logic-analyser plots."""

from __future__ import annotations

import subprocess
import textwrap

import matplotlib
import pytest

matplotlib.use("Agg")

from chiplab.waves import Trace, Waves, WavesError, parse_vcd, read_vcd  # noqa: E402

VCD = textwrap.dedent("""\
    $date today $end
    $timescale 1ps $end
    $scope module tb $end
    $var wire 1 ! clk $end
    $var wire 4 " count [3:0] $end
    $scope module dut $end
    $var wire 1 # en $end
    $var wire 4 " count [3:0] $end
    $upscope $end
    $var real 64 $ vout $end
    $upscope $end
    $enddefinitions $end
    $comment hello $end
    #0
    $dumpvars
    0!
    bx "
    0#
    r0.5 $
    $end
    #5000
    1!
    b0 "
    1#
    #10000
    0!
    #15000
    1!
    b1 "
    r1.25 $
    #20000
    0!
    #25000
    1!
    b10 "
    #30000
    0!
""")


def test_parse_handwritten_vcd() -> None:
    w = parse_vcd(VCD)
    assert w.names == ["tb.clk", "tb.count", "tb.dut.en", "tb.dut.count", "tb.vout"]
    assert w.end == pytest.approx(30.0)  # 30000 ps in ns
    assert w["tb.count"].values == [None, 0, 1, 2]  # x first
    assert w["tb.count"].times == [0.0, 5.0, 15.0, 25.0]
    # an alias ($var with the same id) carries the same changes
    assert w["tb.dut.count"].values == w["tb.count"].values
    assert w["en"].values == [0, 1]  # short names work when unique
    assert w["vout"].kind == "real" and w.value("vout", 16.0) == pytest.approx(1.25)
    assert w.value("tb.count", 4.9) is None and w.value("tb.count", 5.0) == 0
    assert w["tb.count"].before(15.0) == 0 and w["tb.count"].at(15.0) == 1


def test_clock_detection_and_per_cycle() -> None:
    w = parse_vcd(VCD)
    assert w.clock is not None and w.clock.name == "tb.clk"
    assert w.period == pytest.approx(10.0)
    assert w.clock_edges() == [5.0, 15.0, 25.0]
    # what a flip-flop sees just before each rising edge
    assert w.per_cycle("tb.count") == [None, 0, 1]
    table = w.per_cycle(["tb.count", "en"])
    assert table == {"tb.count": [None, 0, 1], "en": [0, 1, 1]}


def test_ambiguous_and_missing_names() -> None:
    w = parse_vcd(VCD)
    # "count" exists at two depths: the shallower one wins
    assert w["count"].name == "tb.count"
    with pytest.raises(WavesError, match="no signal 'nope'"):
        w["nope"]
    assert "nope" not in w and "clk" in w


def test_bad_vcd_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(WavesError, match="not a VCD"):
        parse_vcd("hello world")
    with pytest.raises(WavesError, match="no VCD file"):
        read_vcd(tmp_path / "missing.vcd")
    with pytest.raises(WavesError, match="timescale"):
        parse_vcd("$timescale 3 parsecs $end $enddefinitions $end")


def test_roundtrip_through_to_vcd(tmp_path) -> None:
    w = parse_vcd(VCD)
    out = w.to_vcd(tmp_path / "copy.vcd")
    w2 = read_vcd(out)
    for name in ("clk", "tb.count", "en"):
        assert w2[name.split(".")[-1] if name != "tb.count" else "tb.count"].values == w[name].values
    assert w2.end == pytest.approx(w.end)


def test_trace_merges_repeats_and_edges() -> None:
    t = Trace("s", 1)
    for time, v in [(0, 0), (1, 0), (2, 1), (2, 0), (3, 1), (4, 0)]:
        t.append(time, v)
    # (1, 0) repeats, and (2, 1) was overwritten by (2, 0) at the same time
    assert t.times == [0, 3, 4] and t.values == [0, 1, 0]
    assert t.edges() == [3] and t.edges(rising=False) == [4]


def test_icarus_vcd(tmp_path) -> None:
    """A VCD written by a real simulator reads back with the right values."""
    src = tmp_path / "tb.v"
    src.write_text(textwrap.dedent("""\
        `timescale 1ns/1ps
        module tb;
          reg clk = 0; reg [7:0] q = 8'h00;
          always #5 clk = ~clk;
          always @(posedge clk) q <= q + 8'h11;
          initial begin $dumpfile("out.vcd"); $dumpvars(0, tb); #100 $finish; end
        endmodule
        """))
    subprocess.run(["iverilog", "-o", str(tmp_path / "a.out"), str(src)], check=True)
    subprocess.run(["vvp", "-n", str(tmp_path / "a.out")], cwd=tmp_path, check=True, capture_output=True)
    w = read_vcd(tmp_path / "out.vcd")
    assert w.period == pytest.approx(10.0)
    assert w.per_cycle("q")[:4] == [0x00, 0x11, 0x22, 0x33]
    assert w.end == pytest.approx(100.0)


def _pixels_differ(fig_a, fig_b) -> bool:  # noqa: ANN001
    import numpy as np

    fig_a.canvas.draw()
    fig_b.canvas.draw()
    a = np.asarray(fig_a.canvas.buffer_rgba())
    b = np.asarray(fig_b.canvas.buffer_rgba())
    return a.shape != b.shape or bool((a != b).any())


def test_plot_draws_traces_values_markers_and_cursors(tmp_path) -> None:
    import matplotlib.pyplot as plt

    w = parse_vcd(VCD)
    ax = w.plot(["clk", "tb.count", "en"], markers={"go": 12}, cursors=[5, 25], title="demo")
    fig = ax.figure
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["clk", "count[3:0]", "en"]
    texts = {t.get_text() for t in ax.texts}
    assert {"0", "1", "2", "x"} <= texts  # bus values, and the unknown one
    assert " go" in texts and any(t.startswith("Δ = 20 ns") for t in texts)
    assert ax.get_xlabel() == "time (ns)"
    png = tmp_path / "w.png"
    fig.savefig(png)
    assert png.stat().st_size > 5000
    # a different radix changes the picture
    fig2 = w.plot(["clk", "tb.count", "en"], markers={"go": 12}, cursors=[5, 25], title="demo",
                  radix={"count": "bin"}).figure
    assert "0010" in {t.get_text() for t in fig2.axes[0].texts}
    assert _pixels_differ(fig, fig2)
    plt.close("all")


def test_plot_in_cycles_and_labels() -> None:
    import matplotlib.pyplot as plt

    w = parse_vcd(VCD)
    ax = w.plot(["clk", "tb.count"], unit="cycles", labels={"count": {1: "ONE", 2: "TWO"}})
    assert ax.get_xlabel().startswith("clock cycle")
    lo, hi = ax.get_xlim()
    assert lo == pytest.approx(-0.5) and hi == pytest.approx(2.5)  # edge 0 at x=0, 10 ns per cycle
    assert {"ONE", "TWO"} <= {t.get_text() for t in ax.texts}
    plt.close("all")
    no_clock = Waves([Trace("a", 1, [0.0], [1])], end=10)
    with pytest.raises(WavesError, match="needs a clock"):
        no_clock.plot(unit="cycles")
    assert no_clock._repr_png_()[:4] == b"\x89PNG"


def test_record_an_amaranth_simulator(tmp_path) -> None:
    from amaranth.hdl import Module, Signal
    from amaranth.sim import Simulator

    from chiplab.waves import record

    m = Module()
    en, count = Signal(name="en"), Signal(3, name="count")
    with m.If(en):
        m.d.sync += count.eq(count + 1)
    sim = Simulator(m)
    sim.add_clock(20e-9)

    async def bench(ctx):  # noqa: ANN001, ANN202
        for v in [1, 1, 0, 1, 1, 1, 1, 1, 1]:
            ctx.set(en, v)
            await ctx.tick()

    sim.add_testbench(bench)
    with record(sim, {"enable": en, "count": count}, vcd=tmp_path / "r.vcd") as rec:
        assert rec.waves is None
        sim.run()
    w = rec.waves
    assert w.names == ["clk", "enable", "count"] and w.period == pytest.approx(20.0)
    assert w.per_cycle("count") == [0, 1, 2, 2, 3, 4, 5, 6, 7]
    assert (tmp_path / "r.vcd").exists()
    with pytest.raises(WavesError, match="cannot record"):
        with record(sim, [en + 1]):
            pass
