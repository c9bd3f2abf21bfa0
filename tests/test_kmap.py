"""K-maps: Gray-code geometry, prime implicants, minimal covers (checked by brute force), drawing, widget."""

from __future__ import annotations

import itertools
import random
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from chiplab import kmap  # noqa: E402
from chiplab.kmap import (  # noqa: E402
    DONT_CARE,
    Implicant,
    KMap,
    KMapError,
    as_kmap,
    cell_minterm,
    cell_position,
    draw_kmap,
    group_rectangles,
    kmap_png,
    kmap_widget,
    minimal_cover,
    minimal_sop,
    prime_implicants,
)


def _all_implicants(km: KMap) -> list[Implicant]:
    """Every cube whose cells are all 1 or X and that holds at least one 1 (brute force)."""
    out = []
    ones = set(km.minterms)
    allowed = ones | set(km.dont_cares)
    for cube in itertools.product("01-", repeat=km.n):
        imp = Implicant("".join(cube), km.variables)
        if imp.minterms <= allowed and imp.minterms & ones:
            out.append(imp)
    return out


def _brute_min_terms(km: KMap) -> tuple[int, int]:
    """(terms, literals) of the cheapest cover, by trying every set of (brute-force) prime implicants of
    growing size; a cheapest cover made of primes always exists."""
    ones = frozenset(km.minterms)
    if not ones:
        return (0, 0)
    every = _all_implicants(km)
    imps = [p for p in every if not any(p.minterms < q.minterms for q in every)]
    for k in range(1, len(ones) + 1):
        costs = [sum(p.literals for p in combo) for combo in itertools.combinations(imps, k)
                 if frozenset().union(*(p.minterms for p in combo)) >= ones]
        if costs:
            return (k, min(costs))
    raise AssertionError("no cover found")


def test_gray_code_neighbours_differ_in_one_bit():
    for n in (2, 3, 4):
        rows = 2 if n < 4 else 4
        cols = 2 if n == 2 else 4
        seen = set()
        for r in range(rows):
            for c in range(cols):
                m = cell_minterm(r, c, n)
                assert cell_position(m, n) == (r, c)
                seen.add(m)
                for r2, c2 in (((r + 1) % rows, c), (r, (c + 1) % cols)):
                    if (r2, c2) != (r, c):
                        diff = m ^ cell_minterm(r2, c2, n)
                        assert bin(diff).count("1") == 1, (n, r, c, r2, c2)
        assert seen == set(range(1 << n))


def test_known_minimal_sops():
    assert minimal_sop(KMap.from_minterms([0, 2, 8, 10, 5, 7, 13, 15], "abcd")) == "(b & d) | (~b & ~d)"
    assert minimal_sop(KMap.from_minterms([0, 2, 4, 6, 7], "abc")) == "~c | (a & b)"
    assert minimal_sop(KMap.from_minterms([], "ab")) == "0"
    assert minimal_sop(KMap.from_minterms([0, 1, 2], "ab", dont_cares=[3])) == "1"
    # a don't care lets a group grow: m(1,3) + d(5,7) over abc is just c
    assert minimal_sop(KMap.from_minterms([1, 3], "abc", dont_cares=[5, 7])) == "c"


def test_every_three_variable_function_gets_an_exact_minimal_cover():
    for outputs in itertools.product((0, 1), repeat=8):
        km = KMap(("a", "b", "c"), list(outputs))
        cover = minimal_cover(km)
        covered = set().union(*(p.minterms for p in cover)) if cover else set()
        assert covered == set(km.minterms), outputs
        assert (len(cover), sum(p.literals for p in cover)) == _brute_min_terms(km), outputs


def test_random_four_variable_functions_with_dont_cares():
    rng = random.Random(2)
    for _ in range(40):
        values = [rng.choice((0, 0, 1, 1, DONT_CARE)) for _ in range(16)]
        km = KMap(tuple("abcd"), values)
        primes = prime_implicants(km)
        allowed = set(km.minterms) | set(km.dont_cares)
        for p in primes:  # every prime is an implicant that cannot grow
            assert p.minterms <= allowed
            for k, ch in enumerate(p.cube):
                if ch != "-":
                    bigger = Implicant(p.cube[:k] + "-" + p.cube[k + 1:], km.variables)
                    assert not bigger.minterms <= allowed
        assert {p.cube for p in primes} == {p.cube for p in _all_implicants(km)
                                            if not any(p.minterms < q.minterms for q in _all_implicants(km))}
        cover = minimal_cover(km)
        covered = set().union(*(p.minterms for p in cover)) if cover else set()
        assert set(km.minterms) <= covered <= allowed
        assert (len(cover), sum(p.literals for p in cover)) == _brute_min_terms(km), values


def test_wrap_around_groups_split_into_open_pieces():
    corners = Implicant("-0-0", tuple("abcd"))  # minterms 0, 2, 8, 10: the four corners
    assert sorted(corners.minterms) == [0, 2, 8, 10]
    pieces = group_rectangles(corners, 4)
    assert len(pieces) == 4
    for _x, _y, w, h, opens in pieces:
        assert (w, h) == (1.0, 1.0)
        assert sum(opens) == 2  # each corner piece is open towards two edges
    side = group_rectangles(Implicant("---0", tuple("abcd")), 4)  # columns 00 and 10
    assert sorted((x, w) for x, _, w, _, _ in side) == [(0.0, 1.0), (3.0, 1.0)]
    middle = group_rectangles(Implicant("-1-1", tuple("abcd")), 4)
    assert middle == [(1.0, 1.0, 2.0, 2.0, (False, False, False, False))]


def test_draw_kmap_labels_values_and_groups():
    km = KMap.from_minterms([0, 2, 8, 10, 5], "abcd", dont_cares=[7])
    fig, ax = plt.subplots()
    try:
        out = draw_kmap(km, ax=ax)
        assert out is ax
        labels = [t.get_text() for t in ax.texts if t.get_fontsize() == 11 and t.get_text() in ("00", "01", "11", "10")]
        # column then row Gray-code labels, in Gray order
        assert labels == ["00", "01", "11", "10"] * 2
        big = [t.get_text() for t in ax.texts if t.get_fontsize() == 17]
        assert big.count("1") == 5 and big.count("X") == 1 and big.count("0") == 10
        cover = minimal_cover(km)
        assert ax.get_title() == "f = " + kmap.sop_string(cover)
        rounded = [p for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]
        # corners group: 4 pieces, the ~a&b&d pair: 1 piece; fill + edge each
        assert len(rounded) == 2 * (4 + 1)
        ax.clear()
        draw_kmap(km, ax=ax, groups=None)
        assert not [p for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]
        ax.clear()
        draw_kmap(km, ax=ax, groups=["-0-0", [5, 7]])
        assert len([p for p in ax.patches if type(p).__name__ == "FancyBboxPatch"]) == 2 * 5
    finally:
        plt.close(fig)


def test_draw_errors_are_actionable():
    with pytest.raises(KMapError, match="2 to 4 variables"):
        draw_kmap(KMap(tuple("abcde")), ax=None)
    with pytest.raises(KMapError, match="do not form a K-map group"):
        draw_kmap(KMap.from_minterms([0, 5], "abcd"), groups=[[0, 5]])
    with pytest.raises(KMapError, match="0, 1 or 'X'"):
        KMap(("a", "b"), [0, 1, 2, 0])
    with pytest.raises(KMapError, match="out of range"):
        KMap.from_minterms([9], "abc")
    with pytest.raises(KMapError, match="variables"):
        as_kmap([0, 1, 1, 0])


def test_png_is_an_image():
    png = kmap_png(KMap.from_minterms([1, 2], "ab"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000


def test_widget_clicks_toggle_and_update_fast():
    w = kmap_widget(variables=("a", "b", "c"))
    assert w.sop == "0" and len(w.buttons) == 2 and len(w.buttons[0]) == 4
    first_image = w.image.value
    times = []
    for _ in range(3):  # 0 -> 1 -> X -> 0 through the real ipywidgets click path; best of 3 (a busy CI box)
        t0 = time.perf_counter()
        w.buttons[1][1].click()
        times.append(time.perf_counter() - t0)
    assert w.values[5] == 0 and w.sop == "0"
    assert min(times) < 1.0, f"a click took {min(times):.2f} s"
    w.buttons[0][0].click()  # minterm 0
    assert w.values[0] == 1 and w.sop == "~a & ~b & ~c"
    assert w.buttons[0][0].description == "1" and w.image.value != first_image
    w.click(0, 3)  # row a=0, column bc=10: minterm 2, a wrap-around neighbour of minterm 0
    assert w.values[2] == 1 and w.sop == "~a & ~c"
    w.click(1, 0)  # minterm 4
    w.click(1, 3)  # minterm 6
    assert w.sop == "~c"
    w.click(1, 3)  # 6 becomes a don't care: still ~c
    assert w.values[6] == DONT_CARE and w.sop == "~c" and w.buttons[1][3].description == "X"
    w.click(1, 3)  # back to 0
    assert w.values[6] == 0 and w.sop == "(~a & ~c) | (~b & ~c)"
    w.set_values([0] * 8)
    assert w.sop == "0"


def test_widget_from_expression_and_truth_table():
    logic = pytest.importorskip("chiplab.logic")
    e = logic.parse("a & b | ~a & c")
    w = kmap_widget(e)
    assert w.kmap.variables == ("a", "b", "c")
    assert logic.equivalent(logic.parse(w.sop), e)
    km = as_kmap(logic.truth_table(e))
    assert km.minterms == list(logic.truth_table(e).minterms)
    # our minimal cover agrees with chiplab.logic.minimize on the number of literals
    rng = random.Random(5)
    for _ in range(20):
        ones = sorted(rng.sample(range(16), rng.randint(1, 12)))
        ours = minimal_sop(KMap.from_minterms(ones, "abcd"))
        theirs = logic.minimize(logic.from_minterms(ones, list("abcd")))
        assert logic.equivalent(logic.parse(ours), theirs)


def test_variable_names_follow_chiplab_logic_conventions():
    assert KMap.from_minterms([1], "a b c").variables == ("a", "b", "c")
    assert KMap.from_minterms([1], "x, y").variables == ("x", "y")
    assert KMap.from_minterms([1], ["p", "q"]).variables == ("p", "q")
    assert KMap.from_minterms([1], "abc").variables == ("a", "b", "c")
    with pytest.raises(KMapError, match="distinct"):
        KMap(("a", "a"))
    # a list of outputs with its variables named in a string
    km = as_kmap([0, 1, 1, 0], variables="x y")
    assert km.minterms == [1, 2]
    assert minimal_sop(km) == "(x & ~y) | (~x & y)"
