"""chiplab.flow: RTL to checked GDS, the command line, and the errors a student meets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chiplab.errors import FlowError
from chiplab.flow import STAGES, main, run_flow

DESIGNS = Path(__file__).resolve().parent.parent / "chiplab" / "data" / "designs"
pytest.importorskip("chiplab.synth")


@pytest.mark.slow
def test_counter_rtl_to_gds_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "counter4"
    rc = main([str(DESIGNS / "counter4.v"), "--top", "counter4", "--clock-ns", "10", "--out", str(out)])
    assert rc == 0
    shown = capsys.readouterr().out
    for stage in STAGES:  # a progress line per stage, with its time
        assert f" {stage} " in shown
    report = json.loads((out / "report.json").read_text())
    for key in ("cells", "area_um2", "utilization", "drc_errors", "connectivity_ok", "wns_ns", "fmax_mhz",
                "wirelength_um", "stage_seconds"):
        assert key in report
    assert report["cells"] > 5 and report["area_um2"] > 50
    assert report["unrouted_nets"] == []
    assert report["drc_errors"] == 0, report.get("drc_by_rule")
    assert report["connectivity_ok"] is True, (report.get("opens"), report.get("shorts"))
    assert 0.2 < report["utilization"] < 0.7
    assert report["wirelength_um"] > 20
    assert {"synth", "floorplan", "place", "route"} <= set(report["stage_seconds"])
    for f in ("counter4.def", "counter4.json"):
        assert (out / f).stat().st_size > 0
    if report["files"].get("gds"):
        assert Path(report["files"]["gds"]).stat().st_size > 1000
        assert (out / "layout.png").stat().st_size > 1000


@pytest.mark.slow
def test_pathfinder_and_density_through_the_flow(tmp_path: Path) -> None:
    """The settings that route a few hundred cells (docs/pnr.md) reach the placer and router from run_flow
    and the command line, and still give a checked layout."""
    out = tmp_path / "adder8"
    rc = main([str(DESIGNS / "adder8.v"), "--top", "adder8", "--out", str(out), "--strategy", "pathfinder",
               "--density-weight", "1", "--quiet"])
    assert rc == 0
    report = json.loads((out / "report.json").read_text())
    assert report["unrouted_nets"] == [] and report["drc_errors"] == 0 and report["connectivity_ok"] is True
    res = run_flow([DESIGNS / "adder8.v"], "adder8", out_dir=tmp_path / "api", strategy="pathfinder",
                   density_weight=1.0, progress=False, render=False)
    assert res.pnr.extra["route_strategy"] == "pathfinder"
    assert res.report["drc_errors"] == 0 and res.report["connectivity_ok"] is True
    with pytest.raises(FlowError, match="route"):
        run_flow([DESIGNS / "adder8.v"], "adder8", out_dir=tmp_path / "bad", strategy="maze", progress=False,
                 render=False)


def test_bad_rtl_names_the_synthesis_stage(tmp_path: Path) -> None:
    bad = tmp_path / "bad.v"
    bad.write_text("module bad(input a, output y);\n  assign y = a &;\nendmodule\n")
    with pytest.raises(FlowError, match=r"^\[synth\]") as err:
        run_flow([bad], "bad", out_dir=tmp_path / "out", progress=False)
    assert err.value.stage == "synth"


def test_design_too_large_for_the_core(tmp_path: Path) -> None:
    with pytest.raises(FlowError, match=r"^\[floorplan\].*does not fit") as err:
        run_flow([DESIGNS / "adder8.v"], "adder8", out_dir=tmp_path, core_size_um=(8.0, 8.0), progress=False)
    assert "core" in err.value.hint
