"""Reference computations for lab 10 (placement): HPWL, legality, the Metropolis rule, core sizing.

Hidden tests load this module through :func:`autograder.checks.fresh` and compare a student's answers
with these computations on cases of their own; nothing here stores an answer.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

SITE_UM = 0.46
ROW_UM = 2.72


def hpwl(points: Sequence[tuple[float, float]]) -> float:
    """Half-perimeter of the bounding box of a net's pins (0 for fewer than 2 pins)."""
    if len(points) < 2:
        return 0.0
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return (max(xs) - min(xs)) + (max(ys) - min(ys))


def centre(row: int, site: int, width: int) -> tuple[float, float]:
    """Centre (um) of a cell of ``width`` sites whose first site is ``site`` in ``row``."""
    return (site + width / 2) * SITE_UM, (row + 0.5) * ROW_UM


def total_hpwl(nets: Mapping[str, Sequence[str]], placement: Mapping[str, tuple[int, int]],
               widths: Mapping[str, int]) -> float:
    """Sum over nets of the HPWL of the centres of the cells on it."""
    return sum(hpwl([centre(*placement[c], widths[c]) for c in cells]) for cells in nets.values())


def legal(placement: Mapping[str, tuple[int, int]], widths: Mapping[str, int], nrows: int, nsites: int) -> bool:
    """Every cell placed on a row, inside the row, and no two cells sharing a site."""
    if set(placement) != set(widths):
        return False
    used: set[tuple[int, int]] = set()
    for c, (r, s) in placement.items():
        if not (isinstance(r, int) and isinstance(s, int)):
            return False
        if not (0 <= r < nrows and 0 <= s and s + widths[c] <= nsites):
            return False
        for k in range(s, s + widths[c]):
            if (r, k) in used:
                return False
            used.add((r, k))
    return True


def accept(delta: float, temperature: float, u: float) -> bool:
    """Metropolis: downhill (or flat) always; uphill when u < exp(-delta / T)."""
    if delta <= 0:
        return True
    if temperature <= 0:
        return False
    return u < math.exp(-delta / temperature)


def sites_per_row(cell_sites: int, utilization: float, nrows: int) -> int:
    """Smallest row length (sites) so that cell sites / all sites <= utilization."""
    return math.ceil(cell_sites / (utilization * nrows) - 1e-9)


def _fail(msg: str) -> None:
    raise AssertionError(msg)


def check_hpwl(fn: Callable[..., Any]) -> None:
    rng = random.Random(10)
    cases = [[(0.0, 0.0), (3.0, 4.0)], [(1.0, 1.0)], [(2.0, 5.0), (2.0, 1.0), (2.0, 3.0)],
             [(-1.5, 2.0), (4.0, -3.0), (0.5, 0.5), (3.0, 7.25)]]
    cases += [[(rng.uniform(-9, 9), rng.uniform(-9, 9)) for _ in range(rng.randint(2, 7))] for _ in range(20)]
    for pts in cases:
        got, want = fn(list(pts)), hpwl(pts)
        if not isinstance(got, (int, float)) or abs(got - want) > 1e-6:
            _fail(f"hpwl({pts[:4]}{' ...' if len(pts) > 4 else ''}) gave {got!r}, expected {want:.4g}")


def _random_case(rng: random.Random) -> tuple[dict, dict, dict]:
    cells = [f"c{k}" for k in range(rng.randint(3, 9))]
    widths = {c: rng.randint(1, 5) for c in cells}
    placement = {c: (rng.randint(0, 4), rng.randint(0, 30)) for c in cells}
    nets = {f"n{k}": rng.sample(cells, rng.randint(1, min(4, len(cells)))) for k in range(rng.randint(2, 6))}
    return nets, placement, widths


def check_total(fn: Callable[..., Any]) -> None:
    rng = random.Random(11)
    for _ in range(25):
        nets, placement, widths = _random_case(rng)
        got, want = fn(nets, placement, widths), total_hpwl(nets, placement, widths)
        if not isinstance(got, (int, float)) or abs(got - want) > 1e-6:
            _fail(f"total_hpwl gave {got!r}, expected {want:.4g} for nets {nets} placed at {placement}")


def check_legal(fn: Callable[..., Any]) -> None:
    rng = random.Random(12)
    widths = {"a": 3, "b": 2, "c": 1}
    fixed = [({"a": (0, 0), "b": (0, 3), "c": (1, 0)}, True), ({"a": (0, 0), "b": (0, 2), "c": (1, 0)}, False),
             ({"a": (0, 8), "b": (0, 0), "c": (1, 0)}, False), ({"a": (2, 0), "b": (0, 0), "c": (1, 0)}, False),
             ({"a": (0, -1), "b": (0, 5), "c": (1, 0)}, False), ({"a": (1, 0), "b": (0, 0), "c": (1, 3)}, True),
             ({"a": (1, 1), "b": (0, 0), "c": (1, 0)}, True), ({"a": (1, 1), "b": (0, 0), "c": (1, 3)}, False),
             ({"a": (0, 7), "b": (1, 8), "c": (0, 0)}, True)]
    for placement, want in fixed:
        got = fn(placement, widths, 2, 10)
        if got is not want:
            _fail(f"is_legal({placement}, widths={widths}, nrows=2, nsites=10) gave {got!r}, expected {want}")
    for _ in range(40):
        _, placement, ws = _random_case(rng)
        got, want = fn(placement, ws, 4, 32), legal(placement, ws, 4, 32)
        if got is not want:
            _fail(f"is_legal({placement}, widths={ws}, nrows=4, nsites=32) gave {got!r}, expected {want}")


def check_accept(fn: Callable[..., Any]) -> None:
    rng = random.Random(13)
    cases = [(-5.0, 1.0, 0.99), (0.0, 1.0, 0.99), (2.0, 1.0, 0.1), (2.0, 1.0, 0.2), (1.0, 10.0, 0.9),
             (1.0, 10.0, 0.91), (3.0, 0.5, 0.001)]
    cases += [(rng.uniform(-5, 10), rng.uniform(0.1, 10), rng.random()) for _ in range(40)]
    for d, t, u in cases:
        got, want = fn(d, t, u), accept(d, t, u)
        if bool(got) is not want or not isinstance(got, bool):
            _fail(f"accept(delta={d:.3g}, T={t:.3g}, u={u:.3g}) gave {got!r}, expected {want}")


def check_sites(fn: Callable[..., Any]) -> None:
    cases = [(100, 0.5, 4), (136, 0.5, 6), (99, 0.7, 3), (60, 0.6, 5), (300, 0.45, 7), (1, 0.5, 1)]
    for args in cases:
        got, want = fn(*args), sites_per_row(*args)
        if not isinstance(got, int) or got != want:
            _fail(f"sites_per_row{args} gave {got!r}, expected {want}")


def check_improved(placement: Any, nets: Mapping[str, Sequence[str]], widths: Mapping[str, int], nrows: int,
                   nsites: int, target: float) -> float:
    """The student's placement must be legal and have total HPWL below ``target``; returns its HPWL."""
    if not isinstance(placement, dict):
        _fail(f"better should be a dict cell -> (row, site), but it is {type(placement).__name__}")
    placement = {c: tuple(v) for c, v in placement.items()}
    if not legal(placement, widths, nrows, nsites):
        _fail("your placement is not legal (every cell once, inside the rows, no overlapping sites)")
    cost = total_hpwl(nets, placement, widths)
    if cost >= target:
        _fail(f"total HPWL is {cost:.1f} um: it must be below {target:.1f} um")
    return cost
