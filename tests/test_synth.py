"""chiplab.synth: Yosys synthesis onto the sky130 cells, netlist pictures, gate-level equivalence."""

from __future__ import annotations

import copy
import json

import pytest

from chiplab import pdk, synth
from chiplab.errors import ChipLabError, DesignError

DESIGNS = {"counter4": "counter4.v", "adder8": "adder8.v", "seqdet": "seqdet.v"}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, synth.SynthResult]:
    out = tmp_path_factory.mktemp("synth")
    return {top: synth.synthesize(synth.DESIGNS / f, top, out_dir=out / top) for top, f in DESIGNS.items()}


def test_example_designs_are_shipped() -> None:
    for name in DESIGNS.values():
        assert (synth.DESIGNS / name).is_file(), name


@pytest.mark.parametrize("top", list(DESIGNS))
def test_synthesis_uses_only_library_cells(results: dict, top: str) -> None:
    res = results[top]
    allowed = set(synth.allowed_cells())
    assert res.cells, "no cells"
    assert set(res.cells) <= allowed, set(res.cells) - allowed
    # every cell of the netlist is a sky130 hd cell with a layout, and the counts agree
    types = [c["type"] for c in res.module["cells"].values()]
    assert all(t.startswith(pdk.LIBRARY + "__") for t in types)
    assert len(types) == res.cell_count
    # the area is the sum of the Liberty areas
    lib = synth.liberty_cells()
    assert res.area_um2 == pytest.approx(sum(lib[t][0] for t in types), abs=1e-3)
    assert res.json_path.is_file() and res.verilog_path.is_file()
    text = res.verilog_path.read_text()
    assert f"module {top}" in text and "sky130_fd_sc_hd__" in text
    assert json.loads(res.json_path.read_text())["modules"].keys() == {top}
    assert "Printing statistics" in res.log


def test_counter_has_four_flip_flops(results: dict) -> None:
    assert results["counter4"].cells.get("dfxtp_1") == 4
    assert "dfxtp_1" not in results["adder8"].cells
    assert results["counter4"].ports == {
        "clk": ("input", 1),
        "rst": ("input", 1),
        "en": ("input", 1),
        "count": ("output", 4),
    }


def test_stat_area_matches_yosys(results: dict) -> None:
    log = results["adder8"].log
    # Yosys's own "Chip area" line (stat -liberty) agrees with ours
    import re

    areas = re.findall(r"Chip area for (?:top )?module '\\?adder8':\s*([\d.]+)", log)
    assert areas and float(areas[-1]) == pytest.approx(results["adder8"].area_um2, abs=0.01)


@pytest.mark.parametrize("top", list(DESIGNS))
def test_gate_level_simulation_matches_rtl(results: dict, top: str, tmp_path) -> None:
    mismatches = synth.equivalent_by_simulation(
        synth.DESIGNS / DESIGNS[top], results[top], top, cycles=300, seed=7, work_dir=tmp_path
    )
    assert mismatches == []


def test_gate_level_simulation_finds_a_wrong_gate(results: dict, tmp_path) -> None:
    bad = copy.deepcopy(results["adder8"].netlist)
    cells = bad["modules"]["adder8"]["cells"]
    victim = next(
        c for c in cells.values() if c["type"].endswith("xor2_1") and not c["type"].endswith("xnor2_1")
    )
    victim["type"] = pdk.full_name("or2_1")  # same pins (A, B, X), another function
    mismatches = synth.equivalent_by_simulation(
        synth.DESIGNS / "adder8.v", bad, "adder8", cycles=100, work_dir=tmp_path
    )
    assert mismatches, "a swapped gate must show up"
    assert mismatches[0].port in ("sum", "cout")
    assert "netlist" in str(mismatches[0])


def test_gate_level_simulation_finds_a_wrong_flop_input(results: dict, tmp_path) -> None:
    bad = copy.deepcopy(results["counter4"].netlist)
    cells = bad["modules"]["counter4"]["cells"]
    flops = [c for c in cells.values() if c["type"].endswith("dfxtp_1")]
    flops[0]["connections"]["D"], flops[1]["connections"]["D"] = (
        flops[1]["connections"]["D"],
        flops[0]["connections"]["D"],
    )
    assert synth.equivalent_by_simulation(
        synth.DESIGNS / "counter4.v", bad, "counter4", cycles=60, work_dir=tmp_path
    )


def test_formal_equivalence_of_counter(results: dict, tmp_path) -> None:
    proved, log = synth.equivalent_formally(
        synth.DESIGNS / "counter4.v", results["counter4"], "counter4", work_dir=tmp_path / "ok"
    )
    assert proved, log[-2000:]
    bad = copy.deepcopy(results["counter4"].netlist)
    cells = bad["modules"]["counter4"]["cells"]
    gate = next(c for c in cells.values() if c["type"].endswith(("a21oi_1", "o21ai_1")))
    gate["type"] = pdk.full_name("a21oi_1" if gate["type"].endswith("o21ai_1") else "o21ai_1")
    proved, _ = synth.equivalent_formally(
        synth.DESIGNS / "counter4.v", bad, "counter4", work_dir=tmp_path / "bad"
    )
    assert not proved


def test_verilog_text_and_state_does_not_leak(tmp_path) -> None:
    and_text = "module g(input a, input b, output y); assign y = a & b; endmodule\n"
    or_text = "module g(input a, input b, output y); assign y = a | b; endmodule\n"
    first = synth.synthesize(and_text, "g", out_dir=tmp_path / "a")
    second = synth.synthesize(or_text, "g", out_dir=tmp_path / "b")
    assert first.cells == {"and2_1": 1}
    assert second.cells == {"or2_1": 1}  # not the and gate of the earlier call
    assert synth.equivalent_by_simulation(or_text, second, "g", cycles=20, work_dir=tmp_path / "s") == []


def test_amaranth_design(tmp_path) -> None:
    from amaranth import Module, Signal
    from amaranth.lib import wiring
    from amaranth.lib.wiring import In, Out

    class Blinker(wiring.Component):
        def __init__(self) -> None:
            super().__init__({"en": In(1), "out": Out(3)})

        def elaborate(self, platform):  # noqa: ANN001, ANN202
            m = Module()
            count = Signal(3)
            with m.If(self.en):
                m.d.sync += count.eq(count + 1)
            m.d.comb += self.out.eq(count)
            return m

    res = synth.synthesize(Blinker(), "blinker", out_dir=tmp_path)
    assert res.cells.get("dfxtp_1") == 3
    assert (
        synth.equivalent_by_simulation(res.sources, res, "blinker", cycles=50, work_dir=tmp_path / "sim")
        == []
    )


def test_constant_outputs_use_the_tie_cell(tmp_path) -> None:
    res = synth.synthesize(
        "module k(output one, output zero); assign one = 1'b1; assign zero = 1'b0; endmodule",
        "k",
        out_dir=tmp_path,
    )
    assert set(res.cells) == {"conb_1"}


def test_syntax_error_names_file_and_line(tmp_path) -> None:
    bad = tmp_path / "broken.v"
    bad.write_text("module broken(input a, output b);\n  assign b = a &;\nendmodule\n")
    with pytest.raises(DesignError) as info:
        synth.synthesize(bad, "broken", out_dir=tmp_path / "out")
    text = str(info.value)
    assert "broken.v" in text and "line 2" in text
    assert len(text) < 300 and "Traceback" not in text


def test_unsynthesizable_construct_is_reported(tmp_path) -> None:
    text = "module u(input a, output reg b);\n  always @(posedge a) begin\n    b <= undefined_sig;\n  end\nendmodule\n"
    with pytest.raises(DesignError) as info:
        synth.synthesize(text, "u", out_dir=tmp_path)
    assert "line 3" in str(info.value) and "undefined_sig" in str(info.value)


def test_wrong_top_lists_modules(tmp_path) -> None:
    with pytest.raises(DesignError) as info:
        synth.synthesize(synth.DESIGNS / "counter4.v", "counter8", out_dir=tmp_path)
    assert "counter8" in str(info.value) and "counter4" in str(info.value)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ChipLabError) as info:
        synth.synthesize(tmp_path / "nowhere.v", "x")
    assert "not found" in str(info.value) and "nowhere.v" in str(info.value)


def test_nets_and_drawing(results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    res = results["counter4"]
    nets = res.nets()
    assert ("PIN", "clk") in nets["clk"]
    assert sum(1 for inst, pin in nets["clk"] if pin == "CLK") == 4
    for terms in nets.values():  # every net has exactly one driver (a cell output or an input port)
        drivers = [
            t
            for t in terms
            if (t[0] == "PIN" and res.ports[t[1].split("[")[0]][0] == "input")
            or (t[0] != "PIN" and res.module["cells"][t[0]]["port_directions"][t[1]] == "output")
        ]
        assert len(drivers) == 1, terms
    fig = synth.draw(res)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "dfxtp_1" in texts and "count[3]" in texts and "clk" in texts


def test_hierarchy_flattened_or_kept(tmp_path) -> None:
    src = (
        "module half(input a, input b, output s, output c); assign s = a ^ b; assign c = a & b; endmodule\n"
        "module two(input [1:0] a, input [1:0] b, output [1:0] s, output [1:0] c);\n"
        "  half h0(a[0], b[0], s[0], c[0]);\n  half h1(a[1], b[1], s[1], c[1]);\nendmodule\n"
    )
    flat = synth.synthesize(src, "two", out_dir=tmp_path / "flat")
    kept = synth.synthesize(src, "two", flatten=False, out_dir=tmp_path / "kept")
    assert flat.cells == kept.cells == {"and2_1": 2, "xor2_1": 2}  # no buffers between cells and ports
    assert set(flat.netlist["modules"]) == {"two"} and set(kept.netlist["modules"]) == {"two", "half"}
    assert kept.area_um2 == pytest.approx(flat.area_um2)
    for res, name in ((flat, "f"), (kept, "k")):
        assert synth.equivalent_by_simulation(src, res, "two", cycles=30, work_dir=tmp_path / name) == []


def test_async_reset_and_latch_get_a_hint(tmp_path) -> None:
    async_reset = (
        "module ar(input clk, input rst_n, input d, output reg q);\n"
        "always @(posedge clk or negedge rst_n) if (!rst_n) q <= 0; else q <= d;\nendmodule\n"
    )
    with pytest.raises(DesignError) as info:
        synth.synthesize(async_reset, "ar", out_dir=tmp_path / "a")
    assert "synchronous reset" in str(info.value)
    latch = "module lt(input en, input d, output reg q);\nalways @* if (en) q = d;\nendmodule\n"
    with pytest.raises(DesignError) as info:
        synth.synthesize(latch, "lt", out_dir=tmp_path / "l")
    assert "latch" in str(info.value)


def test_gate_level_sim_counts(results: dict, tmp_path) -> None:
    stimulus = [{"rst": 1}] + [{"en": 1}] * 5 + [{"en": 0}] * 2 + [{"rst": 1, "en": 1}, {"en": 1}]
    trace = synth.gate_level_sim(results["counter4"], stimulus, work_dir=tmp_path)
    assert isinstance(trace[0]["count"], str) and "x" in trace[0]["count"]  # flip-flops power up unknown
    assert [t["count"] for t in trace[1:]] == [0, 1, 2, 3, 4, 5, 5, 5, 0]
    with pytest.raises(DesignError):
        synth.gate_level_sim(results["counter4"], [{"enable": 1}], work_dir=tmp_path / "bad")
