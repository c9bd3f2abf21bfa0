"""Reference designs and checks for lab04 (an ALU in Amaranth), used by the lab's hidden tests.

The hidden tests load private copies of this module and of :mod:`autograder.equivalence` with
:func:`autograder.checks.fresh`, build a reference for each width they try, and call :func:`check`,
which compares the student's module with the reference (exhaustively when the inputs are narrow,
random vectors plus a Yosys proof when they are wide, cycle by cycle for the registered ALU) and
prefixes the counter-example with the part under test::

    eq = fresh("autograder.equivalence")
    ref = fresh("autograder.alu_checks")
    ref.check(eq, AddSub(8), ref.AddSubRef(8), "AddSub(8)")

The references follow the specification in the lab notebook; they never appear in a notebook a
student receives.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from amaranth.hdl import Cat, Module, Mux
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

__all__ = ["AddSubRef", "ShifterRef", "ComparatorRef", "ALURef", "RegisteredALURef", "OPCODES",
           "shamt_bits", "signed_range", "alu_model", "check"]

#: opcode -> name, as in the lab's table
OPCODES = {0: "ADD", 1: "SUB", 2: "AND", 3: "OR", 4: "XOR", 5: "SLL", 6: "SRL", 7: "SLT"}


def shamt_bits(width: int) -> int:
    """Bits of a shift amount that can say every shift from 0 to ``width - 1``."""
    bits = 0
    while (1 << bits) < width:
        bits += 1
    return bits


def signed_range(width: int) -> tuple[int, int]:
    """(smallest, largest) value of a ``width``-bit two's complement number."""
    return -(1 << (width - 1)), (1 << (width - 1)) - 1


def alu_model(width: int, op: int, a: int, b: int) -> dict[str, int]:
    """The ALU of the lab in plain Python: ``y`` and the four flags."""
    mask = (1 << width) - 1
    sign = 1 << (width - 1)

    def sv(v: int) -> int:
        return v - (1 << width) if v & sign else v

    carry = overflow = 0
    amount = b & ((1 << shamt_bits(width)) - 1)
    if op == 0:
        full = a + b
        y, carry = full & mask, full >> width
        overflow = int(sv(a) + sv(b) != sv(y))
    elif op == 1:
        full = a + ((~b) & mask) + 1
        y, carry = full & mask, full >> width
        overflow = int(sv(a) - sv(b) != sv(y))
    elif op == 2:
        y = a & b
    elif op == 3:
        y = a | b
    elif op == 4:
        y = a ^ b
    elif op == 5:
        y = (a << amount) & mask
    elif op == 6:
        y = a >> amount
    else:
        y = int(sv(a) < sv(b))
    return {"y": y, "zero": int(y == 0), "negative": int(bool(y & sign)), "carry": carry,
            "overflow": overflow}


class AddSubRef(wiring.Component):
    """y = a + b (sub = 0) or a - b (sub = 1) as a + ~b + 1; carry out of the top bit; signed overflow."""

    def __init__(self, width: int = 8) -> None:
        self.width = width
        super().__init__({"a": In(width), "b": In(width), "sub": In(1),
                          "y": Out(width), "carry": Out(1), "overflow": Out(1)})

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        bb = Mux(self.sub, ~self.b, self.b)
        m.d.comb += Cat(self.y, self.carry).eq(self.a + bb + self.sub)
        top = self.width - 1
        m.d.comb += self.overflow.eq((self.a[top] == bb[top]) & (self.y[top] != self.a[top]))
        return m


class ShifterRef(wiring.Component):
    """dir 0: a << amount; dir 1: a >> amount, filling with a's sign bit when arith is 1."""

    def __init__(self, width: int = 8) -> None:
        self.width = width
        super().__init__({"a": In(width), "amount": In(shamt_bits(width)), "dir": In(1), "arith": In(1),
                          "y": Out(width)})

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        with m.If(self.dir == 0):
            m.d.comb += self.y.eq(self.a << self.amount)
        with m.Elif(self.arith):
            m.d.comb += self.y.eq(self.a.as_signed() >> self.amount)
        with m.Else():
            m.d.comb += self.y.eq(self.a >> self.amount)
        return m


class ComparatorRef(wiring.Component):
    """eq: a == b; ltu: a < b unsigned; lts: a < b as two's complement numbers."""

    def __init__(self, width: int = 8) -> None:
        self.width = width
        super().__init__({"a": In(width), "b": In(width), "eq": Out(1), "ltu": Out(1), "lts": Out(1)})

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        m.d.comb += [self.eq.eq(self.a == self.b), self.ltu.eq(self.a < self.b),
                     self.lts.eq(self.a.as_signed() < self.b.as_signed())]
        return m


class ALURef(wiring.Component):
    """The opcode table of the lab; zero and negative from y, carry and overflow for ADD/SUB only."""

    def __init__(self, width: int = 8) -> None:
        self.width = width
        super().__init__({"op": In(3), "a": In(width), "b": In(width), "y": Out(width),
                          "zero": Out(1), "negative": Out(1), "carry": Out(1), "overflow": Out(1)})

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        w = self.width
        amount = self.b[:shamt_bits(w)] if shamt_bits(w) else 0
        with m.Switch(self.op):
            with m.Case(0, 1):
                bb = Mux(self.op[0], ~self.b, self.b)
                m.d.comb += Cat(self.y, self.carry).eq(self.a + bb + self.op[0])
                m.d.comb += self.overflow.eq((self.a[w - 1] == bb[w - 1]) & (self.y[w - 1] != self.a[w - 1]))
            with m.Case(2):
                m.d.comb += self.y.eq(self.a & self.b)
            with m.Case(3):
                m.d.comb += self.y.eq(self.a | self.b)
            with m.Case(4):
                m.d.comb += self.y.eq(self.a ^ self.b)
            with m.Case(5):
                m.d.comb += self.y.eq(self.a << amount)
            with m.Case(6):
                m.d.comb += self.y.eq(self.a >> amount)
            with m.Case(7):
                m.d.comb += self.y.eq(self.a.as_signed() < self.b.as_signed())
        m.d.comb += [self.zero.eq(self.y == 0), self.negative.eq(self.y[w - 1])]
        return m


class RegisteredALURef(wiring.Component):
    """ALURef's five outputs in registers that load at a clock edge when en is 1 and hold otherwise."""

    def __init__(self, width: int = 8) -> None:
        self.width = width
        super().__init__({"op": In(3), "a": In(width), "b": In(width), "en": In(1), "y": Out(width),
                          "zero": Out(1), "negative": Out(1), "carry": Out(1), "overflow": Out(1)})

    def elaborate(self, platform: Any) -> Module:
        m = Module()
        m.submodules.alu = alu = ALURef(self.width)
        m.d.comb += [alu.op.eq(self.op), alu.a.eq(self.a), alu.b.eq(self.b)]
        with m.If(self.en):
            m.d.sync += [getattr(self, n).eq(getattr(alu, n)) for n in ("y", "zero", "negative", "carry",
                                                                        "overflow")]
        return m


def check(equivalence: ModuleType, student: Any, reference: Any, label: str, **kwargs: Any) -> Any:
    """``equivalence.check_module(student, reference, **kwargs)`` with ``label`` in front of a failure."""
    try:
        return equivalence.check_module(student, reference, **kwargs)
    except AssertionError as e:
        raise AssertionError(f"{label}: {e}") from None
