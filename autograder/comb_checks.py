"""Grading helpers for combinational-logic labs (lab02): SOP answers and combinational Amaranth modules.

- :func:`parse_sop` / :func:`check_sop` read a student's sum-of-products string (``a & ~b | c``), check
  that it *is* a sum of products, that it computes the wanted function on every cell that is not a
  don't care, and (optionally) that it is minimal; failures say which input row is wrong.
- :func:`check_comb` simulates a student's combinational Amaranth module over every input combination
  (or a random sample when there are too many) and compares each output with a Python reference
  function; the failure names the inputs, the expected and the received outputs.
- :func:`ports` checks that a module has the signals a lab asks for, with the right widths.
- :func:`count_submodules` counts the instances of a class inside a design (e.g. the four full adders of
  a ripple-carry adder).

Every check raises ``AssertionError`` with a message a student can act on, and writes nothing to stderr
(nbgrader 0.9 gives a test cell 0 points when it writes anything to stderr).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------------------------------------
# sum-of-products answers
# ---------------------------------------------------------------------------------------------

_OR = re.compile(r"\s*(?:\||\+|\bor\b)\s*")
_AND = re.compile(r"\s*(?:&|\*|\band\b)\s*")
_LITERAL = re.compile(r"^(?P<neg>(?:~|!|not\s+)?)\s*(?P<name>[A-Za-z_]\w*)(?P<prime>'?)$")


@dataclass(frozen=True)
class SOP:
    """A sum of products: each term maps a variable to its required value (1 = plain, 0 = negated)."""

    terms: tuple[tuple[tuple[str, int], ...], ...]
    constant: int | None = None  # 0 or 1 when the answer is a constant

    @property
    def n_terms(self) -> int:
        return len(self.terms)

    @property
    def n_literals(self) -> int:
        return sum(len(t) for t in self.terms)

    def __call__(self, **values: int) -> int:
        if self.constant is not None:
            return self.constant
        return int(any(all(int(values[v]) == want for v, want in term) for term in self.terms))


def parse_sop(text: Any, variables: Sequence[str]) -> SOP:
    """Read a sum of products such as ``a & ~b | c`` (also ``+``/``*``/``!``/``'``/and/or/not).

    Parentheses around whole product terms are allowed; anything else (nesting, XOR, a negated group)
    is not a sum of products and is refused with a message.
    """
    if not isinstance(text, str):
        raise AssertionError(f"the answer should be a string like 'a & ~b | c', not a {type(text).__name__}")
    src = text.strip()
    if not src:
        raise AssertionError("the answer is an empty string")
    if src in ("0", "1"):
        return SOP((), int(src))
    terms = []
    for raw in _OR.split(src):
        term = raw.strip()
        if term.startswith("(") and term.endswith(")"):
            term = term[1:-1].strip()
        if not term:
            raise AssertionError(f"{text!r}: an empty product term (two '|' in a row, or a trailing '|'?)")
        lits: dict[str, int] = {}
        for lit in _AND.split(term):
            m = _LITERAL.match(lit.strip())
            if not m and ("(" in lit or ")" in lit):
                raise AssertionError(
                    f"{text!r} is not a sum of products: parentheses may only wrap a whole product term, "
                    "e.g. '(a & ~b) | c'. Multiply out (or use De Morgan) until you have ORs of ANDs.")
            if not m:
                raise AssertionError(
                    f"{text!r} is not a sum of products: {lit.strip()!r} is not a variable or a negated "
                    "variable. Write ORs of ANDs of (possibly negated) variables, e.g. 'a & ~b | c'.")
            name = m.group("name")
            if name not in variables:
                raise AssertionError(f"{text!r} uses {name!r}; the variables are {', '.join(variables)}")
            value = 0 if (m.group("neg") or m.group("prime")) else 1
            if name in lits and lits[name] != value:
                raise AssertionError(f"{text!r}: the term {term!r} contains both {name} and ~{name} (always 0)")
            lits[name] = value
        terms.append(tuple(sorted(lits.items())))
    return SOP(tuple(terms))


def _rows(variables: Sequence[str]) -> Iterable[dict[str, int]]:
    n = len(variables)
    for i in range(1 << n):
        yield {v: (i >> (n - 1 - k)) & 1 for k, v in enumerate(variables)}


def check_sop(text: Any, variables: Sequence[str], minterms: Iterable[int], dont_cares: Iterable[int] = (),
              max_terms: int | None = None, max_literals: int | None = None) -> SOP:
    """Check a SOP answer: right on every row except the don't cares, and at most ``max_terms`` product
    terms and ``max_literals`` literals (None: not checked). Rows are numbered first variable = MSB."""
    sop = parse_sop(text, variables)
    ones = set(minterms)
    dcs = set(dont_cares)
    for i, row in enumerate(_rows(variables)):
        if i in dcs:
            continue
        want = int(i in ones)
        got = sop(**row)
        if got != want:
            inputs = ", ".join(f"{k}={v}" for k, v in row.items())
            raise AssertionError(f"for {inputs} (row {i}) your expression gives {got}, it should give {want}")
    if max_terms is not None and sop.n_terms > max_terms:
        raise AssertionError(f"your expression is correct but has {sop.n_terms} product terms; a minimal one "
                             f"has fewer. Make the K-map groups as large as you can (use the don't cares).")
    if max_literals is not None and sop.n_literals > max_literals:
        raise AssertionError(f"your expression is correct but has {sop.n_literals} literals; a minimal one has "
                             f"fewer. Make each group as large as possible.")
    return sop


# ---------------------------------------------------------------------------------------------
# combinational Amaranth modules
# ---------------------------------------------------------------------------------------------

def _instance(design: Any) -> Any:
    from amaranth.hdl import Elaboratable

    if isinstance(design, type):
        try:
            design = design()
        except Exception as e:
            raise AssertionError(f"could not create your {design.__name__}(): {type(e).__name__}: {e}") from None
        # made here, maybe only looked at: no "created but never used" warning (nbgrader gives 0 points to a
        # test cell that writes anything to stderr)
        design._MustUse__used = True
    if not isinstance(design, Elaboratable):
        raise AssertionError(f"expected an Amaranth module (an Elaboratable), got a {type(design).__name__}")
    return design


def ports(design: Any, widths: Mapping[str, int]) -> Any:
    """Check that ``design`` (a module, or a class to instantiate) has a Signal attribute of each width
    in ``widths``; returns the instance."""
    from amaranth.hdl import Signal

    dut = _instance(design)
    name = type(dut).__name__
    for port, width in widths.items():
        sig = getattr(dut, port, None)
        if sig is None:
            raise AssertionError(f"{name} has no signal '{port}' (set self.{port} = Signal({width}) in __init__)")
        if not isinstance(sig, Signal):
            raise AssertionError(f"{name}.{port} should be a Signal, it is a {type(sig).__name__}")
        if len(sig) != width:
            raise AssertionError(f"{name}.{port} should be {width} bit{'s' if width != 1 else ''} wide, "
                                 f"it is {len(sig)}")
    return dut


def count_submodules(design: Any, class_name: str) -> int:
    """How many elaboratables of a class named ``class_name`` the design instantiates (at any depth)."""
    from amaranth.hdl import Fragment

    dut = _instance(design)
    try:
        frag = Fragment.get(dut, None)
    except Exception as e:
        raise AssertionError(f"{type(dut).__name__} failed to elaborate: {type(e).__name__}: {e}") from None

    def walk(f: Any) -> int:
        here = sum(type(o).__name__ == class_name for o in (f.origins or ()))
        return here + sum(walk(sub) for sub, _name, _loc in f.subfragments)

    return walk(frag) - sum(type(o).__name__ == class_name for o in (frag.origins or ()))


def _fmt(values: Mapping[str, int], widths: Mapping[str, int] | None = None) -> str:
    """``a=3, seg=125 (0b1111101)``: multi-bit values also in binary, padded to their width."""
    widths = widths or {}
    out = []
    for k, v in values.items():
        w = widths.get(k, 1)
        out.append(f"{k}={v}" + (f" (0b{v:0{w}b})" if w > 1 and v > 1 else ""))
    return ", ".join(out)


def check_comb(design: Any, reference: Callable[..., Any], inputs: Mapping[str, int], outputs: Sequence[str],
               *, max_cases: int = 4096, seed: int = 0, label: str | None = None) -> int:
    """Simulate a combinational module for every input combination (or ``max_cases`` random ones when
    there are more) and compare with ``reference(**inputs)``, which returns a dict of outputs (or an int
    when there is one output). Returns the number of cases checked; raises AssertionError with the
    first counter-example found: the inputs, the expected and the received outputs."""
    from amaranth.sim import Simulator

    dut = ports(design, inputs)
    for o in outputs:
        sig = getattr(dut, o, None)
        if sig is None or not hasattr(sig, "shape"):
            raise AssertionError(f"{type(dut).__name__} has no output signal '{o}'")
    label = label or type(dut).__name__
    names = list(inputs)
    total = 1
    for w in inputs.values():
        total <<= w
    if total <= max_cases:
        cases = list(itertools.product(*(range(1 << w) for w in inputs.values())))
    else:
        rng = random.Random(seed)
        cases = [tuple(rng.randrange(1 << w) for w in inputs.values()) for _ in range(max_cases)]
    failure: list[str] = []

    async def bench(ctx: Any) -> None:
        for case in cases:
            for n, v in zip(names, case):
                ctx.set(getattr(dut, n), v)
            got = {o: int(ctx.get(getattr(dut, o))) & ((1 << len(getattr(dut, o))) - 1) for o in outputs}
            args = dict(zip(names, case))
            want = reference(**args)
            if not isinstance(want, Mapping):
                want = {outputs[0]: want}
            want = {o: int(want[o]) & ((1 << len(getattr(dut, o))) - 1) for o in outputs}
            if got != want:
                widths = {n: len(getattr(dut, n)) for n in (*names, *outputs)}
                failure.append(f"{label}: for inputs {_fmt(args, widths)} expected {_fmt(want, widths)}, "
                               f"got {_fmt(got, widths)}")
                return

    try:
        sim = Simulator(dut)
    except Exception as e:
        raise AssertionError(f"{label} could not be simulated: {type(e).__name__}: {e}") from None
    sim.add_testbench(bench)
    sim.run()
    if failure:
        raise AssertionError(failure[0])
    return len(cases)


__all__ = ["SOP", "check_comb", "check_sop", "count_submodules", "parse_sop", "ports"]
