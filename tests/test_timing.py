"""Static timing analysis on netlists synthesized with pyosys onto ChipLab's characterized Liberty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chiplab import charlib, timing
from chiplab.errors import DesignError
from chiplab.liberty import read_liberty, table_from_group

LIB = charlib.default_liberty()

COUNTER = """
module counter(input clk, input rst, output reg [3:0] q);
  always @(posedge clk) if (rst) q <= 4'd0; else q <= q + 4'd1;
endmodule
"""
ADDER = """
module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] s, output cout);
  assign {cout, s} = a + b + cin;
endmodule
"""
REGADDER = """
module regadder(input clk, input [7:0] a, input [7:0] b, output reg [8:0] s);
  reg [7:0] ra, rb;
  always @(posedge clk) begin ra <= a; rb <= b; s <= ra + rb; end
endmodule
"""


def synthesize(tmp_path: Path, source: str, top: str) -> dict:
    from pyosys import libyosys as ys

    src = tmp_path / f"{top}.v"
    src.write_text(source)
    out = tmp_path / f"{top}.json"
    design = ys.Design()
    for cmd in (f"read_verilog {src}", f"synth -top {top}", f"dfflibmap -liberty {LIB}", f"abc -liberty {LIB}",
                "opt_clean", f"write_json {out}"):
        ys.run_pass(cmd, design)
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def netlists(tmp_path_factory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("sta")
    return {"counter": synthesize(tmp, COUNTER, "counter"), "adder8": synthesize(tmp, ADDER, "adder8"),
            "regadder": synthesize(tmp, REGADDER, "regadder")}


def test_wire_capacitance_from_the_technology_lef() -> None:
    per_um = timing.wire_cap_per_um("met1")
    assert 0.05 < per_um < 0.2  # fF/um
    assert timing.wire_cap_from_length(100.0) == pytest.approx(100 * per_um)
    assert timing.wire_cap_per_um("met3") != per_um
    with pytest.raises(DesignError):
        timing.wire_cap_per_um("met9")


def test_counter_relaxed_and_impossible_clocks(netlists) -> None:
    relaxed = timing.analyze(netlists["counter"], LIB, period_ns=10.0)
    assert relaxed.met and relaxed.wns > 0 and relaxed.tns == 0
    setups = [e for e in relaxed.endpoints if e.kind == "setup"]
    assert len({e.name for e in setups}) == 4  # four flip-flop D pins
    impossible = timing.analyze(netlists["counter"], LIB, period_ns=0.05)
    assert not impossible.met and impossible.wns < 0 and impossible.tns < 0
    # the minimum period does not depend on the period asked for
    assert relaxed.min_period == pytest.approx(impossible.min_period, rel=1e-9)
    at_limit = timing.analyze(netlists["counter"], LIB, period_ns=relaxed.min_period)
    assert at_limit.wns == pytest.approx(0.0, abs=1e-9)
    assert 100 < relaxed.fmax_mhz < 5000
    path = relaxed.critical_path
    assert path[0].cell.endswith("dfxtp_1") and path[0].pin == "Q"  # starts at a flop's clock-to-Q
    assert path[-1].pin == "D"
    assert all(b.arrival >= a.arrival - 1e-12 or b.incr < 0 for a, b in zip(path, path[1:]))
    # hold: flop-to-flop paths are far longer than the hold time, and hold does not depend on the period
    assert len(relaxed.hold_checks) == 8 and relaxed.whs > 0
    assert impossible.whs == pytest.approx(relaxed.whs)
    text = relaxed.text()
    assert "Hold: worst slack" in text
    assert "Critical path" in text and "WNS" in text and "dfxtp_1" in text
    d = relaxed.as_dict()
    assert d["wns_ns"] == relaxed.wns and d["critical_path"][0]["instance"] == path[0].instance


def test_adder_paths_from_inputs_to_outputs(netlists) -> None:
    rep = timing.analyze(netlists["adder8"], LIB, period_ns=5.0)
    assert {e.kind for e in rep.endpoints} == {"output"}
    assert rep.critical_path[0].point.endswith("(in)")
    assert rep.critical_path[-1].point.endswith("(out)")
    # the carry chain makes cout or a high sum bit the slowest output, not s[0]
    worst = min(rep.endpoints, key=lambda e: e.slack)
    assert worst.name in {"cout", "s[7]", "s[6]", "s[5]"}
    s0 = max(e.arrival for e in rep.endpoints if e.name == "s[0]")
    assert worst.arrival > 2 * s0
    slower = timing.analyze(netlists["adder8"], LIB, period_ns=5.0, input_delay_ns=1.0)
    assert slower.wns == pytest.approx(rep.wns - 1.0, abs=1e-9)


def test_wire_capacitance_slows_paths(netlists) -> None:
    base = timing.analyze(netlists["regadder"], LIB, period_ns=5.0)
    nets = {n for p in base.critical_path for n in [p.net]}
    loaded = timing.analyze(netlists["regadder"], LIB, period_ns=5.0,
                            wire_caps_ff={n: timing.wire_cap_from_length(200.0) for n in nets})
    assert loaded.wns < base.wns - 0.01
    assert max(p.load_ff for p in loaded.critical_path) > max(p.load_ff for p in base.critical_path)


def _chain(n: int) -> dict:
    """a -> inv_1 x n -> y, as Yosys JSON."""
    cells = {}
    for k in range(n):
        cells[f"u{k}"] = {"type": "sky130_fd_sc_hd__inv_1", "connections": {"A": [2 + k], "Y": [3 + k]}}
    return {"modules": {"chain": {
        "attributes": {"top": "00000000000000000000000000000001"},
        "ports": {"a": {"direction": "input", "bits": [2]}, "y": {"direction": "output", "bits": [2 + n]}},
        "cells": cells,
        "netnames": {"a": {"bits": [2]}, "y": {"bits": [2 + n]}},
    }}}


def test_inverter_chain_is_the_sum_of_table_lookups() -> None:
    lib = read_liberty(LIB)
    inv = lib.get("cell", "sky130_fd_sc_hd__inv_1")
    cap_a = float(inv.get("pin", "A").attrs["capacitance"])
    arc = inv.get("pin", "Y").get("timing")
    tables = {g.kind: table_from_group(g) for g in arc.groups}
    n, slew_in, out_load_ff, wire_ff = 3, 0.07, 6.0, 2.0
    # by hand: input rises; stages alternate fall, rise, fall at the output
    t, slew, edge = 0.0, slew_in, "rise"
    for k in range(n):
        load = (out_load_ff if k == n - 1 else cap_a * 1e3) + wire_ff
        edge = "fall" if edge == "rise" else "rise"
        t += tables[f"cell_{edge}"].lookup(slew, load * 1e-3)
        slew = tables[f"{edge}_transition"].lookup(slew, load * 1e-3)
    rep = timing.analyze(_chain(n), LIB, period_ns=1.0, input_slew_ns=slew_in, output_load_ff=out_load_ff,
                         wire_caps_ff={bit: wire_ff for bit in range(3, 3 + n)})
    y_fall = next(e for e in rep.endpoints if e.name == "y" and e.edge == "fall")
    assert y_fall.arrival == pytest.approx(t, rel=1e-9)
    assert y_fall.slack == pytest.approx(1.0 - t, rel=1e-9)
    assert [p.instance for p in rep.critical_path[1:-1]] == ["u0", "u1", "u2"]
    assert rep.critical_path[-2].load_ff == pytest.approx(out_load_ff + wire_ff)
    assert sum(p.incr for p in rep.critical_path) == pytest.approx(max(e.arrival for e in rep.endpoints))


def test_bad_netlists_raise_design_errors() -> None:
    loop = _chain(2)
    loop["modules"]["chain"]["cells"]["u0"]["connections"]["A"] = [4]  # u1.Y -> u0.A
    with pytest.raises(DesignError, match="loop"):
        timing.analyze(loop, LIB)
    unknown = _chain(1)
    unknown["modules"]["chain"]["cells"]["u0"]["type"] = "sky130_fd_sc_hd__dlygate4sd3_1"
    with pytest.raises(DesignError, match="not in the Liberty"):
        timing.analyze(unknown, LIB)
    with pytest.raises(DesignError):
        timing.load_netlist({"modules": {}})
