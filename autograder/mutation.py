"""Grade a student's cocotb testbench by mutation: it must pass on the reference and fail on buggy designs.

A testbench is only as good as the bugs it catches. The grader runs the student's testbench (Python source
text) with :func:`chiplab.verify.run_cocotb` on Icarus, first against the reference Verilog (every test must
pass there: a testbench that fails on a correct design would "catch" every mutant and earns nothing), then
against each **mutant**: the reference with a small text edit (an operator swapped, an off-by-one, a stuck
bit, a wrong reset value, a missing enable). A mutant is *caught* when at least one test fails on it.

Mutants are written in the hidden tests as edits of the reference, so the buggy designs never appear in the
student's notebook::

    mut = __import__("autograder.checks", fromlist=["fresh"]).fresh("autograder.mutation")
    report = mut.grade_testbench(TESTBENCH, "updown_counter.v", [
        mut.Mutant("down_saturates", [("q <= q - 8'd1;", "q <= (q == 8'd0) ? q : q - 8'd1;")]),
    ])
    mut.require_caught(report, "down_saturates", hint="count down through 0")

Each edit ``(old, new)`` must match the reference exactly once (so a mutant can never silently equal the
reference after the reference is edited); :func:`apply_mutant` raises ``ValueError`` otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Mutant", "MutantResult", "MutationReport", "apply_mutant", "grade_testbench", "require_caught",
           "require_reference_pass"]


@dataclass(frozen=True)
class Mutant:
    """A buggy variant of the reference: a name, text edits ``(old, new)`` and what the bug is."""

    name: str
    edits: Sequence[tuple[str, str]]
    description: str = ""

    @classmethod
    def of(cls, item: Any) -> Mutant:
        """Accept a Mutant, a ``(name, edits)`` / ``(name, edits, description)`` tuple or a dict."""
        if isinstance(item, Mutant):
            return item
        if isinstance(item, dict):
            return cls(item["name"], tuple(map(tuple, item["edits"])), item.get("description", ""))
        if isinstance(item, (tuple, list)) and len(item) in (2, 3):
            return cls(item[0], tuple(map(tuple, item[1])), item[2] if len(item) == 3 else "")
        raise TypeError(f"cannot read a mutant from {item!r}")


@dataclass
class MutantResult:
    """What the testbench did on one mutant."""

    name: str
    caught: bool
    failed_tests: list[str] = field(default_factory=list)
    message: str = ""  # the first failing test's message, or why the run stopped
    wall_s: float = 0.0


@dataclass
class MutationReport:
    """The reference run and one :class:`MutantResult` per mutant (empty if the reference run failed)."""

    reference_passed: bool
    reference_message: str
    results: list[MutantResult] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)  # names of the testbench's tests (from the reference run)
    wall_s: float = 0.0

    @property
    def caught(self) -> list[str]:
        return [r.name for r in self.results if r.caught]

    @property
    def missed(self) -> list[str]:
        return [r.name for r in self.results if not r.caught]

    @property
    def score(self) -> int:
        """Mutants caught; 0 when the testbench fails on the reference."""
        return len(self.caught) if self.reference_passed else 0

    def __getitem__(self, name: str) -> MutantResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(f"no mutant {name!r}")

    def summary(self) -> str:
        head = ("reference: PASS" if self.reference_passed else f"reference: FAIL ({self.reference_message})")
        lines = [head + f"  [{self.wall_s:.1f} s]"]
        for r in self.results:
            lines.append(f"  {'caught' if r.caught else 'MISSED':<7} {r.name:<24} {r.message[:70]}")
        return "\n".join(lines)


def _reference_text(reference_verilog: str | Path) -> str:
    if isinstance(reference_verilog, Path) or ("\n" not in str(reference_verilog)
                                               and str(reference_verilog).endswith((".v", ".sv"))):
        return Path(reference_verilog).read_text()
    return str(reference_verilog)


def apply_mutant(reference_verilog: str | Path, mutant: Any) -> str:
    """The reference Verilog with the mutant's edits applied (each ``old`` must occur exactly once)."""
    mutant = Mutant.of(mutant)
    text = _reference_text(reference_verilog)
    if not mutant.edits:
        raise ValueError(f"mutant {mutant.name!r} has no edits")
    for old, new in mutant.edits:
        n = text.count(old)
        if n != 1:
            raise ValueError(f"mutant {mutant.name!r}: {old!r} occurs {n} times in the reference "
                             "(must be once)")
        if old == new:
            raise ValueError(f"mutant {mutant.name!r}: the edit of {old!r} changes nothing")
        text = text.replace(old, new)
    return text


def _first_failure(result: Any) -> tuple[list[str], str]:
    failed = [t.name for t in result.failed]
    msg = ""
    if result.failed:
        t = result.failed[0]
        msg = f"{t.name}: {t.short or t.kind or 'failed'}"
    return failed, msg


def grade_testbench(testbench_source: str, reference_verilog: str | Path, mutants: Iterable[Any], *,
                    toplevel: str | None = None, seed: int = 1, timeout_s: float = 20.0,
                    mutant_timeout_s: float | None = None, budget_s: float = 90.0,
                    simulator: str = "icarus") -> MutationReport:
    """Run ``testbench_source`` on the reference, then (only if it passes there) on every mutant.

    A mutant is caught when a test fails on it, or when the run crashes or times out on it (the
    testbench did not pass). The same cocotb ``seed`` is used for every run, so random stimulus is the
    same on the reference and on the mutants.

    Time limits keep a grading cell inside nbgrader's cell timeout: ``timeout_s`` for the reference run;
    ``mutant_timeout_s`` for each mutant run (default: 5 times the reference run, at least 5 s, at most
    ``timeout_s``: a testbench that hangs on a buggy design, waiting for an edge that never comes, has
    caught it); ``budget_s`` for everything, after which the remaining mutants are not run (not caught).
    """
    from chiplab.errors import ChipLabError, DesignError
    from chiplab.verify import run_cocotb

    t0 = time.monotonic()
    ref = _reference_text(reference_verilog)
    muts = [Mutant.of(m) for m in mutants]
    sources = {m.name: apply_mutant(ref, m) for m in muts}  # check every edit before running anything
    if len({m.name for m in muts}) != len(muts):
        raise ValueError("two mutants have the same name")

    if not isinstance(testbench_source, str) or "cocotb" not in testbench_source:
        return MutationReport(False, "the testbench should be Python source text (a string) using cocotb",
                              wall_s=time.monotonic() - t0)

    def run(design: str, limit: float) -> Any:
        return run_cocotb(design, testbench_source, toplevel=toplevel, simulator=simulator, seed=seed,
                          timeout_s=limit)

    try:
        res = run(ref, min(timeout_s, budget_s))
    except DesignError as e:  # the reference does not compile: the grader's fault, not the student's
        raise RuntimeError(f"the reference design does not build: {e}") from None
    except ChipLabError as e:
        return MutationReport(False, str(e).splitlines()[0], wall_s=time.monotonic() - t0)
    if not res.passed:
        failed, msg = _first_failure(res)
        return MutationReport(False, msg or "no test passed", tests=res.names, wall_s=time.monotonic() - t0)

    report = MutationReport(True, "", tests=res.names)
    ref_s = time.monotonic() - t0
    per_mutant = mutant_timeout_s if mutant_timeout_s is not None else min(timeout_s, max(5.0, 5 * ref_s))
    for m in muts:
        t1 = time.monotonic()
        left = budget_s - (t1 - t0)
        if left < 1.0:
            report.results.append(MutantResult(m.name, False, [], "not run: the testbench is too slow (keep "
                                               "each test to a few hundred cycles)"))
            continue
        try:
            mres = run(sources[m.name], min(per_mutant, left))
        except DesignError as e:
            raise RuntimeError(f"mutant {m.name!r} does not build: {e}") from None
        except ChipLabError as e:
            report.results.append(MutantResult(m.name, True, [], f"run stopped: {str(e).splitlines()[0]}",
                                               time.monotonic() - t1))
            continue
        failed, msg = _first_failure(mres)
        report.results.append(MutantResult(m.name, not mres.passed, failed, msg, time.monotonic() - t1))
    report.wall_s = time.monotonic() - t0
    return report


def require_reference_pass(report: MutationReport) -> None:
    """Fail (AssertionError with the reason) unless the testbench passed on the reference design."""
    if not report.reference_passed:
        raise AssertionError("your testbench fails on the correct design, so it cannot tell a bug from a "
                             f"correct design and earns no points for bugs: {report.reference_message}")


def require_caught(report: MutationReport, name: str, hint: str = "") -> None:
    """Fail unless the testbench passed on the reference and caught mutant ``name``.

    The message names the kind of behaviour left unchecked (``hint``), never the bug's code.
    """
    require_reference_pass(report)
    result = report[name]
    if not result.caught and result.message.startswith("not run"):
        raise AssertionError(f"this hidden buggy design was {result.message}")
    if not result.caught:
        question = f"; does your testbench check {hint}?" if hint else ""
        raise AssertionError("a hidden buggy design passed all of your tests" + question)
