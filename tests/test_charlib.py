"""The characterized Liberty shipped with ChipLab, and the characterizer that makes it."""

from __future__ import annotations

import numpy as np
import pytest

from chiplab import charlib, pdk, spice
from chiplab.liberty import Arc, CellData, Table, read_liberty, table_from_group, write_liberty

LIB_PATH = charlib.default_liberty()


@pytest.fixture(scope="module")
def lib():
    return read_liberty(LIB_PATH)


def _arc_tables(cell_group, pin: str, related: str, timing_type: str | None = None) -> dict[str, Table]:
    for tg in cell_group.get("pin", pin).find("timing"):
        if tg.attrs["related_pin"] == related and (timing_type is None or tg.attrs.get("timing_type") == timing_type):
            return {g.kind: table_from_group(g) for g in tg.groups}
    raise AssertionError(f"no {related}->{pin} arc")


def test_header_says_how_it_was_made() -> None:
    head = LIB_PATH.read_text()[:3000]
    for word in ("python -m chiplab.charlib", "ngspice", "sky130", "Corner: tt", "Thresholds", "Date"):
        assert word in head


def test_library_header_units_and_conditions(lib) -> None:
    assert lib.name == "sky130_chiplab__tt_025C_1v80"
    assert lib.attrs["time_unit"] == "1ns" and lib.complex_attrs["capacitive_load_unit"] == [["1", "pf"]]
    assert lib.attrs["default_operating_conditions"] == "tt_025C_1v80"
    oc = lib.get("operating_conditions", "tt_025C_1v80")
    assert float(oc.attrs["voltage"]) == 1.8 and float(oc.attrs["temperature"]) == 25


def test_every_cell_is_there_with_function_area_and_timing(lib) -> None:
    names = {c.name for c in lib.find("cell")}
    for cell in charlib.DEFAULT_CELLS:
        full = pdk.full_name(cell)
        assert full in names, cell
        group = lib.get("cell", full)
        info = pdk.cell_info(cell)
        assert float(group.attrs["area"]) == pytest.approx(info.area_um2, abs=1e-3)
        if info.kind == "physical":
            assert group.attrs.get("dont_use") == "true"
            continue
        for out in info.outputs:
            assert group.get("pin", out).attrs["function"] == info.function[out]
        if info.kind in ("combinational", "flipflop"):
            for pin in info.inputs:
                cap = float(group.get("pin", pin).attrs["capacitance"])
                assert 0.0003 < cap < 0.01, (cell, pin, cap)  # 0.3-10 fF
            assert group.get("pin", info.outputs[0]).find("timing"), cell


def test_delay_tables_are_monotonic_in_load(lib) -> None:
    checked = 0
    for group in lib.find("cell"):
        for pin in group.find("pin"):
            for tg in pin.find("timing"):
                for t in tg.groups:
                    if t.kind in ("cell_rise", "cell_fall", "rise_transition", "fall_transition"):
                        table = table_from_group(t)
                        assert np.all(np.diff(table.values, axis=1) > 0), (group.name, pin.name, t.kind)
                        assert np.all(np.diff(table.index_1) > 0) and np.all(np.diff(table.index_2) > 0)
                        checked += 1
    assert checked > 100


def test_measured_capacitance_close_to_gate_area_estimate(lib) -> None:
    inv = lib.get("cell", "sky130_fd_sc_hd__inv_1")
    cap = float(inv.get("pin", "A").attrs["capacitance"])
    assert cap == pytest.approx(2.2e-3, rel=0.25)  # ~2.1-2.3 fF (lctime measured 2.26 fF)
    inv2 = lib.get("cell", "sky130_fd_sc_hd__inv_2")
    assert float(inv2.get("pin", "A").attrs["capacitance"]) > 1.6 * cap


def test_flip_flop_timing_is_present_and_plausible(lib) -> None:
    ff = lib.get("cell", "sky130_fd_sc_hd__dfxtp_1")
    assert ff.get("ff").attrs == {"clocked_on": "CLK", "next_state": "D"}
    assert ff.get("pin", "CLK").attrs["clock"] == "true"
    cq = _arc_tables(ff, "Q", "CLK", "rising_edge")
    small = cq["cell_rise"].lookup(0.05, 0.002)
    assert 0.15 < small < 0.6 and 0.15 < cq["cell_fall"].lookup(0.05, 0.002) < 0.6
    setup = _arc_tables(ff, "D", "CLK", "setup_rising")
    hold = _arc_tables(ff, "D", "CLK", "hold_rising")
    for edge in ("rise", "fall"):
        s = setup[f"{edge}_constraint"].values
        h = hold[f"{edge}_constraint"].values
        assert np.all((s > -0.2) & (s < 0.6)), s
        assert np.all((h > -0.4) & (h < 0.3)), h
        assert np.all(s + h > 0)  # the capture window has a positive width


def test_inv_1_table_agrees_with_direct_simulation(lib) -> None:
    """Acceptance: an off-grid point interpolated from the tables vs ngspice on the same arc, within 5 %."""
    inv = lib.get("cell", "sky130_fd_sc_hd__inv_1")
    tables = _arc_tables(inv, "Y", "A")
    slew_ps, load_ff = 70.0, 10.0  # between grid points on both axes
    direct = spice.cell_delay("inv_1", "A", load_ff=load_ff, slew_ps=slew_ps)
    for key in ("cell_rise", "cell_fall"):
        from_lib = tables[key].lookup(slew_ps / 1000, load_ff / 1000) * 1000
        assert from_lib == pytest.approx(direct[key], rel=0.05), key
    for key in ("rise_transition", "fall_transition"):
        from_lib = tables[key].lookup(slew_ps / 1000, load_ff / 1000) * 1000
        assert from_lib == pytest.approx(direct[key], rel=0.10), key


def test_characterize_small_grid(tmp_path) -> None:
    """The characterizer itself, on a 2x2 grid of nand2_1 B->Y."""
    tables = charlib.characterize_arc("nand2_1", "B", {"A": 1}, True, "Y", slews_ns=(0.02, 0.2),
                                      loads_pf=(0.002, 0.01))
    for key, values in tables.items():
        assert values.shape == (2, 2) and np.all(values[:, 1] > values[:, 0]), key
    direct = spice.cell_delay("nand2_1", "B", load_ff=10.0, slew_ps=200.0, side_inputs={"A": 1})
    assert tables["cell_fall"][1, 1] * 1000 == pytest.approx(direct["cell_fall"], rel=0.01)
    caps = charlib.input_capacitance("nand2_1", "B")
    assert 0.001 < caps["capacitance"] < 0.005


def test_liberty_writer_round_trip(tmp_path) -> None:
    info = pdk.cell_info("nand2_1")
    t = Table(np.array([0.1, 0.5]), np.array([0.001, 0.01]), np.array([[0.02, 0.05], [0.04, 0.08]]))
    data = CellData(info, pin_caps={"A": 0.0021, "B": 0.0023},
                    arcs=[Arc("Y", "A", timing_sense="negative_unate", cell_rise=t, cell_fall=t,
                              rise_transition=t, fall_transition=t)], leakage_nw=1.5)
    path = write_liberty([data, charlib.function_only("tapvpwrvgnd_1")], tmp_path / "x.lib", name="x",
                         header="a test")
    lib = read_liberty(path)
    cell = lib.get("cell", "sky130_fd_sc_hd__nand2_1")
    assert float(cell.get("pin", "B").attrs["capacitance"]) == 0.0023
    back = table_from_group(cell.get("pin", "Y").get("timing").get("cell_rise"))
    assert np.allclose(back.values, t.values) and np.allclose(back.index_2, t.index_2)
    assert back.lookup(0.3, 0.0055) == pytest.approx(0.0475)  # the centre: mean of the corners
    assert back.lookup(0.9, 0.001) == pytest.approx(0.06)  # linear extrapolation
    assert lib.get("cell", "sky130_fd_sc_hd__tapvpwrvgnd_1").attrs["dont_use"] == "true"


def test_function_only_cli(tmp_path) -> None:
    out = tmp_path / "f.lib"
    assert charlib.main(["--out", str(out), "--function-only", "--cells", "a21oi_1", "dfxtp_1", "conb_1"]) == 0
    lib = read_liberty(out)
    assert [c.name for c in lib.find("cell")] == [pdk.full_name(c) for c in ("a21oi_1", "dfxtp_1", "conb_1")]
    assert lib.get("cell", "sky130_fd_sc_hd__conb_1").get("pin", "HI").attrs["function"] == "1"


def test_yosys_maps_onto_the_library(tmp_path) -> None:
    from pyosys import libyosys as ys

    src = tmp_path / "c.v"
    src.write_text("module c(input clk, input [3:0] d, output reg [3:0] q);\n"
                   "always @(posedge clk) q <= q ^ d;\nendmodule\n")
    design = ys.Design()
    for cmd in (f"read_verilog {src}", "synth -top c", f"dfflibmap -liberty {LIB_PATH}",
                f"abc -liberty {LIB_PATH}", "opt_clean"):
        ys.run_pass(cmd, design)
    types = {str(cell.type) for cell in design.top_module().cells_.values()}
    assert "\\sky130_fd_sc_hd__dfxtp_1" in types
    assert all(t.startswith("\\sky130_fd_sc_hd__") for t in types), types
    assert "\\sky130_fd_sc_hd__clkbuf_1" not in types  # dont_use


def test_async_reset_flop_maps_with_a_function_only_library(tmp_path) -> None:
    """dfrtp_1 is not shipped (synthesis asks for synchronous resets), but its ff group is right."""
    from pyosys import libyosys as ys

    path = charlib.write_function_only(tmp_path / "r.lib", ("dfrtp_1", "inv_1", "nand2_1"))
    ff = read_liberty(path).get("cell", "sky130_fd_sc_hd__dfrtp_1")
    assert ff.get("ff").attrs["clear"] == "!RESET_B"
    src = tmp_path / "r.v"
    src.write_text("module r(input clk, input rst_n, input d, output reg q);\n"
                   "always @(posedge clk or negedge rst_n) if (!rst_n) q <= 0; else q <= d;\nendmodule\n")
    design = ys.Design()
    for cmd in (f"read_verilog {src}", "synth -top r", f"dfflibmap -liberty {path}", f"abc -liberty {path}",
                "opt_clean"):
        ys.run_pass(cmd, design)
    types = {str(cell.type) for cell in design.top_module().cells_.values()}
    assert types == {"\\sky130_fd_sc_hd__dfrtp_1"}, types
