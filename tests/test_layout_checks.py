"""autograder.layout_checks: the lab09 helpers build real layouts, run the real DRC and catch opens and shorts."""

from __future__ import annotations

import pytest

from autograder import layout_checks as lc
from autograder.checks import fresh

WIRE_PINS = [[("met1", 0.1, 0.07), ("met1", 2.9, 0.07)], [("met1", 0.1, 0.4), ("met1", 2.9, 0.4)]]
CLOSE = {"a": ("met1", 0.0, 0.0, 3.0, 0.14), "b": ("met1", 0.0, 0.24, 3.0, 0.50)}
APART = {"a": ("met1", 0.0, 0.0, 3.0, 0.14), "b": ("met1", 0.0, 0.28, 3.0, 0.50)}
VIA_STACK = {
    "m1": ("met1", -2.0, -0.055, 0.235, 0.205),
    "v": ("via", 0.0, 0.0, 0.15, 0.15),
    "m2": ("met2", -0.085, -0.055, 0.235, 2.0),
}


def test_build_writes_sky130_layers_on_a_1nm_grid():
    ly = lc.build({"w": ("met1", 0.0, 0.0, 2.003, 0.142)})
    assert ly.dbu == pytest.approx(0.001)
    index = ly.find_layer(68, 20)
    assert index is not None
    box = next(iter(ly.top_cells()[0].shapes(index).each())).bbox()
    assert (box.right, box.top) == (2003, 142)


@pytest.mark.parametrize(
    ("shapes", "rule"),
    [
        ({"w": ("li1", 0.0, 0.0, 2.0, 0.12)}, "li.1"),
        (CLOSE, "m1.2"),
        ({"w": ("met1", 0.0, 0.0, 2.003, 0.142)}, "x.1b"),
        ({**VIA_STACK, "m1": ("met1", -2.0, -0.04, 0.19, 0.19)}, "via.4a"),
    ],
)
def test_seeded_violations_are_found(shapes, rule):
    assert rule in lc.drc(shapes).by_rule()


def test_clean_layouts_pass():
    assert lc.drc(APART).ok
    assert lc.drc(VIA_STACK).ok


def test_nets_join_through_cuts_only_where_they_overlap_both_metals():
    assert len(lc.nets(VIA_STACK)) == 1
    lifted = {**VIA_STACK, "v": ("via", 0.0, 1.0, 0.15, 1.15)}  # the via over met2 only
    assert len(lc.nets(lifted)) == 2
    assert len(lc.nets(APART)) == 2
    touching = {"a": ("met1", 0, 0, 1, 0.14), "b": ("met1", 1, 0, 2, 0.14)}  # abutting boxes connect
    assert len(lc.nets(touching)) == 1


def test_net_at_finds_the_shape_under_a_pin():
    assert lc.net_at(APART, "met1", 0.1, 0.4) == {"b"}
    assert lc.net_at(APART, "met2", 0.1, 0.4) is None
    assert lc.net_at(APART, "met1", 0.1, 0.2) is None


def test_check_part_accepts_the_fix():
    lc.check_part(APART, WIRE_PINS)
    lc.check_part(VIA_STACK, [[("met1", -1.9, 0.07), ("met2", 0.075, 1.9)]])


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        (CLOSE, "DRC still finds"),
        ({"a": APART["a"]}, "nothing on met1 covers"),  # wire b deleted
        ({"a": APART["a"], "b": ("met1", 0.0, 0.10, 3.0, 0.50)}, "short"),  # merged
        ({**APART, "b": ("met1", 0.0, 0.28, 1.0, 0.50), "b2": ("met1", 2.0, 0.28, 3.0, 0.50)}, "open"),
    ],
)
def test_check_part_rejects_violations_opens_and_shorts(shapes, message):
    with pytest.raises(lc.LayoutAnswerError, match=message):
        lc.check_part(shapes, WIRE_PINS)


def test_via_with_only_the_all_round_enclosure_fails_via_5a():
    shapes = {**VIA_STACK, "m1": ("met1", -2.0, -0.055, 0.205, 0.205)}
    assert lc.drc(shapes, ["via.4a"]).ok
    with pytest.raises(lc.LayoutAnswerError, match="via.5a"):
        lc.check_part(shapes, [[("met1", -1.9, 0.07), ("met2", 0.075, 1.9)]])


@pytest.mark.parametrize(
    "bad",
    [
        [("met1", 0, 0, 1, 1)],
        {"w": ("met9", 0, 0, 1, 1)},
        {"w": ("met1", 0, 0, 1)},
        {"w": ("met1", 1, 0, 0, 1)},
        {"w": ("met1", "0", 0, 1, 1)},
        {"w": ("met1", True, 0, 1, 1)},
    ],
)
def test_unreadable_layouts_give_a_clear_error(bad):
    with pytest.raises(lc.LayoutAnswerError):
        lc.drc(bad)


def test_sites_from_the_cell_lefs():
    assert lc.sites("inv_1") == 3
    assert lc.sites("nand2_1") == 3
    assert lc.sites("dfxtp_1") == 16


def test_fresh_copy_is_independent():
    mod = fresh("autograder.layout_checks")
    assert mod is not lc
    assert mod.sites("dfxtp_1") == 16
