"""State diagrams of Moore and Mealy finite-state machines, drawn with matplotlib.

``draw_fsm(states, transitions)`` draws circles for states, labelled arrows for transitions (curved
apart when two states point at each other, bent around any state in the way), self-loops that point
away from the rest of the diagram, and a reset arrow into the reset state::

    from chiplab.fsm import draw_fsm
    draw_fsm({"IDLE": "0", "SEEN1": "0", "HIT": "1"},          # Moore: state -> output
             [("IDLE", "SEEN1", "1"), ("IDLE", "IDLE", "0"), ...], kind="moore")

All placement is done by :func:`layout_fsm`, which returns plain coordinates (no matplotlib), so the
geometry can be checked and reused. :class:`FSM` keeps a transition table that can be stepped in
Python (a golden model for a testbench) and drawn.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chiplab.errors import DesignError

__all__ = ["FSM", "Edge", "FsmLayout", "draw_fsm", "layout_fsm"]

#: radius of a state circle, in diagram units
NODE_RADIUS = 0.55
#: centre-to-centre distance between neighbouring states
SPACING = 2.6

Point = tuple[float, float]


@dataclass
class Edge:
    """One drawn arrow: all transitions from ``src`` to ``dst`` share it (labels joined)."""

    src: str
    dst: str
    label: str
    kind: str  # "straight", "curved" or "loop"
    path: np.ndarray  # (N, 2) points from the source circle's edge to the target circle's edge
    label_xy: Point


@dataclass
class FsmLayout:
    """Where everything of a state diagram goes, in diagram units."""

    positions: dict[str, Point]
    radius: float
    edges: list[Edge]
    reset: tuple[Point, Point] | None  # (tail, head) of the reset arrow
    reset_state: str | None
    extra_points: list[Point] = field(default_factory=list)

    def bounds(self, margin: float = 0.35) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) holding every circle, arrow and label, plus ``margin``."""
        pts = [np.asarray(p) for p in self.positions.values()]
        pts += [e.path for e in self.edges] + [np.asarray(e.label_xy) for e in self.edges]
        if self.reset:
            pts += [np.asarray(self.reset[0])]
        pts += [np.asarray(p) for p in self.extra_points]
        allp = np.vstack([np.atleast_2d(p) for p in pts])
        r = self.radius + margin
        return (float(allp[:, 0].min() - r), float(allp[:, 0].max() + r),
                float(allp[:, 1].min() - r), float(allp[:, 1].max() + r))


# ---- reading the arguments -------------------------------------------------------------------------

def _states(states: Sequence[str] | Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    if isinstance(states, Mapping):
        names = [str(s) for s in states]
        outputs = {str(k): str(v) for k, v in states.items() if v is not None}
    else:
        names = [str(s) for s in states]
        outputs = {}
    if not names:
        raise DesignError("an FSM needs at least one state", hint="pass a list of state names")
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise DesignError(f"state names must be unique; repeated: {dup}")
    return names, outputs


def _transitions(transitions: Iterable[Sequence[Any]] | Mapping[tuple[str, str], Any],
                 names: list[str]) -> dict[tuple[str, str], str]:
    """Merge transitions into one label per (src, dst) pair, keeping first-seen order."""
    items: Iterable[Sequence[Any]]
    if isinstance(transitions, Mapping):
        items = [(k[0], k[1], v) for k, v in transitions.items()]
    else:
        items = transitions
    merged: dict[tuple[str, str], list[str]] = {}
    known = set(names)
    for t in items:
        t = tuple(t)
        if len(t) not in (2, 3):
            raise DesignError(f"a transition is (source, target) or (source, target, label); got {t!r}")
        src, dst = str(t[0]), str(t[1])
        label = "" if len(t) == 2 or t[2] is None else str(t[2])
        for s in (src, dst):
            if s not in known:
                raise DesignError(f"transition {src} -> {dst} names an unknown state {s!r}",
                                  hint=f"the states are {names}")
        labels = merged.setdefault((src, dst), [])
        if label and label not in labels:
            labels.append(label)
    return {k: ", ".join(v) for k, v in merged.items()}


# ---- placement ---------------------------------------------------------------------------------------

def _place(names: list[str], layout: str, positions: Mapping[str, Sequence[float]] | None,
           spacing: float) -> dict[str, Point]:
    n = len(names)
    if positions is not None:
        missing = [s for s in names if s not in positions]
        if missing:
            raise DesignError(f"positions given for some states but not for {missing}")
        return {s: (float(positions[s][0]) * spacing, float(positions[s][1]) * spacing) for s in names}
    if layout == "circle":
        if n == 1:
            return {names[0]: (0.0, 0.0)}
        radius = spacing / (2 * math.sin(math.pi / n))
        # first state (usually the reset state) on the left, the others clockwise
        return {s: (radius * math.cos(math.pi - 2 * math.pi * i / n),
                    radius * math.sin(math.pi - 2 * math.pi * i / n)) for i, s in enumerate(names)}
    if layout == "line":
        return {s: (i * spacing, 0.0) for i, s in enumerate(names)}
    if layout == "grid":
        cols = math.ceil(math.sqrt(n))
        return {s: ((i % cols) * spacing, -(i // cols) * spacing) for i, s in enumerate(names)}
    raise DesignError(f"unknown layout {layout!r}", hint="use 'circle', 'line', 'grid' or give positions")


def _bezier(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, n: int = 40) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2


def _cubic(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, p3: np.ndarray, n: int = 40) -> np.ndarray:
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t ** 2 * p2 + t ** 3 * p3


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.hypot(*v))
    return v / n if n > 0 else np.array([1.0, 0.0])


def _clearance(path: np.ndarray, centers: list[np.ndarray]) -> float:
    """Smallest distance from the path to any of the given centres (inf when none)."""
    if not centers:
        return math.inf
    c = np.vstack(centers)
    d = np.hypot(path[:, None, 0] - c[None, :, 0], path[:, None, 1] - c[None, :, 1])
    return float(d.min())


def _free_direction(center: np.ndarray, used: list[float], preferred: float) -> float:
    """An angle (radians) pointing out of a state, as far as possible from the ``used`` directions."""
    candidates = [preferred + k * math.pi / 12 for k in range(24)]

    def gap(a: float) -> float:
        if not used:
            return math.pi
        return min(abs((a - u + math.pi) % (2 * math.pi) - math.pi) for u in used)

    def off(a: float) -> float:
        return abs((a - preferred + math.pi) % (2 * math.pi) - math.pi)

    # closest to the preferred direction among those clear of every arrow by 50 degrees, else the widest gap
    clear = [a for a in candidates if gap(a) >= math.radians(50)]
    if clear:
        return min(clear, key=off)
    return max(candidates, key=lambda a: (round(gap(a), 2), -off(a)))


def layout_fsm(
    states: Sequence[str] | Mapping[str, Any],
    transitions: Iterable[Sequence[Any]] | Mapping[tuple[str, str], Any],
    *,
    reset: str | None | bool = True,
    layout: str = "circle",
    positions: Mapping[str, Sequence[float]] | None = None,
    radius: float = NODE_RADIUS,
    spacing: float = SPACING,
) -> FsmLayout:
    """Place the states and route every arrow of a state diagram; returns plain coordinates.

    ``reset``: the reset state's name, ``True`` for the first state, ``False``/``None`` for no reset arrow.
    ``layout``: ``"circle"`` (default), ``"line"`` or ``"grid"``; or ``positions`` {state: (x, y)} in
    units of ``spacing``.
    """
    names, _ = _states(states)
    merged = _transitions(transitions, names)
    pos = _place(names, layout, positions, spacing)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if math.dist(pos[a], pos[b]) < 2 * radius:
                raise DesignError(f"states {a!r} and {b!r} overlap at the given positions")
    c = {s: np.asarray(p, dtype=float) for s, p in pos.items()}
    centroid = np.mean(np.vstack(list(c.values())), axis=0)

    edges: list[Edge] = []
    directions: dict[str, list[float]] = {s: [] for s in names}
    label_offset = 0.28
    for (src, dst), label in merged.items():
        if src == dst:
            continue
        p0, p2 = c[src], c[dst]
        d = p2 - p0
        length = float(np.hypot(*d))
        normal = np.array([d[1], -d[0]]) / length  # to the right of the direction of travel
        others = [c[s] for s in names if s not in (src, dst)]
        bend = 0.18 if (dst, src) in merged else 0.0
        # bend further (to the right, then the left) until the arrow clears every other state
        tries = [bend] + [bend + k * 0.12 for k in range(1, 8)] + [-(0.12 * k) for k in range(1, 8)]
        for b in tries:
            ctrl = (p0 + p2) / 2 + b * 2 * length * normal
            start = p0 + radius * _unit(ctrl - p0)
            end = p2 + radius * _unit(ctrl - p2)
            path = _bezier(start, ctrl, end) if b else np.linspace(start, end, 40)
            if _clearance(path, others) > radius * 1.25:
                break
        mid = path[len(path) // 2]
        side = normal if b >= 0 else -normal
        label_xy = mid + (label_offset if b else 0.22) * side
        directions[src].append(math.atan2(*(path[1] - c[src])[::-1]))
        directions[dst].append(math.atan2(*(path[-2] - c[dst])[::-1]))
        edges.append(Edge(src, dst, label, "curved" if b else "straight", path, (float(label_xy[0]),
                                                                                  float(label_xy[1]))))

    reset_state = names[0] if reset is True else (reset or None)
    if reset_state is not None and reset_state not in c:
        raise DesignError(f"reset state {reset_state!r} is not one of the states {names}")

    # reset arrow first (it prefers the outside-left), then self-loops in the widest free gap
    reset_arrow = None
    if reset_state is not None:
        ctr = c[reset_state]
        away = ctr - centroid
        pref = math.atan2(away[1], away[0]) if np.hypot(*away) > 1e-9 else math.pi
        a = _free_direction(ctr, directions[reset_state], pref)
        u = np.array([math.cos(a), math.sin(a)])
        reset_arrow = (tuple(map(float, ctr + (radius + 0.9) * u)), tuple(map(float, ctr + radius * u)))
        directions[reset_state].append(a)

    for (src, dst), label in merged.items():
        if src != dst:
            continue
        ctr = c[src]
        away = ctr - centroid
        pref = math.atan2(away[1], away[0]) if np.hypot(*away) > 1e-9 else math.pi / 2
        a = _free_direction(ctr, directions[src], pref)
        directions[src].append(a)
        spread = math.radians(24)
        p_start = ctr + radius * np.array([math.cos(a - spread), math.sin(a - spread)])
        p_end = ctr + radius * np.array([math.cos(a + spread), math.sin(a + spread)])
        h1 = ctr + radius * 3.0 * np.array([math.cos(a - spread * 1.5), math.sin(a - spread * 1.5)])
        h2 = ctr + radius * 3.0 * np.array([math.cos(a + spread * 1.5), math.sin(a + spread * 1.5)])
        path = _cubic(p_start, h1, h2, p_end)
        u = np.array([math.cos(a), math.sin(a)])
        apex = ctr + u * float(np.max((path - ctr) @ u))
        label_xy = apex + u * 0.28
        edges.append(Edge(src, dst, label, "loop", path, (float(label_xy[0]), float(label_xy[1]))))

    _place_labels(edges, c, radius, reset_arrow)
    return FsmLayout(pos, radius, edges, reset_arrow, reset_state)


def _place_labels(edges: list[Edge], centers: dict[str, np.ndarray], radius: float,
                  reset_arrow: tuple[Point, Point] | None) -> None:
    """Move each arrow's label along its arrow (and for a straight one, to either side) to where it is
    clearest of the other arrows, the states and the labels placed before it."""
    placed: list[np.ndarray] = [np.asarray(e.label_xy) for e in edges if e.kind == "loop"]
    obstacles = {id(e): e.path for e in edges}
    if reset_arrow is not None:
        obstacles[-1] = np.linspace(reset_arrow[0], reset_arrow[1], 10)
    node_pts = np.vstack(list(centers.values()))
    for e in edges:
        if e.kind == "loop":
            continue
        others = np.vstack([p for k, p in obstacles.items() if k != id(e)]) if len(obstacles) > 1 else None
        first = np.asarray(e.label_xy)
        mid = e.path[len(e.path) // 2]
        side0 = _unit(first - mid)
        best, best_score = first, -math.inf
        for frac in (0.5, 0.4, 0.6, 0.32, 0.68):
            i = int(round(frac * (len(e.path) - 1)))
            tangent = _unit(e.path[min(i + 1, len(e.path) - 1)] - e.path[max(i - 1, 0)])
            normal = np.array([tangent[1], -tangent[0]])
            if np.dot(normal, side0) < 0:
                normal = -normal
            for side in ((1.0,) if e.kind == "curved" else (1.0, -1.0)):
                xy = e.path[i] + side * 0.26 * normal
                score = float(np.min(np.hypot(*(node_pts - xy).T)) - radius)
                if others is not None:
                    score = min(score, float(np.min(np.hypot(*(others - xy).T))))
                if placed:
                    score = min(score, float(np.min(np.hypot(*(np.vstack(placed) - xy).T))) - 0.25)
                if score >= 0.3:
                    best, best_score = xy, score
                    break
                if score > best_score:
                    best, best_score = xy, score
            if best_score >= 0.3:
                break
        e.label_xy = (float(best[0]), float(best[1]))
        placed.append(best)


# ---- drawing -----------------------------------------------------------------------------------------

def draw_fsm(
    states: Sequence[str] | Mapping[str, Any],
    transitions: Iterable[Sequence[Any]] | Mapping[tuple[str, str], Any],
    *,
    kind: str = "moore",
    reset: str | None | bool = True,
    reset_label: str = "reset",
    layout: str = "circle",
    positions: Mapping[str, Sequence[float]] | None = None,
    highlight: str | Iterable[str] | None = None,
    title: str | None = None,
    ax: Any = None,
    scale: float = 0.85,
) -> Any:
    """Draw a state diagram and return the matplotlib Figure (shown once in a notebook).

    ``states``: a list of state names, or for a Moore machine a dict {state: output}; the output is
    written in the circle under the name. ``transitions``: (source, target, label) tuples, or a dict
    {(source, target): label}; labels of the same pair are joined. Labels are ``"input"`` for a Moore
    machine and ``"input/output"`` for a Mealy machine (``kind="mealy"``; written as given).
    ``highlight``: state(s) to fill in colour (e.g. the current state). ``ax``: draw into these axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyArrowPatch
    from matplotlib.path import Path as MplPath

    if kind not in ("moore", "mealy"):
        raise DesignError(f"kind must be 'moore' or 'mealy', not {kind!r}")
    names, outputs = _states(states)
    lay = layout_fsm(states, transitions, reset=reset, layout=layout, positions=positions)
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    unknown = marked - set(names)
    if unknown:
        raise DesignError(f"highlight names unknown state(s) {sorted(unknown)}")

    xmin, xmax, ymin, ymax = lay.bounds()
    if ax is None:
        fig, ax = plt.subplots(figsize=(min(11.0, (xmax - xmin) * scale), min(9.0, (ymax - ymin) * scale)))
        plt.close(fig)  # the returned Figure is displayed once, not again by pyplot
    else:
        fig = ax.figure
    r = lay.radius
    for s in names:
        x, y = lay.positions[s]
        fill = "#ffd54f" if s in marked else "#e3f2fd"
        ax.add_patch(Circle((x, y), r, facecolor=fill, edgecolor="#1a237e", lw=1.6, zorder=3))
        if s == lay.reset_state:  # a double ring marks the reset state
            ax.add_patch(Circle((x, y), r * 0.86, facecolor="none", edgecolor="#1a237e", lw=0.8, zorder=4))
        size = 10.0 if len(s) <= 4 else max(6.0, 42.0 / len(s))
        if kind == "moore" and s in outputs:
            ax.text(x, y + 0.14, s, ha="center", va="center", fontsize=size, weight="bold", zorder=5)
            ax.plot([x - r * 0.7, x + r * 0.7], [y - 0.02, y - 0.02], color="#1a237e", lw=0.8, zorder=5)
            ax.text(x, y - 0.2, outputs[s], ha="center", va="center", fontsize=9, color="#b71c1c", zorder=5)
        else:
            ax.text(x, y, s, ha="center", va="center", fontsize=size, weight="bold", zorder=5)

    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    for e in lay.edges:
        arrow = FancyArrowPatch(path=MplPath(e.path), arrowstyle="-|>", mutation_scale=14, lw=1.3,
                                color="#37474f", zorder=2, shrinkA=0, shrinkB=0)
        ax.add_patch(arrow)
        if e.label:
            ax.text(*e.label_xy, e.label, ha="center", va="center", fontsize=9, color="#0d47a1",
                    bbox=box, zorder=6)
    if lay.reset:
        tail, head = lay.reset
        ax.add_patch(FancyArrowPatch(tail, head, arrowstyle="-|>", mutation_scale=14, lw=1.6,
                                     color="#2e7d32", zorder=2, shrinkA=0, shrinkB=0))
        if reset_label:
            ax.text(*tail, reset_label, ha="center", va="center", fontsize=9, color="#2e7d32",
                    bbox=box, zorder=6)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        title = f"{'Moore' if kind == 'moore' else 'Mealy'} machine"
    if title:
        ax.set_title(title)
    return fig


# ---- a transition table that can be stepped and drawn ---------------------------------------------

@dataclass
class FSM:
    """A finite-state machine as a table: ``table[state][input] = (next_state, output)``.

    For a Moore machine give ``moore_outputs`` {state: output} and leave the table's outputs ``None``;
    for a Mealy machine the output is the table's. ``run(inputs)`` steps it like hardware would,
    starting from ``reset``, and returns the output seen in each cycle.
    """

    table: dict[str, dict[Any, tuple[str, Any]]]
    reset: str
    moore_outputs: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.reset not in self.table:
            raise DesignError(f"reset state {self.reset!r} is not in the table")
        for s, row in self.table.items():
            for i, (nxt, _) in row.items():
                if nxt not in self.table:
                    raise DesignError(f"state {s!r} on input {i!r} goes to unknown state {nxt!r}")
        if self.moore_outputs is not None:
            missing = set(self.table) - set(self.moore_outputs)
            if missing:
                raise DesignError(f"Moore outputs missing for states {sorted(missing)}")

    @property
    def kind(self) -> str:
        return "moore" if self.moore_outputs is not None else "mealy"

    @property
    def states(self) -> list[str]:
        return list(self.table)

    def step(self, state: str, inp: Any) -> tuple[str, Any]:
        """(next state, output in this cycle) for one input in ``state``."""
        try:
            nxt, out = self.table[state][inp]
        except KeyError:
            raise DesignError(f"state {state!r} has no transition for input {inp!r}") from None
        return nxt, (self.moore_outputs[state] if self.moore_outputs is not None else out)

    def run(self, inputs: Iterable[Any]) -> tuple[list[str], list[Any]]:
        """States and outputs, one per input, cycle by cycle from reset."""
        state, states, outs = self.reset, [], []
        for i in inputs:
            states.append(state)
            state, out = self.step(state, i)
            outs.append(out)
        return states, outs

    def transitions(self) -> list[tuple[str, str, str]]:
        """(source, target, label) for :func:`draw_fsm`: ``"in"`` (Moore) or ``"in/out"`` (Mealy)."""
        result = []
        for s, row in self.table.items():
            for i, (nxt, out) in row.items():
                result.append((s, nxt, str(i) if self.kind == "moore" else f"{i}/{out}"))
        return result

    def draw(self, **kwargs: Any) -> Any:
        """The state diagram (see :func:`draw_fsm` for the keyword arguments)."""
        states: Any = self.moore_outputs if self.kind == "moore" else self.states
        kwargs.setdefault("reset", self.reset)
        return draw_fsm(states, self.transitions(), kind=self.kind, **kwargs)
