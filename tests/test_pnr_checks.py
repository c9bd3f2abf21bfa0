"""The lab10 reference computations and checkers: right answers pass, wrong ones fail."""

import math

import pytest

from autograder import pnr_checks as pc


def test_hpwl_and_total() -> None:
    assert pc.hpwl([(0, 0), (3, 4)]) == 7
    assert pc.hpwl([(1, 1)]) == 0
    w = {"a": 2, "b": 4}
    assert pc.total_hpwl({"n": ["a", "b"]}, {"a": (0, 0), "b": (1, 10)}, w) == pytest.approx(11 * 0.46 + 2.72)


def test_legal() -> None:
    w = {"a": 3, "b": 1}
    assert pc.legal({"a": (0, 0), "b": (0, 3)}, w, 1, 4)
    assert not pc.legal({"a": (0, 0), "b": (0, 2)}, w, 1, 4)
    assert not pc.legal({"a": (0, 1), "b": (0, 0)}, w, 1, 3)
    assert not pc.legal({"a": (1, 0), "b": (0, 0)}, w, 1, 4)


def test_checkers_accept_references_and_reject_mutants() -> None:
    pc.check_hpwl(pc.hpwl)
    pc.check_total(pc.total_hpwl)
    pc.check_legal(pc.legal)
    pc.check_accept(pc.accept)
    pc.check_sites(pc.sites_per_row)
    with pytest.raises(AssertionError):
        pc.check_hpwl(lambda pts: 2 * pc.hpwl(pts))
    with pytest.raises(AssertionError):
        pc.check_accept(lambda d, t, u: d <= 0 or u > math.exp(-d / t))
    with pytest.raises(AssertionError):
        pc.check_sites(lambda n, u, r: round(n / (u * r)))
    with pytest.raises(AssertionError):
        pc.check_legal(lambda p, w, nr, ns: all(0 <= r < nr and 0 <= s < ns for r, s in p.values()))


def test_check_improved() -> None:
    w = {"a": 2, "b": 2}
    nets = {"n": ["a", "b"]}
    assert pc.check_improved({"a": (0, 0), "b": (0, 2)}, nets, w, 2, 10, 2.0) == pytest.approx(0.92)
    with pytest.raises(AssertionError, match="not legal"):
        pc.check_improved({"a": (0, 0), "b": (0, 1)}, nets, w, 2, 10, 2.0)
    with pytest.raises(AssertionError, match="below"):
        pc.check_improved({"a": (0, 0), "b": (1, 8)}, nets, w, 2, 10, 2.0)
