"""Placement by simulated annealing on the site grid.

The state is always legal: every cell sits on a row, on whole sites, with no overlap. A move picks a
cell and a random spot within a window around it; the move is taken if the spot is free (or holds one
cell of the same width, which swaps places). The cost is the total half-perimeter wirelength (HPWL)
of the nets, measured at the pins. A worse move is still accepted with probability exp(-delta / T);
T falls stage by stage and the window shrinks as fewer moves are accepted (as in TimberWolf).
``history`` keeps one entry per temperature stage, so a notebook can plot the cost going down.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from chiplab.pnr.floorplan import Floorplan
from chiplab.pnr.lefdef import ROW_H, SITE_W, Macro, Netlist, macro

TAP = -2
FREE = -1


@dataclass
class Placement:
    rows: list[int]  # row of each instance
    sites: list[int]  # first site of each instance
    history: list[dict] = field(default_factory=list)  # per stage: stage, T, cost_um, accept, window


def pin_offset(m: Macro, pin: str) -> tuple[int, int]:
    """Centre of a pin's shapes, in cell coordinates (DBU)."""
    rects = [r for rs in m.pins[pin].rects.values() for r in rs]
    if not rects:
        return m.width // 2, m.height // 2
    x0 = min(r[0] for r in rects)
    x1 = max(r[2] for r in rects)
    y0 = min(r[1] for r in rects)
    y1 = max(r[3] for r in rects)
    return (x0 + x1) // 2, (y0 + y1) // 2


class Annealer:
    """Simulated-annealing placer over a floorplan; ``run`` returns the Placement."""

    def __init__(self, netlist: Netlist, fp: Floorplan, seed: int = 1) -> None:
        self.nl, self.fp = netlist, fp
        self.rng = random.Random(seed)
        self.macros = [macro(i.cell) for i in netlist.instances]
        self.width = [m.sites for m in self.macros]
        index = {inst.name: k for k, inst in enumerate(netlist.instances)}
        self.net_names = [n for n, conns in netlist.nets.items() if len(conns) >= 2]
        self.netpins: list[list[tuple[int, int, int, int]]] = []
        self.netfixed: list[list[tuple[int, int]]] = []
        self.cellnets: list[list[int]] = [[] for _ in netlist.instances]
        for k, n in enumerate(self.net_names):
            pins, fixed = [], []
            for inst, pin in netlist.nets[n]:
                if inst == "PIN":
                    fixed.append((inst, pin))
                    continue
                c = index[inst]
                ox, oy = pin_offset(self.macros[c], pin)
                pins.append((c, ox, oy, ROW_H - oy))
                if k not in self.cellnets[c]:
                    self.cellnets[c].append(k)
            self.netpins.append(pins)
            self.netfixed.append([])
        self._update_fixed()
        self.occ = [[FREE] * fp.nsites for _ in range(fp.nrows)]
        for r, s in fp.taps:
            self.occ[r][s] = TAP
        self.row = [0] * len(self.macros)
        self.site = [0] * len(self.macros)
        self.history: list[dict] = []

    def _update_fixed(self) -> None:
        for k, n in enumerate(self.net_names):
            pts = []
            for inst, pin in self.nl.nets[n]:
                if inst == "PIN":
                    p = self.fp.pins[pin]
                    r = self.fp.pin_rect(p)
                    pts.append(((r[0] + r[2]) // 2, r[3] if not p.top else r[1]))
            self.netfixed[k] = pts

    # ---- geometry
    def hpwl(self, k: int) -> int:
        cx0, cy0 = self.fp.core_x0, self.fp.core_y0
        xs, ys = [], []
        row, site = self.row, self.site
        for c, ox, oyn, oyf in self.netpins[k]:
            r = row[c]
            xs.append(cx0 + site[c] * SITE_W + ox)
            ys.append(cy0 + r * ROW_H + (oyn if r % 2 == 0 else oyf))
        for x, y in self.netfixed[k]:
            xs.append(x)
            ys.append(y)
        if len(xs) < 2:
            return 0
        return max(xs) - min(xs) + max(ys) - min(ys)

    def total(self) -> int:
        return sum(self.hpwl(k) for k in range(len(self.net_names)))

    def _fits(self, r: int, s: int, w: int, c: int) -> bool:
        if s < 0 or s + w > self.fp.nsites:
            return False
        occ = self.occ[r]
        return all(occ[t] == FREE or occ[t] == c for t in range(s, s + w))

    def _put(self, c: int, r: int, s: int) -> None:
        self.row[c], self.site[c] = r, s
        occ = self.occ[r]
        for t in range(s, s + self.width[c]):
            occ[t] = c

    def _lift(self, c: int) -> None:
        occ = self.occ[self.row[c]]
        for t in range(self.site[c], self.site[c] + self.width[c]):
            occ[t] = FREE

    def initial(self) -> None:
        """Random legal start: cells (widest first) dropped at random free spots."""
        order = sorted(range(len(self.macros)), key=lambda c: -self.width[c])
        for c in order:
            w = self.width[c]
            for _ in range(200):
                r = self.rng.randrange(self.fp.nrows)
                s = self.rng.randrange(self.fp.nsites - w + 1)
                if self._fits(r, s, w, -9):
                    self._put(c, r, s)
                    break
            else:  # scan
                for r in range(self.fp.nrows):
                    s = next((s for s in range(self.fp.nsites - w + 1) if self._fits(r, s, w, -9)), None)
                    if s is not None:
                        self._put(c, r, s)
                        break
                else:
                    from chiplab.errors import FlowError  # noqa: PLC0415

                    raise FlowError("place", "the cells do not fit in the rows (fragmented free space)",
                                    hint="lower the utilization")

    # ---- annealing
    def _try(self, c: int, wr: int, ws: int, temp: float) -> tuple[bool, int]:
        rng = self.rng
        w = self.width[c]
        r0, s0 = self.row[c], self.site[c]
        r1 = min(self.fp.nrows - 1, max(0, r0 + rng.randint(-wr, wr)))
        s1 = min(self.fp.nsites - w, max(0, s0 + rng.randint(-ws, ws)))
        if r1 == r0 and s1 == s0:
            return False, 0
        occ = self.occ[r1]
        d = -1
        if not self._fits(r1, s1, w, c):
            d = occ[s1]
            if d < 0 or self.width[d] != w or self.site[d] != s1 or d == c:
                return False, 0
        nets = self.cellnets[c] if d < 0 else list(set(self.cellnets[c]) | set(self.cellnets[d]))
        before = sum(self.cost[k] for k in nets)
        self._lift(c)
        if d >= 0:
            self._lift(d)
            self._put(d, r0, s0)
        self._put(c, r1, s1)
        after_k = [self.hpwl(k) for k in nets]
        delta = sum(after_k) - before
        if delta <= 0 or (temp > 0 and rng.random() < math.exp(-delta / temp)):
            for k, v in zip(nets, after_k):
                self.cost[k] = v
            return True, delta
        self._lift(c)
        if d >= 0:
            self._lift(d)
            self._put(d, r1, s1)
        self._put(c, r0, s0)
        return False, 0

    def anneal(self, effort: float = 1.0, t_start: float | None = None, max_stages: int = 80,
               on_stage: Callable[[dict], None] | None = None) -> None:
        n = len(self.macros)
        self.cost = [self.hpwl(k) for k in range(len(self.net_names))]
        if n < 2:
            return
        moves = max(100, int(12 * n * effort))
        wr, ws = self.fp.nrows, self.fp.nsites
        if t_start is None:  # the average uphill step of random moves, so most moves pass at first
            ups = []
            for _ in range(min(400, 4 * n)):
                c = self.rng.randrange(n)
                ok, d = self._try(c, wr, ws, float("inf"))
                if ok and d > 0:
                    ups.append(d)
            t_start = 2.0 * (sum(ups) / len(ups)) if ups else 1000.0
        temp = t_start
        cost = sum(self.cost)
        stage0 = len(self.history)
        for stage in range(max_stages):
            acc = 0
            for _ in range(moves):
                ok, d = self._try(self.rng.randrange(n), wr, ws, temp)
                if ok:
                    acc += 1
                    cost += d
            rate = acc / moves
            entry = {"stage": stage0 + stage, "T": temp, "cost_um": cost / 1000, "accept": rate,
                     "window_rows": wr, "window_sites": ws}
            self.history.append(entry)
            if on_stage:
                on_stage(entry)
            scale = min(1.0, max(0.3, 0.56 + rate))
            wr = max(1, min(self.fp.nrows, round(wr * scale)))
            ws = max(6, min(self.fp.nsites, round(ws * scale)))
            temp *= 0.85 if rate > 0.3 else 0.92
            if rate < 0.005 and stage > 5:
                break
        # greedy clean-up at T = 0
        for _ in range(moves):
            ok, d = self._try(self.rng.randrange(n), 2, 12, 0.0)

    def assign_pins(self) -> None:
        """Move each I/O pin to the free edge slot nearest to the cells its net reaches."""
        fp = self.fp
        slots = fp.pin_slots()
        mid = fp.core_y0 + fp.nrows * ROW_H // 2
        want = []
        for name, p in fp.pins.items():
            xs, ys = [], []
            for k, n in enumerate(self.net_names):
                if ("PIN", name) in self.nl.nets[n]:
                    for c, ox, oyn, oyf in self.netpins[k]:
                        r = self.row[c]
                        xs.append(fp.core_x0 + self.site[c] * SITE_W + ox)
                        ys.append(fp.core_y0 + r * ROW_H + (oyn if r % 2 == 0 else oyf))
            if xs:
                want.append((sum(xs) / len(xs), sum(ys) / len(ys) > mid, name))
            else:
                want.append((fp.col_x(p.col), p.top, name))
        free = {False: set(slots), True: set(slots)}
        for x, top, name in sorted(want):
            side = top if free[top] else (not top)
            col = min(free[side], key=lambda s: abs(fp.col_x(s) - x))
            free[side].discard(col)
            fp.pins[name].col, fp.pins[name].top = col, side
        self._update_fixed()

    def run(self, effort: float = 1.0, on_stage: Callable[[dict], None] | None = None) -> Placement:
        self.initial()
        self.anneal(effort, on_stage=on_stage)
        self.assign_pins()
        t_low = self.history[-1]["T"] * 3 if self.history else None
        self.anneal(effort * 0.5, t_start=t_low, max_stages=20, on_stage=on_stage)
        return Placement(list(self.row), list(self.site), self.history)


def place(netlist: Netlist, fp: Floorplan, seed: int = 1, effort: float = 1.0,
          on_stage: Callable[[dict], None] | None = None) -> Placement:
    """Place the netlist's cells in the floorplan's rows (legal by construction); may move I/O pins."""
    return Annealer(netlist, fp, seed).run(effort, on_stage)


FILLERS = [("decap_12", 12), ("decap_8", 8), ("decap_6", 6), ("decap_4", 4), ("decap_3", 3),
           ("fill_2", 2), ("fill_1", 1)]


def fillers(fp: Floorplan, occupied: list[list[bool]]) -> list[tuple[str, int, int]]:
    """(cell, row, site) of decap/filler cells covering every free site, so rails and wells are continuous."""
    out = []
    for r in range(fp.nrows):
        s = 0
        while s < fp.nsites:
            if occupied[r][s]:
                s += 1
                continue
            e = s
            while e < fp.nsites and not occupied[r][e]:
                e += 1
            gap = e - s
            while gap > 0:
                cell, w = next((c, w) for c, w in FILLERS if w <= gap)
                out.append((cell, r, s))
                s += w
                gap -= w
            s = e
    return out
