"""lab08 grading helpers: each check passes a right answer and rejects a wrong one, by running ngspice."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import spice_checks as sc
from chiplab import spice

pytestmark = pytest.mark.skipif(spice.shutil.which("ngspice") is None, reason="ngspice is not installed")


def _inverter(wn: float, wp: float) -> str:
    return (f"XN out in 0 0 sky130_fd_pr__nfet_01v8 w={wn:g} l=0.15\n"
            f"XP out in vdd vdd sky130_fd_pr__pfet_01v8 w={wp:g} l=0.15")


def test_inverter_netlist_right_and_wrong() -> None:
    assert sc.check_inverter_netlist(_inverter) == 3
    with pytest.raises(AssertionError, match="switches at"):
        sc.check_inverter_netlist(lambda wn, wp: _inverter(wp, wn))          # widths swapped
    with pytest.raises(AssertionError, match="switches at"):
        sc.check_inverter_netlist(lambda wn, wp: _inverter(wn, wp).replace("l=0.15", "l=0.3"))
    with pytest.raises(AssertionError, match="does not invert|could not simulate"):
        sc.check_inverter_netlist(lambda wn, wp: _inverter(wn, wp).replace("out in 0 0", "out out 0 0"))  # nMOS gate on out
    with pytest.raises(AssertionError, match="string"):
        sc.check_inverter_netlist(lambda wn, wp: None)


def test_netlist_that_ngspice_rejects_is_reported() -> None:
    with pytest.raises(AssertionError, match="ngspice could not simulate"):
        sc.check_inverter_netlist(lambda wn, wp: "XN out in 0 0 no_such_model w=1 l=0.15")


def test_balanced_wp() -> None:
    lo, hi = 1.0, 4.0
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if spice.inverter_vtc(0.65, mid, step=0.005).VM < 0.9 else (lo, mid)
    assert abs(sc.check_balanced_wp((lo + hi) / 2) - 0.9) <= sc.VM_TOL
    with pytest.raises(AssertionError, match="wider"):
        sc.check_balanced_wp(1.0)
    with pytest.raises(AssertionError, match="narrower"):
        sc.check_balanced_wp(5.0)
    with pytest.raises(AssertionError, match="outside"):
        sc.check_balanced_wp(0.1)
    with pytest.raises(AssertionError, match="number"):
        sc.check_balanced_wp("2")


def _margins(vin: np.ndarray, vout: np.ndarray) -> tuple[float, float]:
    gain = np.gradient(vout, vin)
    steep = np.flatnonzero(gain < -1)
    i, j = steep[0], steep[-1]
    vil = np.interp(-1, [gain[i], gain[i - 1]], [vin[i], vin[i - 1]])
    vih = np.interp(-1, [gain[j], gain[j + 1]], [vin[j], vin[j + 1]])
    return float(vil - np.interp(vih, vin, vout)), float(np.interp(vil, vin, vout) - vih)


def test_noise_margins() -> None:
    assert sc.check_noise_margins(_margins) == 4
    with pytest.raises(AssertionError, match="NML"):    # VOL taken as 0 V and VOH as VDD
        sc.check_noise_margins(lambda vin, vout: (_margins(vin, vout)[0] + 0.2, _margins(vin, vout)[1]))
    with pytest.raises(AssertionError, match="without"):
        sc.check_noise_margins(lambda vin, vout: spice.vtc_metrics(vin, vout)["NML"])
    with pytest.raises(AssertionError, match="pair"):
        sc.check_noise_margins(lambda vin, vout: 0.5)


def test_rc_delay_and_dynamic_power() -> None:
    assert sc.check_rc_delay(lambda r, c: 0.69 * r * c) == 4
    with pytest.raises(AssertionError, match="50 %"):
        sc.check_rc_delay(lambda r, c: r * c)
    assert sc.check_dynamic_power(lambda c, v, f: c * v * v * f * 1e-3) == 4
    with pytest.raises(AssertionError, match="not right"):
        sc.check_dynamic_power(lambda c, v, f: 0.5 * c * v * v * f * 1e-3)
    with pytest.raises(AssertionError, match="raised ZeroDivisionError"):
        sc.check_dynamic_power(lambda c, v, f: 1 / 0)


def test_sizing() -> None:
    d = sc.check_sizing(2.0, 4.0)
    assert d["tphl"] <= 100 and d["tplh"] <= 100
    with pytest.raises(AssertionError, match="rising"):
        sc.check_sizing(5.0, 1.0)
    with pytest.raises(AssertionError, match="falling"):
        sc.check_sizing(0.65, 5.0)
    with pytest.raises(AssertionError, match="more than the 7"):
        sc.check_sizing(3.0, 6.0)


def test_measured_power() -> None:
    ref = sc.measured_power_uw()
    # C V^2 f with the 20 fF load alone is 13 uW; the inverter's own capacitance adds a little
    assert 13.0 < ref < 15.0
    assert sc.check_measured_power(ref * 1.03) == pytest.approx(ref * 1.03)
    with pytest.raises(AssertionError, match="5 %"):
        sc.check_measured_power(2 * ref)
    with pytest.raises(AssertionError, match="5 %"):
        sc.check_measured_power(ref / 1e6)


def test_checks_use_a_private_spice() -> None:
    assert sc.spice is not spice
    saved = spice.inverter_vtc
    try:
        spice.inverter_vtc = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("patched"))
        with pytest.raises(AssertionError, match="wider"):
            sc.check_balanced_wp(1.0)
    finally:
        spice.inverter_vtc = saved
