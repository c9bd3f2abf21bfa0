"""State-diagram geometry and drawing (chiplab.fsm) on a Moore and a Mealy example."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.patches import Circle, FancyArrowPatch

from chiplab.errors import DesignError
from chiplab.fsm import FSM, draw_fsm, layout_fsm

# Moore: detects 1011 (overlapping); output written in each state
MOORE_STATES = {"IDLE": "0", "S1": "0", "S10": "0", "S101": "0", "HIT": "1"}
MOORE_TRANSITIONS = [
    ("IDLE", "IDLE", "0"), ("IDLE", "S1", "1"), ("S1", "S1", "1"), ("S1", "S10", "0"),
    ("S10", "S101", "1"), ("S10", "IDLE", "0"), ("S101", "HIT", "1"), ("S101", "S10", "0"),
    ("HIT", "S1", "1"), ("HIT", "S10", "0"),
]
# Mealy: output 1 on the third 1 in a row; labels are input/output
MEALY_TRANSITIONS = [("A", "A", "0/0"), ("A", "B", "1/0"), ("B", "A", "0/0"), ("B", "C", "1/0"),
                     ("C", "A", "0/0"), ("C", "C", "1/1")]


def _dist_to(path: np.ndarray, point) -> np.ndarray:
    return np.hypot(path[:, 0] - point[0], path[:, 1] - point[1])


@pytest.mark.parametrize("layout", ["circle", "line", "grid"])
def test_arrows_start_and_end_on_circles_and_avoid_other_states(layout):
    lay = layout_fsm(MOORE_STATES, MOORE_TRANSITIONS, layout=layout)
    r = lay.radius
    names = list(MOORE_STATES)
    for a in names:
        for b in names:
            if a < b:
                assert math.dist(lay.positions[a], lay.positions[b]) > 3 * r, (a, b)
    non_loops = [e for e in lay.edges if e.kind != "loop"]
    assert len(non_loops) == 8 and len([e for e in lay.edges if e.kind == "loop"]) == 2
    for e in non_loops:
        assert _dist_to(e.path[:1], lay.positions[e.src])[0] == pytest.approx(r, abs=1e-9)
        assert _dist_to(e.path[-1:], lay.positions[e.dst])[0] == pytest.approx(r, abs=1e-9)
        for other in names:
            if other not in (e.src, e.dst):
                assert _dist_to(e.path, lay.positions[other]).min() > r, (layout, e.src, e.dst, other)
    # no label sits inside a state circle, and labels keep apart from each other
    for e in lay.edges:
        for s in names:
            assert math.dist(e.label_xy, lay.positions[s]) > r, (e.src, e.dst, s)
    labels = [e.label_xy for e in lay.edges]
    gaps = [math.dist(a, b) for i, a in enumerate(labels) for b in labels[i + 1:]]
    assert min(gaps) > 0.3, f"{layout}: two labels nearly on top of each other"


def test_two_way_transitions_are_curved_apart():
    lay = layout_fsm(MOORE_STATES, MOORE_TRANSITIONS)
    fwd = next(e for e in lay.edges if (e.src, e.dst) == ("S10", "S101"))
    back = next(e for e in lay.edges if (e.src, e.dst) == ("S101", "S10"))
    assert fwd.kind == back.kind == "curved"
    mid_gap = math.dist(fwd.path[len(fwd.path) // 2], back.path[len(back.path) // 2])
    assert mid_gap > 0.5
    assert math.dist(fwd.label_xy, back.label_xy) > 0.5
    one_way = next(e for e in lay.edges if (e.src, e.dst) == ("IDLE", "S1"))
    assert one_way.kind == "straight"


def test_self_loops_point_away_from_the_diagram():
    lay = layout_fsm(MOORE_STATES, MOORE_TRANSITIONS)
    centroid = np.mean(np.array(list(lay.positions.values())), axis=0)
    for e in (e for e in lay.edges if e.kind == "loop"):
        c = np.array(lay.positions[e.src])
        for end in (e.path[0], e.path[-1]):
            assert math.dist(end, c) == pytest.approx(lay.radius, abs=1e-9)
        apex = e.path[np.argmax(_dist_to(e.path, c))]
        assert math.dist(apex, c) > 1.5 * lay.radius
        assert np.dot(apex - c, c - centroid) > 0, f"loop on {e.src} points into the diagram"


def test_reset_arrow_ends_on_the_reset_state_from_outside():
    lay = layout_fsm(["A", "B", "C"], MEALY_TRANSITIONS)
    tail, head = lay.reset
    assert lay.reset_state == "A"
    assert math.dist(head, lay.positions["A"]) == pytest.approx(lay.radius)
    assert math.dist(tail, lay.positions["A"]) > lay.radius + 0.5
    # the reset arrow and A's self-loop do not leave A in the same direction
    loop = next(e for e in lay.edges if e.kind == "loop" and e.src == "A")
    a = np.array(lay.positions["A"])
    loop_dir = loop.path[len(loop.path) // 2] - a
    reset_dir = np.array(tail) - a
    cosang = np.dot(loop_dir, reset_dir) / np.hypot(*loop_dir) / np.hypot(*reset_dir)
    assert cosang < 0.8
    assert layout_fsm(["A", "B"], [("A", "B")], reset=False).reset is None
    assert layout_fsm(["A", "B"], [("A", "B")], reset="B").reset_state == "B"


def test_bounds_hold_everything():
    lay = layout_fsm(MOORE_STATES, MOORE_TRANSITIONS)
    xmin, xmax, ymin, ymax = lay.bounds()
    pts = np.vstack([e.path for e in lay.edges] + [np.array(list(lay.positions.values()))])
    assert pts[:, 0].min() > xmin and pts[:, 0].max() < xmax
    assert pts[:, 1].min() > ymin and pts[:, 1].max() < ymax


def test_draw_moore_diagram(tmp_path):
    fig = draw_fsm(MOORE_STATES, MOORE_TRANSITIONS, kind="moore", highlight="S10", title="1011 detector")
    ax = fig.axes[0]
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(circles) == 5 + 1  # five states, plus the inner ring of the reset state
    assert len(arrows) == len(MOORE_TRANSITIONS) + 1  # one arrow per (src, dst) pair here, plus reset
    texts = [t.get_text() for t in ax.texts]
    for name in MOORE_STATES:
        assert name in texts
    assert texts.count("1") >= 1 and "reset" in texts
    assert ax.get_title() == "1011 detector"
    highlighted = [c for c in circles if c.get_facecolor()[:3] != circles[-1].get_facecolor()[:3]]
    assert highlighted, "the highlighted state should be filled differently"
    out = tmp_path / "moore.png"
    fig.savefig(out, dpi=60)
    assert out.stat().st_size > 5_000


def test_draw_mealy_diagram_merges_labels(tmp_path):
    trans = MEALY_TRANSITIONS + [("A", "B", "x/0")]
    fig = draw_fsm(["A", "B", "C"], trans, kind="mealy")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "1/0, x/0" in texts and "1/1" in texts
    assert fig.axes[0].get_title() == "Mealy machine"
    fig.savefig(tmp_path / "mealy.png", dpi=60)


def test_errors_name_the_problem():
    with pytest.raises(DesignError, match="unknown state 'Q'"):
        layout_fsm(["A", "B"], [("A", "Q", "1")])
    with pytest.raises(DesignError, match="unique"):
        layout_fsm(["A", "A"], [])
    with pytest.raises(DesignError, match="unknown layout"):
        layout_fsm(["A"], [], layout="spiral")
    with pytest.raises(DesignError, match="reset state"):
        layout_fsm(["A"], [], reset="Z")
    with pytest.raises(DesignError, match="kind"):
        draw_fsm(["A"], [], kind="moorish")


def test_fsm_table_runs_like_hardware_and_draws():
    table = {
        "IDLE": {0: ("IDLE", None), 1: ("S1", None)},
        "S1": {0: ("S10", None), 1: ("S1", None)},
        "S10": {0: ("IDLE", None), 1: ("S101", None)},
        "S101": {0: ("S10", None), 1: ("HIT", None)},
        "HIT": {0: ("S10", None), 1: ("S1", None)},
    }
    det = FSM(table, reset="IDLE", moore_outputs={s: int(s == "HIT") for s in table})
    bits = [1, 0, 1, 1, 0, 1, 1, 1]
    states, outs = det.run(bits)
    assert states[:5] == ["IDLE", "S1", "S10", "S101", "HIT"]
    # Moore: found is 1 in the cycle after the last bit of 1011 was clocked in, overlap allowed
    assert outs == [0, 0, 0, 0, 1, 0, 0, 1]
    assert det.kind == "moore" and len(det.transitions()) == 10
    fig = det.draw()
    assert len([p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]) == 11

    mealy = FSM({"A": {0: ("A", 0), 1: ("B", 1)}, "B": {0: ("A", 1), 1: ("B", 0)}}, reset="A")
    assert mealy.run([1, 1, 0])[1] == [1, 0, 1]
    assert ("A", "B", "1/1") in mealy.transitions()
    with pytest.raises(DesignError, match="no transition"):
        mealy.run([2])
    with pytest.raises(DesignError, match="unknown state"):
        FSM({"A": {0: ("Z", 0)}}, reset="A")
