"""Unit tests of autograder.logic_checks, the helpers the hidden tests of lab00/lab01 call.

Right answers pass; each kind of wrong answer fails with a message that names what is wrong; odd
return types are accepted or rejected as the module documents. Also cheap static checks of the two
lab notebooks and their wrong submissions (the full nbgrader round trip is in test_roundtrip.py).
"""

from __future__ import annotations

import re

import nbformat
import numpy as np
import pytest

from autograder import course, logic_checks
from autograder.logic_checks import (
    as_bit,
    bit_list,
    check_bits,
    check_expression,
    check_function,
    check_list_function,
    check_netlist,
    check_returns_bits,
    evaluate,
    expression_form,
    form_check,
    netlist_form,
    simulate_netlist,
)
from chiplab.logic import parse

XOR4 = [("n1", "nand", "a", "b"), ("n2", "nand", "a", "n1"), ("n3", "nand", "b", "n1"), ("y", "nand", "n2", "n3")]


def xor_ref(a: int, b: int) -> int:
    return a ^ b


# ---- bits -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, bit", [(0, 0), (1, 1), (True, 1), (False, 0), (np.int64(1), 1),
                                        (np.uint8(0), 0), (np.bool_(True), 1), (np.bool_(False), 0)])
def test_as_bit_accepts_ints_bools_and_numpy(value, bit):
    got = as_bit(value, "x")
    assert got == bit and type(got) is int


@pytest.mark.parametrize("value, words", [("1", "string"), (1.0, "float"), (None, "return"), (2, "0 or 1"),
                                          ([1], "list"), (np.float64(0.0), "float")])
def test_as_bit_rejects_other_values_with_a_reason(value, words):
    with pytest.raises(AssertionError, match=words):
        as_bit(value, "x")


def test_an_object_that_equals_everything_is_not_a_bit():
    class Sneaky:
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    with pytest.raises(AssertionError, match="Sneaky"):
        check_function(lambda a, b: Sneaky(), xor_ref, 2, "xor_gate")


# ---- functions of bits ----------------------------------------------------------------------


def test_check_function_passes_right_answers_of_any_accepted_type():
    check_function(lambda a, b: a ^ b, xor_ref, 2, "xor_gate")
    check_function(lambda a, b: a != b, xor_ref, 2, "xor_gate")  # bools
    check_function(lambda a, b: np.int32(a ^ b), xor_ref, 2, "xor_gate")
    check_function(lambda a, b, c: int(a + b + c >= 2), "a & b | a & c | b & c", name="majority")
    check_function(lambda a, b: a & ~b & 1, parse("a & ~b"), name="f")


def test_check_function_names_the_first_wrong_input_and_the_hint():
    with pytest.raises(AssertionError) as err:
        check_function(lambda a, b: a | b, xor_ref, 2, "xor_gate", hint="XOR is 1 only when exactly one input is 1.")
    assert str(err.value) == ("your xor_gate(1, 1) returned 1; it should be 0. "
                              "XOR is 1 only when exactly one input is 1.")


def test_check_function_rejects_strings_and_missing_returns():
    with pytest.raises(AssertionError, match=r"and_gate\(0, 0\) is the string '0'"):
        check_function(lambda a, b: str(a & b), lambda a, b: a & b, 2, "and_gate")

    def forgot(a, b):
        a & b  # noqa: B018 - the mistake under test

    with pytest.raises(AssertionError, match="forget to `return`"):
        check_function(forgot, lambda a, b: a & b, 2)


def test_check_function_reports_errors_and_unwritten_functions():
    def blank(a, b):
        raise NotImplementedError()

    with pytest.raises(AssertionError, match="not written yet"):
        check_function(blank, xor_ref, 2, "xor_gate")
    with pytest.raises(AssertionError, match=r"xor_gate\(0, 0\) raised TypeError"):
        check_function(lambda a: a, xor_ref, 2, "xor_gate")
    with pytest.raises(AssertionError, match="should be a function"):
        check_function(1, xor_ref, 2, "xor_gate")


def test_check_returns_bits_checks_types_not_values():
    check_returns_bits(lambda a, b: 1 - (a ^ b), 2, "xor_gate")  # wrong function, right type: passes
    with pytest.raises(AssertionError, match="is 2"):
        check_returns_bits(lambda a, b: a + b, 2, "xor_gate")


def test_check_list_function():
    def parity(bits):
        return sum(bits) % 2

    check_list_function(parity, lambda bits: sum(bits) % 2, "parity", lengths=range(0, 6))
    with pytest.raises(AssertionError, match=r"parity\(\[1, 1\]\) returned 1; it should be 0"):
        check_list_function(lambda bits: int(any(bits)), lambda bits: sum(bits) % 2, "parity")
    with pytest.raises(AssertionError, match=r"parity\(\[1, 1\]\) is 2"):
        check_list_function(lambda bits: sum(bits), lambda bits: sum(bits) % 2, "parity")

    def destructive(bits):
        r = 0
        while bits:
            r ^= bits.pop()
        return r

    with pytest.raises(AssertionError, match="changed the list"):
        check_list_function(destructive, lambda bits: sum(bits) % 2, "parity")


# ---- truth tables as lists ------------------------------------------------------------------


def test_check_bits_accepts_lists_tuples_and_arrays():
    ref = "a & ~b | b & c"
    outputs = [0, 0, 0, 1, 1, 1, 0, 1]
    check_bits(outputs, ref, "tt")
    check_bits(tuple(bool(v) for v in outputs), ref, "tt")
    check_bits(np.array(outputs), ref, "tt")


def test_check_bits_messages():
    ref = lambda a, b, c: int(4 * a + 2 * b + c in (2, 3, 5, 7))  # noqa: E731
    with pytest.raises(AssertionError, match=r"p\[3\] \(the row a=0, b=1, c=1\) is 0; it should be 1"):
        check_bits([0, 0, 1, 0, 0, 1, 1, 1], ref, "p", ("a", "b", "c"))
    with pytest.raises(AssertionError, match="has 4 values"):
        check_bits([0, 0, 1, 1], ref, "p", ("a", "b", "c"))
    with pytest.raises(AssertionError, match="is a string"):
        check_bits("00110101", ref, "p", ("a", "b", "c"))
    with pytest.raises(AssertionError, match=r"p\[2\] is the string '1'"):
        bit_list([0, 0, "1", 1], 4, "p")


# ---- expressions ----------------------------------------------------------------------------


def test_expression_form_counts_literals_gates_and_sees_sums_of_products():
    f = expression_form("c | a & b")
    assert (f.literals, f.gates, f.is_sop, f.variables) == (3, 2, True, ("a", "b", "c"))
    assert expression_form("~a & ~b & c").operators == {"not": 2, "and": 2}
    assert expression_form("(a & ~b) | (b and c)").is_sop
    assert not expression_form("a & (b | c)").is_sop
    assert not expression_form("~(a & b) | c").is_sop
    assert not expression_form("a ^ b").is_sop
    assert expression_form("a nand b").operators == {"nand": 1}
    # an Expr keeps NAND as NAND
    assert expression_form(parse("a").nand(parse("b"))).operators == {"nand": 1}


def test_form_check_limits():
    form_check("~a & ~b & c", "f", ("a", "b", "c"), only=("and", "not"), not_on_variables_only=True)
    with pytest.raises(AssertionError, match="uses OR; only AND and NOT are allowed"):
        form_check("~a | ~b | c", "f", only=("and", "not"))
    with pytest.raises(AssertionError, match="NOT to more than a single variable"):
        form_check("~(a | b) & c", "f", not_on_variables_only=True)
    with pytest.raises(AssertionError, match="uses q, which is not an input"):
        form_check("a & q", "f", ("a", "b"))
    with pytest.raises(AssertionError, match="has 4 literals; it can be done with at most 3"):
        form_check("c | a & b & ~c", "g", sop=True, max_literals=3)
    with pytest.raises(AssertionError, match="not a sum of products"):
        form_check("c | a & (b | c)", "g", sop=True)
    with pytest.raises(AssertionError, match="needs 3 gates"):
        form_check("a & b | ~c", "g", max_gates=2)


def test_check_expression_equivalence_and_counterexample():
    check_expression("~a & ~b & c", "~(a | b | ~c)", "f")
    check_expression("not a and not b and c", "~(a | b | ~c)", "f")
    check_expression(parse("s & b | ~s & a"), lambda a, b, s: b if s else a, "mux", ("a", "b", "s"))
    with pytest.raises(AssertionError, match="mux is wrong for a=0, b=1, s=0: it gives 1, but the function is 0"):
        check_expression("s & a | ~s & b", lambda a, b, s: b if s else a, "mux", ("a", "b", "s"))
    # a variable the function ignores may be left out
    check_expression("a", "a & (b | ~b)", "f")


def test_check_expression_rejects_what_is_not_an_expression():
    with pytest.raises(AssertionError, match="could not be read"):
        check_expression("a & | b", "a & b", "f")
    with pytest.raises(AssertionError, match="is a function"):
        check_expression(lambda a, b: a & b, "a & b", "f")
    with pytest.raises(AssertionError, match="empty string"):
        check_expression("  ", "a & b", "f")
    with pytest.raises(AssertionError, match="a int"):
        check_expression(1, "a & b", "f")


def test_evaluate():
    assert evaluate("~t & (a & d | s)", "alarm", a=1, d=1, s=0, t=0) == 1
    assert evaluate("s", "alarm", a=1, d=1, s=0, t=0) == 0
    with pytest.raises(AssertionError, match="uses x"):
        evaluate("x & a", "alarm", a=1)


# ---- netlists -------------------------------------------------------------------------------


def test_netlist_xor_from_four_nands():
    check_netlist(XOR4, xor_ref, ("a", "b"), "y", "xor_nand", only=("nand",), max_gates=4)
    assert [simulate_netlist(XOR4, {"a": a, "b": b}, "y") for a in (0, 1) for b in (0, 1)] == [0, 1, 1, 0]
    assert simulate_netlist(XOR4, {"a": 1, "b": 1})["n1"] == 0


@pytest.mark.parametrize("netlist, words", [
    (XOR4[:2] + [("n1b", "nand", "a", "b"), ("n3", "nand", "b", "n1b"), XOR4[3]], "has 5 gates; the limit is 4"),
    ([("n1", "and", "a", "b"), *XOR4[1:]], "is a AND; only NAND gates"),
    ([("n2", "nand", "a", "n1"), ("n1", "nand", "a", "b"), *XOR4[2:]], "reads 'n1' before anything drives it"),
    (XOR4[:3], "no gate of xor_nand drives the output 'y'"),
    ([("n1", "nand", "a", "b", "a"), *XOR4[1:]], "has 3 input"),
    ([*XOR4[:3], ("a", "nand", "n2", "n3")], "already an input"),
    ([("n1", "nand", "a")], "has 1 input"),
    ("n1 = a nand b", "should be a list of gates"),
    ([("n1", "nand", "a", "b"), "y = n1"], "write each gate as"),
    ([("n1", "nandd", "a", "b")], "unknown type"),
])
def test_netlist_shape_errors(netlist, words):
    with pytest.raises(AssertionError, match=re.escape(words)):
        netlist_form(netlist, ("a", "b"), "y", "xor_nand", only=("nand",), max_gates=4)


def test_netlist_wrong_function():
    xnor = [*XOR4[:3], ("x", "nand", "n2", "n3"), ("y", "nand", "x", "x")]
    with pytest.raises(AssertionError, match="xor_nand is wrong for a=0, b=0: y is 1, but it should be 0"):
        check_netlist(xnor, xor_ref, ("a", "b"), "y", "xor_nand", only=("nand",))


def test_a_private_copy_from_fresh_works():
    """Hidden tests use autograder.checks.fresh('autograder.logic_checks'), a copy outside sys.modules."""
    from autograder.checks import fresh

    lc = fresh("autograder.logic_checks")
    assert lc is not logic_checks
    lc.check_expression("c | a & b", lambda a, b, c: int(4 * a + 2 * b + c in (1, 3, 5, 6, 7)), "g",
                        ("a", "b", "c"), sop=True, max_literals=3)
    lc.check_netlist(XOR4, xor_ref, ("a", "b"), "y", only=("nand",), max_gates=4)
    with pytest.raises(AssertionError, match="uses OR"):
        lc.check_expression("~a | ~b", "~a & ~b | ~a & ~b", "f", only=("and", "not"))


# ---- the labs that use these helpers --------------------------------------------------------

LABS = [lab for lab in ("lab00-warmup", "lab01-logic-gates") if lab in course.labs()]


@pytest.mark.parametrize("lab", LABS)
def test_lab_hidden_tests_import_existing_helpers(lab):
    nb = nbformat.read(course.source_notebook(lab), as_version=4)
    for cell in nb.cells:
        for group, line in re.findall(r"from autograder\.logic_checks import (?:\(([\w\s,]+)\)|([\w ,]+))",
                                      cell.source):
            for name in re.split(r"[\s,]+", (group or line).strip()):
                assert hasattr(logic_checks, name), f"{lab}/{cell.id}: autograder.logic_checks has no {name}"
        for name in re.findall(r"\b_lc\.(\w+)\(", cell.source):  # the hidden tests' private copy
            assert hasattr(logic_checks, name), f"{lab}/{cell.id}: autograder.logic_checks has no {name}"


@pytest.mark.parametrize("lab", LABS)
def test_lab_wrong_submissions_name_real_cells(lab):
    nb = nbformat.read(course.source_notebook(lab), as_version=4)
    meta = {c.metadata.get("nbgrader", {}).get("grade_id"): c.metadata.get("nbgrader", {}) for c in nb.cells}
    total = sum(m.get("points", 0) for m in meta.values() if m.get("grade"))
    wrongs = course.wrong_submissions(lab)
    assert len(wrongs) >= 2
    for w in wrongs:
        for gid in w.cells:
            assert gid in meta and meta[gid].get("solution"), f"{w.name}: {gid} is not a solution cell of {lab}"
        assert 0 < w.expected < total
    assert len({w.expected for w in wrongs}) == len(wrongs), f"{lab}: wrong submissions share an expected score"
