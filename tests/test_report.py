"""chiplab.report: the one-page capstone report, made from a real flow run of counter4."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from chiplab.errors import ChipLabError
from chiplab.flow import run_flow
from chiplab.report import A4_INCHES, Report, ReportError, one_page

DESIGNS = Path(__file__).resolve().parent.parent / "chiplab" / "data" / "designs"
PASSING = {"passed": 5, "failed": 0}


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("report") / "counter4"
    return run_flow(DESIGNS / "counter4.v", "counter4", clock_ns=10.0, out_dir=out, progress=False)


@pytest.fixture(scope="module")
def fast_clock_flow(tmp_path_factory: pytest.TempPathFactory):
    """The same counter asked to run at 2 GHz: it misses timing."""
    out = tmp_path_factory.mktemp("report") / "counter4_fast"
    return run_flow(DESIGNS / "counter4.v", "counter4", clock_ns=0.5, out_dir=out, progress=False,
                    render=False)


def _pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", path.read_bytes()))


def test_data_comes_from_the_flow(flow, tmp_path: Path) -> None:
    rep = one_page(flow, title="4-bit counter", author="A. Student", verification=PASSING,
                   spec={"function": "4-bit up counter", "clock": "10 ns"})
    saved = json.loads((flow.out_dir / "report.json").read_text())
    for key in ("cells", "area_um2", "utilization", "clock_ns", "wns_ns", "fmax_mhz", "drc_errors",
                "connectivity_ok", "wirelength_um"):
        assert rep.data[key] == saved[key], key
    assert rep.data["top"] == "counter4"
    assert rep.data["title"] == "4-bit counter" and rep.data["author"] == "A. Student"
    # cell usage from the netlist: adds up to the cell count, flip-flops included
    counts = rep.data["cell_counts"]
    assert sum(counts.values()) == saved["cells"]
    assert counts.get("dfxtp_1") == 4
    # the critical path of the flow's timing analysis
    cp = rep.data["critical_path"]
    path = flow.timing.critical_path
    assert cp["start"] == path[0].point and cp["end"] == path[-1].point
    assert cp["delay_ns"] == pytest.approx(path[-1].arrival, abs=1e-3)
    assert cp["end_net"].startswith("count[")  # the register the path ends in, by its RTL name
    assert cp["slack_ns"] == pytest.approx(saved["wns_ns"], abs=1e-3)
    assert rep.data["verification"] == PASSING
    assert rep.data["spec"]["clock"] == "10 ns"
    assert rep.data["signoff"]["ok"] is True and rep.passed
    json.dumps(rep.data)  # plain data, ready for a grader or a file


def test_png_and_pdf_are_one_a4_page(flow, tmp_path: Path) -> None:
    png = tmp_path / "out" / "report.png"
    rep = one_page(flow, title="counter", author="me", verification=PASSING, out=png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    import matplotlib.image as mpimg

    h, w = mpimg.imread(str(png)).shape[:2]
    assert h / w == pytest.approx(A4_INCHES[1] / A4_INCHES[0], rel=0.01)  # one A4 portrait page
    pdf = rep.save(tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert _pdf_pages(pdf) == 1
    assert rep.path == pdf
    assert rep._repr_png_()[:4] == b"\x89PNG"  # a notebook shows it
    assert isinstance(rep, Report) and "PASS" in rep.summary()


def test_report_does_not_switch_the_matplotlib_backend(flow) -> None:
    import matplotlib
    import matplotlib.pyplot as plt

    before, figures = matplotlib.get_backend(), plt.get_fignums()
    one_page(flow, verification=PASSING)
    assert matplotlib.get_backend() == before
    assert plt.get_fignums() == figures  # not a pyplot figure: nothing left open, nothing shown twice


def test_signoff_fails_when_the_clock_is_too_fast(fast_clock_flow, tmp_path: Path) -> None:
    rep = one_page(fast_clock_flow, verification=PASSING, out=tmp_path / "fast.png")
    assert rep.data["wns_ns"] < 0
    assert rep.data["signoff"]["ok"] is False and not rep.passed
    assert any(r.startswith("setup timing") for r in rep.data["signoff"]["reasons"])
    assert "FAIL" in rep.summary()
    # render=False: no picture from the flow, the report draws the GDS itself
    assert (tmp_path / "fast.png").stat().st_size > 50_000


def test_signoff_needs_every_check(flow) -> None:
    assert not one_page(flow).passed  # no verification results: not signed off
    failing = one_page(flow, verification={"passed": 4, "failed": 1})
    assert failing.data["signoff"]["reasons"] == ["verification: 4 passed, 1 failed"]
    assert not one_page(flow, verification={"passed": 0, "failed": 0}).passed
    dirty = replace(flow, report={**flow.report, "drc_errors": 3})
    assert one_page(dirty, verification=PASSING).data["signoff"]["reasons"] == ["DRC: 3 errors"]
    open_net = replace(flow, report={**flow.report, "connectivity_ok": False})
    assert one_page(open_net, verification=PASSING).data["signoff"]["reasons"][0].startswith("connectivity")


def test_no_layout_picture(flow) -> None:
    blind = replace(flow, png_path=None, gds_path=None)
    rep = one_page(blind, verification=PASSING)
    assert rep.data["gds"] is None and rep.passed  # the checks ran in the flow; only the picture is missing
    assert rep._repr_png_()[:4] == b"\x89PNG"


def test_a_cocotb_result_counts_as_verification(flow) -> None:
    from chiplab.verify import CocotbResult, TestResult

    res = CocotbResult("icarus", "counter4", tests=[TestResult("tb.a", True), TestResult("tb.b", False),
                                                      TestResult("tb.c", False, skipped=True)])
    ver = one_page(flow, verification=res).data["verification"]
    assert (ver["passed"], ver["failed"]) == (1, 1)
    assert ver["tests"] == ["a", "b", "c"]


@pytest.mark.parametrize("bad, match", [
    ({"cells": 15}, "FlowResult"),
    ("build/flow", "not a path"),
    (None, "FlowResult"),
])
def test_not_a_flow_result(bad, match) -> None:
    with pytest.raises(ReportError, match=match) as err:
        one_page(bad)
    assert isinstance(err.value, ChipLabError) and err.value.hint


def test_a_flow_that_did_not_finish(flow) -> None:
    unfinished = replace(flow, report={k: v for k, v in flow.report.items() if k != "total_seconds"})
    with pytest.raises(ReportError, match="did not finish"):
        one_page(unfinished)
    with pytest.raises(ReportError, match="did not finish"):
        one_page(replace(flow, synth=None))


@pytest.mark.parametrize("kwargs, match", [
    ({"verification": {"passed": 3}}, r"verification\['failed'\]"),
    ({"verification": {"passed": -1, "failed": 0}}, r"verification\['passed'\]"),
    ({"verification": [3, 0]}, "verification must be"),
    ({"spec": "an 8-bit PWM"}, "spec must be a dict"),
    ({"title": 12}, "title must be text"),
    ({"out": "report.svg"}, r"\.png or \.pdf"),
])
def test_bad_arguments(flow, kwargs, match) -> None:
    with pytest.raises(ReportError, match=match):
        one_page(flow, **kwargs)


def test_save_refuses_other_formats(flow, tmp_path: Path) -> None:
    rep = one_page(flow, verification=PASSING)
    with pytest.raises(ReportError, match=r"\.png or \.pdf"):
        rep.save(tmp_path / "report.jpg")
