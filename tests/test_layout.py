"""chiplab.layout: DEF -> GDS with the real sky130 cells, pictures, DRC and connectivity checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from chiplab import layout, pdk

klayout_db = pytest.importorskip("klayout.db")

# Three inverters in a row between two tap cells; n1 is routed on met1, n2 goes up to met2 and back,
# port a comes in on a met1 pin straight onto u1's input.
HAND_DEF = """VERSION 5.8 ;
DIVIDERCHAR "/" ;
BUSBITCHARS "[]" ;
DESIGN chain ;
UNITS DISTANCE MICRONS 1000 ;
DIEAREA ( 0 0 ) ( 5520 2720 ) ;
ROW ROW_0 unithd 0 0 N DO 12 BY 1 STEP 460 0 ;
PINS 1 ;
- a + NET a + DIRECTION INPUT + USE SIGNAL
  + LAYER met1 ( -145 -150 ) ( 145 150 )
  + PLACED ( 945 1195 ) N ;
END PINS
COMPONENTS 5 ;
- tap0 sky130_fd_sc_hd__tapvpwrvgnd_1 + PLACED ( 0 0 ) N ;
- u1 sky130_fd_sc_hd__inv_1 + PLACED ( 460 0 ) N ;
- u2 sky130_fd_sc_hd__inv_1 + PLACED ( 1840 0 ) N ;
- u3 sky130_fd_sc_hd__inv_1 + PLACED ( 3220 0 ) N ;
- tap1 sky130_fd_sc_hd__tapvpwrvgnd_1 + PLACED ( 4600 0 ) N ;
END COMPONENTS
NETS 3 ;
- a ( PIN a ) ( u1 A )
  + ROUTED met1 ( 945 1195 ) L1M1_PR ;
- n1 ( u1 Y ) ( u2 A )
  + ROUTED met1 ( 1395 1190 ) ( 2325 * )
    NEW met1 ( 1395 1190 ) L1M1_PR
    NEW met1 ( 2325 1190 ) L1M1_PR ;
- n2 ( u2 Y ) ( u3 A )
  + ROUTED met1 ( 2775 1190 ) M1M2_PR
    NEW met2 ( 2775 1190 ) ( 2775 1870 )
    NEW met2 ( 2775 1870 ) ( 3705 1870 )
    NEW met2 ( 3705 1870 ) ( 3705 1190 )
    NEW met1 ( 3705 1190 ) M1M2_PR
    NEW met1 ( 2775 1190 ) L1M1_PR
    NEW met1 ( 3705 1190 ) L1M1_PR ;
END NETS
END DESIGN
"""
OPEN_DEF = HAND_DEF.replace("    NEW met2 ( 2775 1870 ) ( 3705 1870 )\n", "")
SHORT_DEF = HAND_DEF.replace(
    "    NEW met1 ( 3705 1190 ) L1M1_PR ;",
    "    NEW met1 ( 3705 1190 ) L1M1_PR\n    NEW met1 ( 2325 1190 ) ( 2775 1190 ) ;",
)


def _inv(a: int, y: int) -> dict:
    return {
        "type": "sky130_fd_sc_hd__inv_1",
        "port_directions": {"A": "input", "Y": "output"},
        "connections": {"A": [a], "Y": [y]},
    }


NETLIST = {
    "modules": {
        "chain": {
            "attributes": {"top": "00000000000000000000000000000001"},
            "ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [5]}},
            "cells": {"u1": _inv(2, 3), "u2": _inv(3, 4), "u3": _inv(4, 5)},
            "netnames": {"a": {"bits": [2]}, "n1": {"bits": [3]}, "n2": {"bits": [4]}, "y": {"bits": [5]}},
        }
    }
}

#: the cells synthesis may use plus the physical cells placement adds
FLOW_CELLS = [
    "inv_1",
    "inv_2",
    "buf_1",
    "buf_2",
    "nand2_1",
    "nor2_1",
    "and2_1",
    "or2_1",
    "xor2_1",
    "xnor2_1",
    "nand3_1",
    "nor3_1",
    "and3_1",
    "or3_1",
    "a21oi_1",
    "o21ai_1",
    "a21o_1",
    "o21a_1",
    "a22oi_1",
    "o22ai_1",
    "mux2_1",
    "dfxtp_1",
    "conb_1",
    "tapvpwrvgnd_1",
    "fill_1",
    "fill_2",
    "decap_3",
]


def _gds(tmp_path: Path, text: str, name: str) -> Path:
    d = tmp_path / f"{name}.def"
    d.write_text(text)
    return layout.def_to_gds(d, tmp_path / f"{name}.gds")


def _count(ly, cell, layer: str) -> int:  # noqa: ANN001
    index = ly.find_layer(*layout.LAYERS[layer])
    return 0 if index is None else cell.shapes(index).size()


def test_def_to_gds_has_real_cells_and_routing(tmp_path: Path) -> None:
    gds = _gds(tmp_path, HAND_DEF, "chain")
    ly = klayout_db.Layout()
    ly.read(str(gds))
    top = ly.top_cell()
    assert top.name == "chain"
    names = {
        inst.property(layout.INSTANCE_PROPERTY): inst.cell.name
        for inst in top.each_inst()
        if inst.property(layout.INSTANCE_PROPERTY)
    }
    assert names == {
        "tap0": "sky130_fd_sc_hd__tapvpwrvgnd_1",
        "tap1": "sky130_fd_sc_hd__tapvpwrvgnd_1",
        "u1": "sky130_fd_sc_hd__inv_1",
        "u2": "sky130_fd_sc_hd__inv_1",
        "u3": "sky130_fd_sc_hd__inv_1",
    }
    # the inverter is the foundry layout, shape for shape (not the LEF abstract)
    ref = klayout_db.Layout()
    ref.read(str(pdk.cell_file("inv_1", "gds")))
    inv = ly.cell("sky130_fd_sc_hd__inv_1")
    for name in ("li1", "mcon", "met1", "li1.label"):
        assert _count(ly, inv, name) == _count(ref, ref.top_cell(), name) > 0, name
    assert _count(ly, inv, "poly") > 0 and _count(ly, inv, "diff") > 0
    # routing on the sky130 GDS layers
    assert _count(ly, top, "met1") >= 1 and _count(ly, top, "met2") == 3
    via_cells = {inst.cell.name for inst in top.each_inst()} - set(names.values())
    assert {"VIA_L1M1_PR", "VIA_M1M2_PR"} <= via_cells
    l1m1 = ly.cell("VIA_L1M1_PR")
    assert _count(ly, l1m1, "mcon") == 1 and _count(ly, l1m1, "li1") == 1 and _count(ly, l1m1, "met1") == 1
    assert _count(ly, ly.cell("VIA_M1M2_PR"), "via") == 1
    # the port: pin shape, drawn metal and label
    labels = [s.text.string for s in top.shapes(ly.find_layer(68, 5)).each() if s.is_text()]
    assert labels == ["a"]
    assert _count(ly, top, "met1.pin") == 1
    assert top.dbbox().width() == pytest.approx(5.52, abs=0.5)


def test_def_to_gds_errors(tmp_path: Path) -> None:
    with pytest.raises(layout.DesignError):
        layout.def_to_gds(tmp_path / "none.def", tmp_path / "x.gds")
    bad = tmp_path / "bad.def"
    bad.write_text(
        HAND_DEF.replace("sky130_fd_sc_hd__inv_1 + PLACED ( 460", "sky130_fd_sc_hd__nosuch_1 + PLACED ( 460")
    )
    with pytest.raises(layout.DesignError):
        layout.def_to_gds(bad, tmp_path / "bad.gds")


def test_render_png_and_svg(tmp_path: Path) -> None:
    import matplotlib.image as mpimg

    gds = _gds(tmp_path, HAND_DEF, "chain")
    png = layout.render(gds, tmp_path / "chain.png", width=600)
    img = mpimg.imread(png)
    assert img.shape[1] == 600 and img.shape[0] > 100
    coloured = (abs(img[:, :, 0] - img[:, :, 1]) + abs(img[:, :, 1] - img[:, :, 2]) > 0.2).mean()
    assert coloured > 0.02, "the picture should show coloured layers"
    only_met2 = mpimg.imread(layout.render(gds, tmp_path / "m2.png", layers=["met2"], width=600))
    assert (abs(only_met2[:, :, 0] - only_met2[:, :, 2]) > 0.2).mean() < coloured
    zoom = layout.render(gds, tmp_path / "zoom.png", box=(2.0, 0.5, 4.0, 2.2), width=300)
    assert mpimg.imread(zoom).shape[1] == 300
    svg = layout.render(gds, tmp_path / "chain.svg", width=500).read_text()
    assert svg.startswith("<svg") and svg.count("<polygon") > 20 and 'id="met1' in svg


def test_hand_layout_is_drc_clean(tmp_path: Path) -> None:
    report = layout.drc(_gds(tmp_path, HAND_DEF, "chain"))
    assert report.ok, report.summary()
    assert report.count == 0 and "clean" in report.summary()


def test_rule_table_values() -> None:
    rules = {r.name: r for r in layout.RULES}
    expected = {
        "li.1": 0.17,
        "li.3": 0.17,
        "m1.1": 0.14,
        "m1.2": 0.14,
        "m2.1": 0.14,
        "m2.2": 0.14,
        "ct.1": 0.17,
        "m1.4": 0.03,
        "m1.6": 0.083,
        "via.4a": 0.055,
        "x.1b": 0.005,
        "m3.1": 0.3,
    }
    for name, value in expected.items():
        assert rules[name].value == value, name
        assert "periphery" in rules[name].source
    assert "| m1.6 |" in layout.rule_table()


def _row_def(cells: list[str], flipped_second_row: bool = True) -> str:
    comps = []
    width = 0
    for row, orient in ((0, "N"), (1, "FS")) if flipped_second_row else ((0, "N"),):
        x = 0
        for i, cell in enumerate(["tapvpwrvgnd_1", *cells, "tapvpwrvgnd_1"]):
            comps.append(f"- r{row}_{i} {pdk.full_name(cell)} + PLACED ( {x} {row * 2720} ) {orient} ;")
            x += round(pdk.cell_info(cell).width_um * 1000)
        width = x
    return (
        'VERSION 5.8 ;\nDIVIDERCHAR "/" ;\nBUSBITCHARS "[]" ;\nDESIGN rows ;\nUNITS DISTANCE MICRONS 1000 ;\n'
        f"DIEAREA ( 0 0 ) ( {width} 5440 ) ;\nCOMPONENTS {len(comps)} ;\n"
        + "\n".join(comps)
        + "\nEND COMPONENTS\nEND DESIGN\n"
    )


@pytest.mark.parametrize("cell", FLOW_CELLS)
def test_each_flow_cell_alone_is_drc_clean(cell: str) -> None:
    report = layout.drc(pdk.cell_file(cell, "gds"))
    assert report.ok, report.summary()


def test_flow_cells_abutted_with_taps_are_drc_clean(tmp_path: Path) -> None:
    gds = _gds(tmp_path, _row_def(FLOW_CELLS[:-4]), "rows")
    report = layout.drc(gds)
    assert report.ok, report.summary()


def _seeded(shapes: list[tuple[str, tuple[float, float, float, float]]]):  # noqa: ANN202
    ly = klayout_db.Layout()
    ly.dbu = 0.001
    top = ly.create_cell("seeded")
    for name, box in shapes:
        top.shapes(ly.layer(*layout.LAYERS[name])).insert(klayout_db.DBox(*box))
    return ly


@pytest.mark.parametrize(
    ("shapes", "rule"),
    [
        ([("met1", (0, 0, 0.10, 2.0))], "m1.1"),  # 0.10 um wide met1 wire
        ([("met1", (0, 0, 1, 0.5)), ("met1", (0, 0.6, 1, 1.1))], "m1.2"),  # 0.10 um apart
        ([("met2", (0, 0, 0.12, 2.0))], "m2.1"),
        ([("li1", (0, 0, 1, 0.5)), ("li1", (0, 0.62, 1, 1.12))], "li.3"),
        ([("via", (0, 0, 0.15, 0.15)), ("met2", (-0.1, -0.1, 0.25, 0.5))], "via.4a"),  # via without met1
        (
            [
                ("mcon", (0, 0, 0.17, 0.17)),
                ("li1", (-0.1, -0.1, 0.3, 0.5)),
                ("met1", (-0.01, -0.1, 0.18, 0.6)),
            ],
            "m1.4",
        ),
        # mcon with 0.03 all round: m1.4 is met, m1.5 (0.06 on one pair of opposite sides) is not
        (
            [
                ("mcon", (0, 0, 0.17, 0.17)),
                ("li1", (-0.1, -0.1, 0.3, 0.5)),
                ("met1", (-0.03, -0.03, 0.2, 0.2)),
            ],
            "m1.5",
        ),
        (
            [
                ("via", (0, 0, 0.15, 0.15)),
                ("met1", (-0.055, -0.055, 0.205, 0.205)),
                ("met2", (-0.1, -0.1, 0.25, 0.5)),
            ],
            "via.5a",
        ),
        ([("met1", (0, 0, 1.0025, 0.5))], "x.1b"),  # off the 5 nm grid
        ([("met1", (0, 0, 0.2, 0.3))], "m1.6"),  # 0.06 um^2
        (
            [("mcon", (0, 0, 0.17, 0.30)), ("li1", (-0.1, -0.1, 0.3, 0.5)), ("met1", (-0.1, -0.1, 0.3, 0.5))],
            "ct.1",
        ),
    ],
)
def test_seeded_violations_are_caught_by_the_right_rule(shapes: list, rule: str) -> None:
    report = layout.drc(_seeded(shapes))
    assert rule in report.by_rule(), report.summary()
    v = next(v for v in report.violations if v.rule == rule)
    assert v.box[2] >= v.box[0] and v.box[3] >= v.box[1]


def test_clean_seeded_layout_and_marker_picture(tmp_path: Path) -> None:
    good = _seeded([("met1", (0, 0, 1, 0.5)), ("met1", (0, 0.64, 1, 1.14))])
    assert layout.drc(good).ok
    # an mcon with 0.06 on the left/right and 0.03 on top/bottom meets m1.4 and m1.5
    mcon = _seeded(
        [
            ("mcon", (0, 0, 0.17, 0.17)),
            ("li1", (-0.1, -0.1, 0.3, 0.5)),
            ("met1", (-0.06, -0.03, 0.23, 0.2)),
            ("met1", (-0.06, -0.03, 0.23, 0.3)),
        ]
    )
    assert layout.drc(mcon).ok, layout.drc(mcon).summary()
    bad = _seeded([("met1", (0, 0, 1, 0.5)), ("met1", (0, 0.6, 1, 1.1)), ("met1", (2, 0, 2.1, 2))])
    path = tmp_path / "bad.gds"
    bad.write(str(path))
    report = layout.drc(path)
    assert report.by_rule() == {"m1.2": 1, "m1.1": 1}
    png = report.render(tmp_path / "drc.png", width=400)
    assert png.stat().st_size > 1000


def test_connectivity_of_correct_route(tmp_path: Path) -> None:
    report = layout.check_connectivity(_gds(tmp_path, HAND_DEF, "chain"), NETLIST)
    assert report.ok, report.summary()
    assert report.nets_checked == 4
    assert report.unchecked_ports == ["y"]  # the DEF has no pin for y


def test_connectivity_finds_open(tmp_path: Path) -> None:
    report = layout.check_connectivity(_gds(tmp_path, OPEN_DEF, "open"), NETLIST)
    assert not report.ok and not report.shorts
    assert [o.net for o in report.opens] == ["n2"]
    assert sorted(p for g in report.opens[0].groups for p in g) == ["u2/Y", "u3/A"]


def test_connectivity_finds_short(tmp_path: Path) -> None:
    report = layout.check_connectivity(_gds(tmp_path, SHORT_DEF, "short"), NETLIST)
    assert not report.ok and not report.opens
    assert [s.nets for s in report.shorts] == [["n1", "n2"]]
    assert "n1" in report.summary() and "short" in report.summary()


def test_connectivity_finds_short_to_power(tmp_path: Path) -> None:
    # a met1 strap from n1's via up into the VPWR rail
    text = HAND_DEF.replace(
        "    NEW met1 ( 2325 1190 ) L1M1_PR ;",
        "    NEW met1 ( 2325 1190 ) L1M1_PR\n    NEW met1 ( 2325 1190 ) ( 2325 2720 ) ;",
    )
    report = layout.check_connectivity(_gds(tmp_path, text, "pwr"), NETLIST)
    assert any("VPWR" in s.nets and "n1" in s.nets for s in report.shorts), report.summary()


def test_connectivity_reports_missing_instance(tmp_path: Path) -> None:
    netlist = {"modules": {"chain": dict(NETLIST["modules"]["chain"])}}
    netlist["modules"]["chain"]["cells"] = {**NETLIST["modules"]["chain"]["cells"], "u9": _inv(5, 6)}
    report = layout.check_connectivity(_gds(tmp_path, HAND_DEF, "chain"), netlist)
    assert not report.ok and any("u9" in m for m in report.missing)


def test_connectivity_finds_wire_onto_unconnected_pin(tmp_path: Path) -> None:
    netlist = {"modules": {"chain": dict(NETLIST["modules"]["chain"])}}
    cells = dict(NETLIST["modules"]["chain"]["cells"])
    cells["u3"] = {**cells["u3"], "connections": {"Y": [5]}}  # u3's input left unconnected in the netlist
    netlist["modules"]["chain"]["cells"] = cells
    report = layout.check_connectivity(_gds(tmp_path, HAND_DEF, "chain"), netlist)
    assert any("unconnected u3/A" in s.nets for s in report.shorts), report.summary()
