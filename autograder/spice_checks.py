"""Grading helpers for lab08 (size an inverter): every answer is checked by running ngspice on it.

The hidden tests never compare with a stored number: they simulate the student's netlist or the sizes the
student chose with the sky130 models, and compare with a reference simulation made here, within a stated
tolerance. Messages say what was measured and what the spec asks, never the reference answer itself.

The checks use a private copy of :mod:`chiplab.spice` loaded from its file, so a notebook that patches
``chiplab.spice`` (a name it can see) does not change what the grader simulates.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.checks import private_copy

__all__ = [
    "VDD", "VM_TOL", "NM_TOL", "WN_BALANCE", "SIZING_LOAD_FF", "SIZING_LIMIT_PS", "SIZING_MAX_WIDTH_UM",
    "POWER_TOL", "spice", "netlist_vm", "check_inverter_netlist", "check_balanced_wp", "check_noise_margins",
    "check_rc_delay", "check_sizing", "check_dynamic_power", "measured_power_uw", "check_measured_power",
]

VDD = 1.8
#: switching-threshold tolerance of parts 1 and 2 (volts)
VM_TOL = 0.005
#: noise-margin tolerance of part 3 (volts)
NM_TOL = 0.02
#: the nMOS width of part 2 (um)
WN_BALANCE = 0.65
#: part 5: both delays at most SIZING_LIMIT_PS driving SIZING_LOAD_FF, with Wn + Wp at most SIZING_MAX_WIDTH_UM
SIZING_LOAD_FF = 50.0
SIZING_LIMIT_PS = 100.0
SIZING_MAX_WIDTH_UM = 7.0
#: relative tolerance of the measured power of part 7
POWER_TOL = 0.05
MIN_WIDTH_UM = 0.42  # sky130's narrowest 1.8 V transistor


spice = private_copy("chiplab.spice", "_spice_checks")


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise AssertionError(f"{name} should be a number, but it is {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise AssertionError(f"{name} = {value} is not a finite number")
    return value


def _width(value: Any, name: str) -> float:
    w = _number(value, name)
    if not MIN_WIDTH_UM <= w <= 20.0:
        raise AssertionError(f"{name} = {w:g} um is outside the widths sky130 models ({MIN_WIDTH_UM} to 20 um)")
    return w


def netlist_vm(netlist: str, corner: str = "tt") -> float:
    """Switching threshold of an inverter netlist with nodes in, out, vdd and 0 (a DC sweep of its input)."""
    res = spice.simulate(f"{netlist.strip()}\nVdd_chk vdd 0 {VDD:g}\nVin_chk in 0 0",
                         f"dc Vin_chk 0 {VDD:g} 0.002", corner=corner)
    vin, vout = res.analyses[-1]["v-sweep"], res.analyses[-1]["out"]
    if not (vout[0] > 0.9 * VDD and vout[-1] < 0.1 * VDD):
        raise AssertionError(f"the netlist does not invert: out = {vout[0]:.2f} V for in = 0 and {vout[-1]:.2f} V "
                             f"for in = {VDD} V")
    return float(np.interp(0.0, (vout - vin)[::-1], vin[::-1]))


def check_inverter_netlist(fn: Callable[[float, float], str],
                           sizes: tuple[tuple[float, float], ...] = ((0.65, 1.0), (1.0, 0.65), (0.5, 3.0))) -> int:
    """``fn(wn, wp)`` gives an inverter whose switching threshold matches the reference within VM_TOL."""
    for wn, wp in sizes:
        try:
            text = fn(wn, wp)
        except Exception as exc:  # noqa: BLE001 - report the student's error
            raise AssertionError(f"inverter_netlist({wn}, {wp}) raised {type(exc).__name__}: {exc}") from None
        if not isinstance(text, str):
            raise AssertionError(f"inverter_netlist({wn}, {wp}) should return a string, not {type(text).__name__}")
        try:
            got = netlist_vm(text)
        except spice.SimulationError as exc:
            raise AssertionError(f"ngspice could not simulate inverter_netlist({wn}, {wp}): {exc}") from None
        want = spice.inverter_vtc(wn=wn, wp=wp).VM
        if abs(got - want) > VM_TOL:
            raise AssertionError(f"inverter_netlist({wn}, {wp}) switches at {got:.3f} V, which is not what an "
                                 f"inverter with Wn = {wn} um and Wp = {wp} um (L = 0.15 um) does; check the "
                                 "devices, their widths and lengths, and which node each terminal is on")
    return len(sizes)


def check_balanced_wp(wp: Any, wn: float = WN_BALANCE, target: float = VDD / 2, tol: float = VM_TOL) -> float:
    """An inverter with ``wn`` and the student's ``wp`` switches within ``tol`` of ``target``."""
    wp = _width(wp, "WP_BALANCED")
    vm = spice.inverter_vtc(wn=wn, wp=wp).VM
    if abs(vm - target) > tol:
        side = "wider" if vm < target else "narrower"
        raise AssertionError(f"with Wp = {wp:g} um the inverter switches at {vm:.3f} V, more than {tol * 1000:g} mV "
                             f"from {target:g} V: the pMOS should be {side}")
    return vm


_NM_CASES = ((0.65, 1.0, "tt"), (0.65, 0.42, "tt"), (0.65, 3.0, "tt"), (1.0, 1.0, "ss"))


def check_noise_margins(fn: Callable[[np.ndarray, np.ndarray], tuple[float, float]], tol: float = NM_TOL) -> int:
    """``fn(vin, vout)`` returns (NML, NMH) of simulated transfer curves within ``tol`` volts."""
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        source = ""
    for banned in ("vtc_metrics", "inverter_vtc"):
        if banned in source:
            raise AssertionError(f"noise_margins must compute the margins from the curve itself, without `{banned}`")
    for wn, wp, corner in _NM_CASES:
        ref = spice.inverter_vtc(wn=wn, wp=wp, corner=corner)
        case = f"the transfer curve of Wn = {wn}, Wp = {wp} ({corner})"
        try:
            got = fn(ref.vin.copy(), ref.vout.copy())
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"noise_margins raised {type(exc).__name__}: {exc} on {case}") from None
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise AssertionError(f"noise_margins should return a pair (NML, NMH), not {got!r}")
        nml, nmh = (_number(v, n) for v, n in zip(got, ("NML", "NMH")))
        for name, value, want in (("NML", nml, ref.NML), ("NMH", nmh, ref.NMH)):
            if abs(value - want) > tol:
                raise AssertionError(f"on {case} your {name} = {value:.3f} V is off by more than {tol * 1000:g} mV; "
                                     "check where the gain is -1 and which output level goes with it")
    return len(_NM_CASES)


def check_rc_delay(fn: Callable[[float, float], float]) -> int:
    """``fn(r_kohm, c_ff)`` is the 50 % delay of an RC step response, in ps (within 1 %)."""
    cases = ((1.0, 1.0), (4.8, 10.0), (8.1, 2.5), (0.5, 100.0))
    for r, c in cases:
        try:
            got = _number(fn(r, c), f"rc_delay_ps({r}, {c})")
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"rc_delay_ps({r}, {c}) raised {type(exc).__name__}: {exc}") from None
        want = np.log(2) * r * c
        if abs(got - want) > 0.01 * want:
            raise AssertionError(f"rc_delay_ps({r}, {c}) returned {got:g}: that is not the 50 % delay in ps "
                                 "(kOhm x fF = ps; what fraction of RC does the output take to reach half-way?)")
    return len(cases)


def check_sizing(wn: Any, wp: Any, load_ff: float = SIZING_LOAD_FF, limit_ps: float = SIZING_LIMIT_PS,
                 max_width_um: float = SIZING_MAX_WIDTH_UM) -> dict[str, float]:
    """Simulate the chosen sizes: both delays at most ``limit_ps`` at ``load_ff``, Wn + Wp at most the limit."""
    wn, wp = _width(wn, "WN_FAST"), _width(wp, "WP_FAST")
    if wn + wp > max_width_um + 1e-9:
        raise AssertionError(f"Wn + Wp = {wn + wp:g} um is more than the {max_width_um:g} um the spec allows")
    d = spice.inverter_delay(wn=wn, wp=wp, load_ff=load_ff)
    for name, what in (("tphl", "falling (nMOS)"), ("tplh", "rising (pMOS)")):
        if not d[name] <= limit_ps:
            raise AssertionError(f"with Wn = {wn:g} um, Wp = {wp:g} um and {load_ff:g} fF the {what} delay is "
                                 f"{d[name]:.1f} ps, more than {limit_ps:g} ps")
    return d


def check_dynamic_power(fn: Callable[[float, float, float], float]) -> int:
    """``fn(c_ff, vdd, f_mhz)`` is C V^2 f in microwatts (within 1 %)."""
    cases = ((10.0, 1.8, 500.0), (1.0, 1.0, 1.0), (25.0, 0.9, 200.0), (3.3, 1.2, 1500.0))
    for c, v, f in cases:
        try:
            got = _number(fn(c, v, f), f"dynamic_power_uw({c}, {v}, {f})")
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise AssertionError(f"dynamic_power_uw({c}, {v}, {f}) raised {type(exc).__name__}: {exc}") from None
        want = c * 1e-15 * v**2 * f * 1e6 * 1e6
        if abs(got - want) > 0.01 * want:
            raise AssertionError(f"dynamic_power_uw({c}, {v}, {f}) returned {got:g}, which is not right "
                                 "(check the formula and the units: fF, V, MHz -> uW)")
    return len(cases)


def measured_power_uw(wn: float = 0.65, wp: float = 1.0, load_ff: float = 20.0, f_hz: float = 200e6) -> float:
    """Average supply power (uW) of an inverter toggling at ``f_hz`` (a square wave, 20 ps edges)."""
    period = 1 / f_hz
    netlist = "\n".join([
        f"XN out in 0 0 sky130_fd_pr__nfet_01v8 w={wn:g} l=0.15",
        f"XP out in vdd vdd sky130_fd_pr__pfet_01v8 w={wp:g} l=0.15",
        f"Vdd vdd 0 {VDD:g}", f"Cload out 0 {load_ff:g}f",
        f"Vin in 0 pulse(0 {VDD:g} {period / 4:g} 20p 20p {period / 2 - 20e-12:g} {period:g})",
    ])
    res = spice.simulate(netlist, f"tran {period / 1000:g} {3 * period:g}",
                         measures=[f"tran iavg avg i(vdd) from={period:g} to={3 * period:g}"])
    return -res.measures["iavg"] * VDD * 1e6


def check_measured_power(value: Any, tol: float = POWER_TOL) -> float:
    """The student's measured power of part 7 within ``tol`` (relative) of a reference simulation."""
    got = _number(value, "P_MEASURED_UW")
    want = measured_power_uw()
    if abs(got - want) > tol * want:
        raise AssertionError(f"P_MEASURED_UW = {got:.2f} uW is more than {tol * 100:g} % away from what the "
                             "simulation gives: check the circuit, the frequency, the averaging window (whole "
                             "periods) and the units")
    return got
