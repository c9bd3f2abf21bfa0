"""The lab04 references (autograder.alu_checks) against a plain-Python model, and the labelled check."""

from __future__ import annotations

import pytest
from amaranth.hdl import Cat, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from autograder import alu_checks as ref
from autograder import equivalence
from autograder.checks import fresh
from chiplab.hdl import truth_table_of


def _signed(v: int, width: int) -> int:
    return v - (1 << width) if v >> (width - 1) else v


@pytest.mark.parametrize("width", [2, 4])
def test_alu_reference_matches_python_model(width: int) -> None:
    table = truth_table_of(ref.ALURef(width))
    assert len(table) == 2 ** (3 + 2 * width)
    for row in table:
        want = ref.alu_model(width, row["op"], row["a"], row["b"])
        assert {k: row[k] for k in want} == want, row


@pytest.mark.parametrize("width", [1, 3, 4])
def test_addsub_reference_is_adder_and_subtractor(width: int) -> None:
    mask = (1 << width) - 1
    for row in truth_table_of(ref.AddSubRef(width)):
        a, b, sub = row["a"], row["b"], row["sub"]
        exact = _signed(a, width) - _signed(b, width) if sub else _signed(a, width) + _signed(b, width)
        assert row["y"] == ((a - b) if sub else (a + b)) & mask
        assert row["carry"] == (int(a >= b) if sub else (a + b) >> width)
        assert row["overflow"] == int(exact != _signed(row["y"], width))


def test_shifter_and_comparator_references() -> None:
    width = 8
    for row in truth_table_of(ref.ShifterRef(width)):
        a, n = row["a"], row["amount"]
        if row["dir"] == 0:
            want = (a << n) & 0xFF
        elif row["arith"]:
            want = (_signed(a, width) >> n) & 0xFF
        else:
            want = a >> n
        assert row["y"] == want, row
    for row in truth_table_of(ref.ComparatorRef(4)):
        a, b = row["a"], row["b"]
        assert (row["eq"], row["ltu"], row["lts"]) == (int(a == b), int(a < b),
                                                       int(_signed(a, 4) < _signed(b, 4)))


def test_parameter_answers() -> None:
    assert [ref.shamt_bits(w) for w in (1, 2, 3, 4, 5, 8, 9, 32)] == [0, 1, 2, 2, 3, 3, 4, 5]
    assert ref.signed_range(1) == (-1, 0)
    assert ref.signed_range(8) == (-128, 127)


class _BorrowAddSub(wiring.Component):
    """A typical wrong answer: the carry of a subtraction inverted (a borrow)."""

    def __init__(self, width: int) -> None:
        super().__init__({"a": In(width), "b": In(width), "sub": In(1),
                          "y": Out(width), "carry": Out(1), "overflow": Out(1)})
        self.width = width

    def elaborate(self, platform: object) -> Module:
        m = Module()
        raw = Signal()
        bb = Signal(self.width)
        m.d.comb += bb.eq(self.b ^ self.sub.replicate(self.width))
        m.d.comb += Cat(self.y, raw).eq(self.a + bb + self.sub)
        m.d.comb += self.carry.eq(raw ^ self.sub)
        top = self.width - 1
        m.d.comb += self.overflow.eq((self.a[top] == bb[top]) & (self.y[top] != self.a[top]))
        return m


@pytest.mark.parametrize("width", [4, 12])
def test_check_finds_a_wrong_carry_and_names_the_part(width: int) -> None:
    eq = fresh("autograder.equivalence")
    with pytest.raises(AssertionError, match=rf"^AddSub\({width}\): .*sub=1.*\n  carry: expected 1, got 0"):
        ref.check(eq, _BorrowAddSub(width), ref.AddSubRef(width), f"AddSub({width})")


def test_check_passes_equal_designs_and_sequential() -> None:
    report = ref.check(equivalence, ref.ALURef(8), ref.ALURef(8), "ALU(8)")
    assert report.formal is True
    report = ref.check(equivalence, ref.RegisteredALURef(4), ref.RegisteredALURef(4), "RegisteredALU(4)",
                       cycles=100)
    assert report.method == "sequential" and report.vectors == 100
    with pytest.raises(AssertionError, match=r"^RegisteredALU\(4\): .*differ from the reference at cycle"):
        ref.check(equivalence, _Unregistered(4), ref.RegisteredALURef(4), "RegisteredALU(4)", cycles=100)


class _Unregistered(wiring.Component):
    """The reference's ports, but the ALU's outputs appear at once (no registers)."""

    def __init__(self, width: int) -> None:
        super().__init__({"op": In(3), "a": In(width), "b": In(width), "en": In(1), "y": Out(width),
                          "zero": Out(1), "negative": Out(1), "carry": Out(1), "overflow": Out(1)})
        self.width = width

    def elaborate(self, platform: object) -> Module:
        m = Module()
        m.submodules.alu = alu = ref.ALURef(self.width)
        m.d.comb += [alu.op.eq(self.op), alu.a.eq(self.a), alu.b.eq(self.b)]
        m.d.comb += [getattr(self, n).eq(getattr(alu, n)) for n in ("y", "zero", "negative", "carry", "overflow")]
        return m
