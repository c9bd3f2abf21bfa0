"""ngspice with the sky130 models: reduced model files, errors, transistor/inverter/cell helpers."""

from __future__ import annotations

import time

import numpy as np
import pytest

from chiplab import spice
from chiplab.errors import ChipLabError, SimulationError, ToolNotFoundError

pytestmark = pytest.mark.skipif(
    spice.shutil.which("ngspice") is None, reason="ngspice is not installed"
)


def test_simulate_resistor_divider_without_models() -> None:
    res = spice.simulate("V1 a 0 1.8\nR1 a b 1k\nR2 b 0 2k", "op", models=False)
    assert res["b"][0] == pytest.approx(1.2, rel=1e-6)
    assert res["i(v1)"][0] == pytest.approx(-0.6e-3, rel=1e-6)


def test_several_analyses_and_measures_in_one_run() -> None:
    net = "V1 in 0 pulse(0 1.8 0 10p 10p 1n 2n)\nR1 in out 1k\nC1 out 0 1p"
    res = spice.simulate(net, "op", "tran 5p 2n", measures=["tran t50 when v(out)=0.9 rise=1"], models=False)
    assert [a.kind for a in res.analyses] == ["op", "tran"]
    assert res.measures["t50"] == pytest.approx(np.log(2) * 1e-9, rel=0.03)  # RC ln 2
    assert res["time"][-1] == pytest.approx(2e-9)


def test_netlist_error_is_short_and_names_the_problem() -> None:
    with pytest.raises(SimulationError) as info:
        spice.simulate("XM d g 0 0 sky130_fd_pr__nfet_01v8 w=1 l=0.15\nVd d 0 1\nRg g 0 bogus_value", "op")
    text = str(info.value)
    assert len(text) < 600
    assert "ngspice" in text and "netlist line 3" in text and "bogus_value" in text
    with pytest.raises(SimulationError) as info:
        spice.simulate("X1 a 0 no_such_subckt\nV1 a 0 1", "op", models=False)
    assert "no_such_subckt" in str(info.value).lower()
    with pytest.raises(SimulationError):
        spice.simulate("V1 a 0 1")  # no analysis


def test_missing_ngspice_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("CHIPLAB_NGSPICE", "/nonexistent/ngspice")
    spice.ngspice_path.cache_clear()
    try:
        with pytest.raises(ToolNotFoundError) as info:
            spice.simulate("V1 a 0 1\nR1 a 0 1k", "op", models=False)
        assert "apt-get install ngspice" in str(info.value)
        assert isinstance(info.value, ChipLabError)
    finally:
        monkeypatch.undo()
        spice.ngspice_path.cache_clear()


def test_reduced_models_are_cached_and_small(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CHIPLAB_CACHE", str(tmp_path))
    path = spice.reduced_models("ss")
    assert path.is_relative_to(tmp_path) and path.exists()
    text = path.read_text()
    assert ".subckt  sky130_fd_pr__nfet_01v8 " in text or ".subckt sky130_fd_pr__nfet_01v8 " in text
    assert ".subckt  sky130_fd_pr__nfet_g5v0d10v5" not in text  # the high-voltage devices are left out
    assert path.stat().st_size < 2_000_000
    mtime = path.stat().st_mtime
    assert spice.reduced_models("ss") == path and path.stat().st_mtime == mtime
    with pytest.raises(SimulationError):
        spice.reduced_models("xx")


@pytest.mark.slow
def test_reduced_models_match_full_library() -> None:
    """The reduced model file gives exactly what the full sky130 library gives (and is much faster)."""
    t0 = time.perf_counter()
    reduced = spice.cell_delay("inv_1", load_ff=3.0, slew_ps=40.0)
    t_reduced = time.perf_counter() - t0
    info = spice.cell_subckt("inv_1")[0]
    net = "\n".join([info, spice.cell_instance("inv_1", "dut", {"A": "in", "Y": "out"}), "Vdd vdd 0 1.8",
                     "Vin in 0 pulse(0 1.8 0.1n 66.7p 66.7p 1n 2.2n)", "Cload out 0 3f"])
    meas = ["tran tphl trig v(in) val=0.9 rise=1 targ v(out) val=0.9 fall=1"]
    t0 = time.perf_counter()
    full = spice.simulate(net, "tran 2p 2.4n", measures=meas, full_models=True).measures["tphl"]
    t_full = time.perf_counter() - t0
    red = spice.simulate(net, "tran 2p 2.4n", measures=meas).measures["tphl"]
    assert red == pytest.approx(full, rel=1e-9)
    assert reduced["cell_fall"] > 0
    assert t_reduced < t_full


def test_mosfet_iv_shapes_and_physics() -> None:
    n = spice.mosfet_iv("nfet_01v8", w=1.0, l=0.15, vgs=[0.0, 0.9, 1.8], vds=np.linspace(0, 1.8, 19))
    assert n["id"].shape == (3, 19)
    assert abs(n["id"][0, -1]) < 1e-8  # off
    assert n["id"][2, -1] > n["id"][1, -1] > 1e-5  # more gate, more current
    assert np.all(np.diff(n["id"][2]) > -1e-7)  # rises with vds
    assert 200e-6 < n["id"][2, -1] < 1500e-6  # ~ 0.5-0.7 mA/um for sky130 1.8 V nfet
    p = spice.mosfet_iv("pfet_01v8", w=1.0, vgs=[-1.8], vds=[-1.8])
    assert p["id"][0, 0] < -50e-6  # current flows out of the pfet drain
    wide = spice.mosfet_iv("nfet_01v8", w=2.0, vgs=[1.8], vds=[1.8])
    assert wide["id"][0, 0] == pytest.approx(2 * n["id"][2, -1], rel=0.1)
    with pytest.raises(SimulationError):
        spice.mosfet_iv("nfet_01v8", vds=[0.0, 0.1, 0.5])  # not a linear sweep


def test_inverter_vtc_and_noise_margins() -> None:
    t0 = time.perf_counter()
    vin, vout, m = spice.inverter_vtc(wn=0.65, wp=1.0)
    assert time.perf_counter() - t0 < 10
    assert vout[0] > 1.79 and vout[-1] < 0.01
    assert 0.75 < m["VM"] < 1.0
    assert m["VIL"] < m["VM"] < m["VIH"]
    assert m["NML"] > 0.4 and m["NMH"] > 0.4
    assert m["VOH"] > 1.6 and m["VOL"] < 0.2
    wider = spice.inverter_vtc(wn=0.65, wp=3.0)
    assert wider.VM > m["VM"] + 0.05  # a stronger pull-up moves the switching point up


def test_inverter_delay_grows_with_load_and_corner() -> None:
    light = spice.inverter_delay(load_ff=2.0, slew_ps=30.0)
    heavy = spice.inverter_delay(load_ff=20.0, slew_ps=30.0)
    assert 5 < light["tphl"] < heavy["tphl"]
    assert light["tplh"] < heavy["tplh"] and light["t_rise"] < heavy["t_rise"]
    assert light["tpd"] == pytest.approx((light["tphl"] + light["tplh"]) / 2)
    slow = spice.inverter_delay(load_ff=10.0, corner="ss")
    typ = spice.inverter_delay(load_ff=10.0, corner="tt")
    fast = spice.inverter_delay(load_ff=10.0, corner="ff")
    assert fast["tpd"] < typ["tpd"] < slow["tpd"]


def test_cell_delay_on_real_netlists() -> None:
    inv = spice.cell_delay("inv_1", "A", load_ff=5.0, slew_ps=50.0)
    assert inv["sense"] == -1.0 and 10 < inv["cell_fall"] < inv["cell_rise"] < 200
    nand = spice.cell_delay("nand2_1", "A", load_ff=5.0, slew_ps=50.0)
    assert nand["sense"] == -1.0 and nand["cell_fall"] > inv["cell_fall"]  # two nfets in series
    buf = spice.cell_delay("buf_1", load_ff=5.0, slew_ps=50.0)
    assert buf["sense"] == 1.0 and buf["cell_rise"] > 0
    xor_neg = spice.cell_delay("xor2_1", "A", side_inputs={"B": 1})
    assert xor_neg["sense"] == -1.0
    assert spice.sensitizations("xor2_1", "A") == {"positive_unate": {"B": 0}, "negative_unate": {"B": 1}}
    with pytest.raises(SimulationError):
        spice.cell_delay("dfxtp_1")
    with pytest.raises(SimulationError):
        spice.cell_delay("nand2_1", "Z")
    with pytest.raises(SimulationError):
        spice.cell_delay("nand2_1", "A", side_inputs={"B": 0})  # B=0 blocks A


def test_repeat_calls_are_fast() -> None:
    spice.inverter_delay()
    t0 = time.perf_counter()
    for _ in range(3):
        spice.inverter_delay(load_ff=4.0)
    assert (time.perf_counter() - t0) / 3 < 3.0  # ~0.1 s on an idle machine


def test_ac_analysis_gives_complex_vectors() -> None:
    res = spice.simulate("V1 in 0 dc 0 ac 1\nR1 in out 1k\nC1 out 0 1p", "ac dec 20 1e6 1e10", models=False)
    freq, out = res["frequency"], res["out"]
    assert freq.dtype == np.float64 and np.iscomplexobj(out)
    corner = 1 / (2 * np.pi * 1e3 * 1e-12)
    assert abs(np.interp(corner, freq, np.abs(out))) == pytest.approx(1 / np.sqrt(2), rel=0.02)
