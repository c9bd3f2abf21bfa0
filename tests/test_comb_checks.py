"""Grading helpers of lab02: SOP answers and exhaustive simulation of combinational Amaranth modules."""

from __future__ import annotations

import gc
import warnings

import pytest
from amaranth import Elaboratable, Module, Signal
from lab_cells import run_graded_cells

from autograder.comb_checks import check_comb, check_sop, count_submodules, parse_sop, ports


class FullAdder(Elaboratable):
    def __init__(self, carry_bug: bool = False) -> None:
        self.a, self.b, self.cin = Signal(), Signal(), Signal()
        self.s, self.cout = Signal(), Signal()
        self.carry_bug = carry_bug

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        m.d.comb += self.s.eq(self.a ^ self.b ^ self.cin)
        if self.carry_bug:
            m.d.comb += self.cout.eq(self.a & self.b)
        else:
            m.d.comb += self.cout.eq((self.a & self.b) | (self.cin & (self.a ^ self.b)))
        return m


class Ripple(Elaboratable):
    def __init__(self, carry_bug: bool = False) -> None:
        self.a, self.b, self.cin = Signal(4), Signal(4), Signal()
        self.s, self.cout = Signal(4), Signal()
        self.carry_bug = carry_bug

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        carry = self.cin
        for k in range(4):
            m.submodules[f"fa{k}"] = fa = FullAdder(self.carry_bug)
            m.d.comb += [fa.a.eq(self.a[k]), fa.b.eq(self.b[k]), fa.cin.eq(carry), self.s[k].eq(fa.s)]
            carry = fa.cout
        m.d.comb += self.cout.eq(carry)
        return m


def _add(a: int, b: int, cin: int) -> dict[str, int]:
    return {"s": (a + b + cin) & 15, "cout": (a + b + cin) >> 4}


def test_parse_sop_forms():
    v = "abcd"
    assert parse_sop("~b & c | b & d", v).n_literals == 4
    assert parse_sop("(~b & c) + (b * d)", v).n_terms == 2
    assert parse_sop("not b and c or b and d", v).n_literals == 4
    assert parse_sop("b'&c | !a", v)(a=1, b=0, c=1, d=0) == 1
    assert parse_sop("1", v)(a=0, b=0, c=0, d=0) == 1
    for bad, why in (("~(b | c)", "parentheses"), ("a ^ b", "not a sum of products"), ("a & e", "uses 'e'"),
                     ("a & ~a", "always 0"), ("a | | b", "empty product"), ("", "empty string")):
        with pytest.raises(AssertionError, match=why):
            parse_sop(bad, v)
    with pytest.raises(AssertionError, match="string"):
        parse_sop(None, v)


def test_check_sop_correctness_and_minimality():
    args = ("abcd", [2, 3, 5, 7], range(10, 16))
    check_sop("~b & c | b & d", *args, max_terms=2, max_literals=4)
    with pytest.raises(AssertionError, match=r"a=0, b=1, c=0, d=0 \(row 4\) your expression gives 1"):
        check_sop("~b & c | b", *args)
    check_sop("~a & ~b & c | ~a & b & d", *args)  # correct
    with pytest.raises(AssertionError, match="6 literals"):
        check_sop("~a & ~b & c | ~a & b & d", *args, max_terms=2, max_literals=4)
    with pytest.raises(AssertionError, match="3 product terms"):
        check_sop("~b & c | b & d | ~a & b & d", *args, max_terms=2, max_literals=4)


def test_check_comb_passes_a_good_design_exhaustively():
    assert check_comb(Ripple, _add, {"a": 4, "b": 4, "cin": 1}, ["s", "cout"]) == 512
    assert check_comb(Ripple(), _add, {"a": 4, "b": 4, "cin": 1}, ["s", "cout"], max_cases=100) == 100


def test_check_comb_reports_a_counterexample():
    with pytest.raises(AssertionError) as err:
        check_comb(Ripple(carry_bug=True), _add, {"a": 4, "b": 4, "cin": 1}, ["s", "cout"])
    msg = str(err.value)
    assert msg.startswith("Ripple: for inputs a=0, b=1, cin=1 expected s=2 (0b0010), cout=0, got s=0")


def test_ports_and_structure_checks():
    ports(FullAdder, {"a": 1, "s": 1})
    with pytest.raises(AssertionError, match="has no signal 'sum'"):
        ports(FullAdder, {"sum": 1})
    with pytest.raises(AssertionError, match="should be 4 bits wide, it is 1"):
        ports(FullAdder, {"a": 4})
    with pytest.raises(AssertionError, match="Elaboratable"):
        ports(42, {"a": 1})
    assert count_submodules(Ripple(), "FullAdder") == 4
    assert count_submodules(FullAdder(), "FullAdder") == 0


def test_helpers_write_nothing_to_stderr(capfd):
    # nbgrader scores a test cell 0 when it writes to stderr: a module made only to look at must not warn
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ports(FullAdder, {"a": 1})
        check_comb(FullAdder, lambda a, b, cin: {"s": (a + b + cin) & 1, "cout": (a + b + cin) >> 1},
                   {"a": 1, "b": 1, "cin": 1}, ["s", "cout"])
        count_submodules(Ripple, "FullAdder")
        gc.collect()
    assert [str(w.message) for w in caught] == []
    assert capfd.readouterr().err == ""


def test_lab02_solution_passes_and_wrong_submissions_lose_their_points():
    """The lab's own tests, run in-process (the nbgrader round trip in test_roundtrip.py is the real proof)."""
    import nbformat

    from autograder import course

    source = course.source_notebook("lab02-combinational")
    nb = nbformat.read(source, as_version=4)
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    with warnings.catch_warnings():
        assert run_graded_cells(nb) == dict.fromkeys(points)
        wrongs = [w for w in course.wrong_submissions("lab02-combinational") if w.base == "solution"]
        assert len(wrongs) >= 3
        for w in wrongs:
            results = run_graded_cells(w.build(source, source))
            score = sum(points[g] for g, err in results.items() if err is None)
            assert score == w.expected, (w.name, results)
            for err in results.values():  # simulation failures name the inputs, the expected and the got
                if err and "for inputs" in err:
                    assert "expected" in err and ", got " in err
    import matplotlib.pyplot as plt

    plt.close("all")
