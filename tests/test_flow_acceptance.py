"""The physical-design engine's acceptance: three designs from Verilog to a checked sky130 GDS.

For the 4-bit counter, the 8-bit adder and the FSM (a 1011 sequence detector): 0 DRC errors in the
checked rule set, layout connectivity equal to the netlist, the mapped netlist simulating exactly like
the RTL, positive slack at a relaxed clock and negative slack at an impossible one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chiplab import synth, timing
from chiplab.flow import run_flow

DESIGNS = Path(synth.__file__).resolve().parent / "data" / "designs"

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("top", ["counter4", "adder8", "seqdet"])
def test_verilog_to_checked_gds(top: str, tmp_path: Path) -> None:
    rtl = DESIGNS / f"{top}.v"
    res = run_flow(rtl, top, clock_ns=20.0, out_dir=tmp_path, progress=False, render=False)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["drc_errors"] == 0, report.get("drc_by_rule")
    assert report["connectivity_ok"] is True, (report.get("opens"), report.get("shorts"))
    assert report["wns_ns"] > 0, f"{top}: negative slack at a relaxed 20 ns clock"
    gds = Path(report["files"]["gds"])
    assert gds.exists() and gds.stat().st_size > 10_000
    assert report["cells"] and report["area_um2"] > 0 and report["wirelength_um"] > 0
    assert set(report["stage_seconds"]) >= {"synth", "place", "route", "gds", "drc", "connectivity", "sta"}

    # the same routed netlist cannot meet an impossible clock
    tight = timing.analyze(res.synth.netlist, period_ns=0.05, top=top)
    assert tight.wns < 0

    # the mapped cells, simulated with their sky130 Verilog models, behave exactly like the RTL
    mismatches = synth.equivalent_by_simulation(rtl, res.synth, top, cycles=300, seed=3)
    assert not mismatches, mismatches[:3]
