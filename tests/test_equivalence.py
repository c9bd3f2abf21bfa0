"""autograder.equivalence: a student's Amaranth module against a reference, with counter-examples."""

import re

import pytest
from amaranth.hdl import Elaboratable, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from autograder.equivalence import EquivalenceReport, check_module


class Adder(wiring.Component):
    def __init__(self, width: int = 4, bug: str | None = None) -> None:
        self.bug = bug
        super().__init__({"a": In(width), "b": In(width), "y": Out(width + 1)})

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        total = self.a + self.b
        if self.bug == "carry":
            m.d.comb += self.y.eq(total[: len(self.a)])
        elif self.bug == "magic":  # wrong for exactly one input pair: random tests miss it
            m.d.comb += self.y.eq(Mux((self.a == 1234) & (self.b == 77), 0, total))
        else:
            m.d.comb += self.y.eq(total)
        return m


class Counter(wiring.Component):
    def __init__(self, bug: bool = False) -> None:
        self.bug = bug
        super().__init__({"en": In(1), "clear": In(1), "count": Out(4)})

    def elaborate(self, platform):  # noqa: ANN001, ANN201
        m = Module()
        with m.If(self.clear & ~self.bug):
            m.d.sync += self.count.eq(0)
        with m.Elif(self.en):
            m.d.sync += self.count.eq(self.count + 1)
        return m


def _inputs_in(message: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", message.split("\n")[0])}


def test_exhaustive_equal() -> None:
    rep = check_module(Adder(4), Adder(4))
    assert isinstance(rep, EquivalenceReport)
    assert rep.method == "exhaustive" and rep.vectors == 256 and rep.formal is None
    assert rep.inputs == [("a", 4), ("b", 4)] and rep.outputs == [("y", 5)]
    assert "256 input vectors" in str(rep)


def test_exhaustive_finds_a_real_counter_example(capfd) -> None:
    with pytest.raises(AssertionError) as e:
        check_module(Adder(4, bug="carry"), Adder(4))
    msg = str(e.value)
    ins = _inputs_in(msg)
    a, b = ins["a"], ins["b"]
    assert a + b >= 16  # a real case where the carry matters
    assert f"expected {a + b}" in msg and f"got {(a + b) & 15}" in msg
    assert "exhaustive" in msg
    assert capfd.readouterr().err == ""


def test_wide_design_is_proven_formally() -> None:
    rep = check_module(Adder(12), Adder(12))
    assert rep.method == "random+formal" and rep.formal is True
    assert rep.vectors == 2000
    small = check_module(Adder(4), Adder(4), formal=True)
    assert small.method == "exhaustive+formal" and small.vectors == 256 and small.formal is True


def test_formal_finds_what_random_testing_misses() -> None:
    # random vectors alone miss the single wrong input pair ...
    rep = check_module(Adder(12, bug="magic"), Adder(12), formal=False)
    assert rep.method == "random" and rep.formal is None
    # ... and Yosys finds it, replayed in simulation with the expected and received values
    with pytest.raises(AssertionError) as e:
        check_module(Adder(12, bug="magic"), Adder(12))
    msg = str(e.value)
    assert _inputs_in(msg) == {"a": 1234, "b": 77}
    assert "expected 1311" in msg and "got 0" in msg and "formal check with Yosys" in msg


def test_random_testing_finds_easy_bugs_first() -> None:
    with pytest.raises(AssertionError, match="random testing after"):
        check_module(Adder(12, bug="carry"), Adder(12))


def test_sequential_equal_and_different() -> None:
    rep = check_module(Counter(), Counter(), cycles=200)
    assert rep.method == "sequential" and rep.vectors == 200
    with pytest.raises(AssertionError) as e:
        check_module(Counter(bug=True), Counter(), cycles=200, seed=3)
    msg = str(e.value)
    cycle = int(re.search(r"at cycle (\d+)", msg).group(1))
    assert "count: expected" in msg
    # the cycle before the first difference had clear=1 (the bug ignores clear)
    assert re.search(rf"cycle {cycle - 1}: en=\d, clear=1", msg)


def test_stimulus_constrains_inputs() -> None:
    # with clear held low the buggy counter behaves like the reference
    rep = check_module(Counter(bug=True), Counter(), stimulus={"clear": [0]})
    assert rep.method == "sequential"
    with pytest.raises(AssertionError):
        check_module(Counter(bug=True), Counter(), stimulus={"clear": lambda k, rng: int(k % 7 == 6)})


def test_port_problems_are_named() -> None:
    class NoY(wiring.Component):
        a: In(4)
        b: In(4)
        sum: Out(5)

        def elaborate(self, platform):  # noqa: ANN001, ANN202
            return Module()

    with pytest.raises(AssertionError, match=r"no port called 'y' \(expected an output of 5 bits\).*a, b, sum"):
        check_module(NoY(), Adder(4))
    with pytest.raises(AssertionError, match="port 'a' is 3 bits wide in your module; it should be 4 bits"):
        check_module(Adder(3), Adder(4))

    class Backwards(wiring.Component):
        a: In(4)
        b: In(4)
        y: In(5)

        def elaborate(self, platform):  # noqa: ANN001, ANN202
            return Module()

    with pytest.raises(AssertionError, match=r"port 'y' should be an output \(Out\)"):
        check_module(Backwards(), Adder(4))


def test_broken_student_design_is_an_assertion() -> None:
    class Broken(wiring.Component):
        a: In(4)
        b: In(4)
        y: Out(5)

        def elaborate(self, platform):  # noqa: ANN001, ANN202
            m = Module()
            m.d.comb += self.y.eq(self.a)
            m.d.sync += self.y.eq(self.b)
            return m

    with pytest.raises(AssertionError, match=r"could not be built.*'y' is assigned in both m\.d\.comb and m\.d\.sync"):
        check_module(Broken(), Adder(4))


def test_plain_elaboratables_with_named_ports() -> None:
    class Maj(Elaboratable):
        def __init__(self, bug: bool = False) -> None:
            self.a, self.b, self.c, self.y = Signal(), Signal(), Signal(), Signal()
            self.bug = bug

        def elaborate(self, platform):  # noqa: ANN001, ANN202
            m = Module()
            if self.bug:
                m.d.comb += self.y.eq(self.a & self.b | self.c)
            else:
                m.d.comb += self.y.eq(self.a & self.b | self.a & self.c | self.b & self.c)
            return m

    assert check_module(Maj(), Maj(), inputs=["a", "b", "c"], outputs=["y"]).vectors == 8
    with pytest.raises(AssertionError, match=r"a=0, b=0, c=1:\n  y: expected 0, got 1"):
        check_module(Maj(bug=True), Maj(), inputs=["a", "b", "c"], outputs=["y"])


def test_extra_student_ports_are_ignored_also_formally() -> None:
    class AdderWithDebug(wiring.Component):
        def __init__(self) -> None:
            super().__init__({"a": In(12), "b": In(12), "y": Out(13), "dbg": Out(12)})

        def elaborate(self, platform):  # noqa: ANN001, ANN202
            m = Module()
            m.d.comb += [self.y.eq(self.a + self.b), self.dbg.eq(self.a ^ self.b)]
            return m

    rep = check_module(AdderWithDebug(), Adder(12))
    assert rep.formal is True and rep.outputs == [("y", 13)]
