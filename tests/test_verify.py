"""chiplab.verify: cocotb runs on Icarus and Verilator, results as data, clear errors, safe under pytest."""

import os
import textwrap
import threading
import time

import pytest
from amaranth.hdl import Module
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from chiplab.errors import ChipLabError, DesignError, SimulationError
from chiplab.verify import CocotbResult, run_cocotb

ADDER = """\
module adder(input [3:0] a, input [3:0] b, output [4:0] s);
  assign s = a + b;
endmodule
"""

ADDER_BUGGY = """\
module adder(input [3:0] a, input [3:0] b, output [4:0] s);
  assign s = {1'b0, a + b};   // the carry is lost
endmodule
"""

TB = """\
import random
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_small(dut):
    for a, b in [(0, 0), (1, 2), (3, 4)]:
        dut.a.value = a
        dut.b.value = b
        await Timer(1, unit="ns")
        assert int(dut.s.value) == a + b, f"{a}+{b}: expected {a + b}, got {int(dut.s.value)}"

@cocotb.test()
async def test_carry(dut):
    for _ in range(50):
        a, b = random.randrange(16), random.randrange(16)
        dut.a.value = a
        dut.b.value = b
        await Timer(2, unit="ns")
        assert int(dut.s.value) == a + b, f"{a}+{b}: expected {a + b}, got {int(dut.s.value)}"
"""


def test_icarus_correct_design(tmp_path) -> None:
    src = tmp_path / "adder.v"
    src.write_text(ADDER)
    res = run_cocotb(src, TB)
    assert isinstance(res, CocotbResult)
    assert res.passed and res.simulator == "icarus" and res.toplevel == "adder"
    assert res.names == ["test_small", "test_carry"]
    assert res["test_small"].sim_time_ns == pytest.approx(3.0)
    assert res["test_carry"].sim_time_ns == pytest.approx(100.0)
    assert all(t.wall_s >= 0 for t in res.tests)
    assert "iverilog" in res.build_log and "test_carry" in res.run_log
    assert "2/2 passed" in res.summary() and "PASS" in res._repr_html_()


def test_icarus_buggy_design_fails_with_message(capfd) -> None:
    assert os.environ.get("PYTEST_CURRENT_TEST")  # the trap: cocotb's runner would sys.exit here
    res = run_cocotb(ADDER_BUGGY, TB, seed=1)
    assert not res.passed
    assert res["test_small"].passed  # no carry in the small cases
    bad = res["test_carry"]
    assert not bad.passed and bad.kind == "AssertionError"
    assert "expected" in bad.short and "got" in bad.short
    assert bad.where == "testbench line 20"
    assert [t.name for t in res.failed] == ["test_carry"]
    assert "FAIL" in res.summary()
    assert os.environ.get("PYTEST_CURRENT_TEST")  # restored
    assert capfd.readouterr().err == ""  # nothing on stderr (nbgrader gives 0 points for that)


@pytest.mark.slow
def test_testbench_file_testcase_and_seed(tmp_path) -> None:
    tb = tmp_path / "test_adder_tb.py"
    tb.write_text(TB)
    one = run_cocotb(ADDER_BUGGY, tb, testcase="test_small")
    assert one.names == ["test_small"] and one.passed
    a = run_cocotb(ADDER_BUGGY, tb, testcase="test_carry", seed=7)
    b = run_cocotb(ADDER_BUGGY, tb, testcase="test_carry", seed=7)
    assert a["test_carry"].short == b["test_carry"].short  # same seed, same random values
    assert a["test_carry"].where == "test_adder_tb.py:20"


def test_verilog_syntax_error_names_file_and_line(tmp_path) -> None:
    src = tmp_path / "broken.v"
    src.write_text("module broken(input a, output y);\n  assign y = a &;\nendmodule\n")
    with pytest.raises(DesignError, match=r"broken\.v:2: syntax error") as e:
        run_cocotb(src, TB)
    assert "assign y = a &;" in str(e.value)
    with pytest.raises(DesignError, match=r"adder\.v:2: Unable to bind .*`c'"):
        run_cocotb(ADDER.replace("a + b", "a + c"), TB)


def test_bad_testbench_and_arguments() -> None:
    with pytest.raises(ChipLabError, match=r"testbench line 3: invalid syntax"):
        run_cocotb(ADDER, "import cocotb\n\nx = = 1\n")
    with pytest.raises(SimulationError, match="ran no tests"):
        run_cocotb(ADDER, "import cocotb\n\nX = 1\n")
    with pytest.raises(SimulationError, match="ran no tests") as e:
        run_cocotb(ADDER, "import cocotb\nimport no_such_module_here\n")
    assert "could not be imported" in str(e.value)
    with pytest.raises(ChipLabError, match="simulator must be one of"):
        run_cocotb(ADDER, TB, simulator="modelsim")
    with pytest.raises(DesignError, match="no Verilog file"):
        run_cocotb("/nonexistent/x.v", TB)


def test_hanging_test_is_stopped_by_timeout() -> None:
    tb = """\
import cocotb
from cocotb.triggers import Timer

@cocotb.test()
async def test_forever(dut):
    while True:
        await Timer(1, unit="ns")
"""
    t0 = time.monotonic()
    with pytest.raises(SimulationError, match="longer than 3 s"):
        run_cocotb(ADDER, tb, timeout_s=3)
    assert time.monotonic() - t0 < 20


class Counter(wiring.Component):
    en: In(1)
    count: Out(4)

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        with m.If(self.en):
            m.d.sync += self.count.eq(self.count + 1)
        return m


COUNTER_TB = """\
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge, ReadOnly

@cocotb.test()
async def test_counts(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value = 1
    dut.en.value = 0
    await RisingEdge(dut.clk)
    dut.rst.value = 0
    dut.en.value = 1
    for i in range(20):
        await RisingEdge(dut.clk)
        await ReadOnly()
        assert int(dut.count.value) == (i + 1) % 16, f"cycle {i}: got {int(dut.count.value)}"
"""


def test_amaranth_module_on_icarus_with_waves() -> None:
    res = run_cocotb(Counter(), COUNTER_TB, toplevel="counter", waves=True)
    assert res.passed and res.toplevel == "counter"
    assert res["test_counts"].sim_time_ns == pytest.approx(210.0, abs=10)
    w = res.waves
    assert w is not None and w.period == pytest.approx(10.0)
    counts = [v for v in w.per_cycle("count") if v is not None]
    assert counts[:5] == [0, 1, 2, 3, 4]


@pytest.mark.slow
def test_parallel_runs_do_not_collide() -> None:
    results: dict[str, CocotbResult] = {}

    def go(name: str, src: str) -> None:
        results[name] = run_cocotb(src, TB, seed=3)

    threads = [threading.Thread(target=go, args=(n, s)) for n, s in (("ok", ADDER), ("bad", ADDER_BUGGY))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["ok"].passed and not results["bad"].passed


@pytest.mark.slow
def test_verilator_runs_and_caches_its_build(tmp_path) -> None:
    # a comment unique to this test run makes a fresh build (the cache is keyed by content)
    src = ADDER_BUGGY + f"// {tmp_path.name} {time.time_ns()}\n"
    first = run_cocotb(src, TB, simulator="verilator", seed=5)
    assert first.simulator == "verilator" and not first.cached_build
    assert first["test_small"].passed and not first["test_carry"].passed
    assert "expected" in first["test_carry"].short
    assert "verilator" in first.build_log.lower()
    again = run_cocotb(src, TB, simulator="verilator", seed=5)
    assert again.cached_build and again.build_s < first.build_s / 3
    assert [t.passed for t in again.tests] == [t.passed for t in first.tests]
    assert again["test_carry"].short == first["test_carry"].short


def test_verilator_cache_is_per_install(tmp_path, monkeypatch) -> None:
    """A cached build links to one install's cocotb library and headers: another checkout's venv (or a
    re-created one) must not reuse it (it failed with 'libcocotbvpi_verilator.so: cannot open')."""
    import cocotb

    from chiplab import verify

    src = tmp_path / "adder.v"
    src.write_text(ADDER)
    here = verify._verilator_cache_dir([src], "adder", "")
    assert verify._verilator_cache_dir([src], "adder", "") == here
    monkeypatch.setattr(cocotb, "__file__", str(tmp_path / "other-venv" / "cocotb" / "__init__.py"))
    assert verify._verilator_cache_dir([src], "adder", "") != here


def test_verilator_syntax_error() -> None:
    with pytest.raises(DesignError, match=r"adder\.v:3: syntax error, unexpected endmodule") as e:
        run_cocotb(ADDER.replace("a + b;", "a + b"), TB, simulator="verilator")
    assert "verilator" in str(e.value)


@pytest.mark.slow
def test_run_cocotb_inside_a_jupyter_kernel(tmp_path) -> None:
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    code = textwrap.dedent(f"""\
        from chiplab.verify import run_cocotb
        res = run_cocotb({ADDER_BUGGY!r}, {TB!r}, seed=2)
        print(res.summary())
        print("PASSED" if res.passed else "FAILED-AS-DATA")
        """)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    os.environ.setdefault("PYTEST_CURRENT_TEST", "x")  # the kernel inherits it, as under nbval
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    out = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
    assert "FAILED-AS-DATA" in out and "1/2 passed" in out


def test_top_module_is_the_one_not_instantiated() -> None:
    design = """\
module adder(input [3:0] a, input [3:0] b, output [4:0] s);
  add_core #(.W(4)) core (.x(a), .y(b), .z(s));
endmodule

module add_core #(parameter W = 4) (input [W-1:0] x, input [W-1:0] y, output [W:0] z);
  assign z = x + y;
endmodule
"""
    res = run_cocotb(design, TB, testcase="test_small")
    assert res.toplevel == "adder" and res.passed
