"""Placement by simulated annealing on the site grid.

The state is always legal: every cell sits on a row, on whole sites, with no overlap. A move picks a
cell and a random spot within a window around it; the move is taken if the spot is free (or holds one
cell of the same width, which swaps places). The cost is the total half-perimeter wirelength (HPWL)
of the nets, measured at the pins. A worse move is still accepted with probability exp(-delta / T);
T falls stage by stage and the window shrinks as fewer moves are accepted (as in TimberWolf).
``history`` keeps one entry per temperature stage, so a notebook can plot the cost going down.

Optional density term (``density_weight`` > 0; off by default, so the default placement is unchanged):
the core is cut into bins of ``bin_rows`` rows x ``bin_sites`` sites; each bin may hold
``density_target`` x its free sites of cell area, and every site above that costs
``density_weight`` x one row height of wirelength (linear in the overflow). Without it the annealer
pulls the cells into a dense blob in the core's centre, which the router cannot get through on
designs of a few hundred cells (docs/pnr.md). The bins a move touches are updated incrementally;
``history``'s cost then includes the penalty.
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

    def __init__(self, netlist: Netlist, fp: Floorplan, seed: int = 1, density_weight: float = 0.0,
                 density_target: float | None = None, bin_rows: int = 2, bin_sites: int = 20) -> None:
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
        self.dw = float(density_weight)
        if self.dw < 0:
            from chiplab.errors import FlowError  # noqa: PLC0415

            raise FlowError("place", f"density_weight must be >= 0 (got {density_weight})",
                            hint="use 0 (wirelength only) or a positive weight such as 1")
        if self.dw > 0:
            self._init_bins(density_target, max(1, bin_rows), max(1, bin_sites))

    # ---- density bins (only with density_weight > 0)
    def _init_bins(self, target: float | None, br: int, bs: int) -> None:
        fp = self.fp
        self.br, self.bs = br, bs
        self.nbr, self.nbs = -(-fp.nrows // br), -(-fp.nsites // bs)
        free = [[0] * self.nbs for _ in range(self.nbr)]
        for r in range(fp.nrows):
            for s in range(fp.nsites):
                if self.occ[r][s] != TAP:
                    free[r // br][s // bs] += 1
        total = sum(map(sum, free))
        util = sum(self.width) / total if total else 1.0
        if target is None:  # a little above the core's average, so the spread stays compact
            target = min(1.0, util * 1.1 + 0.05)
        elif not 0 < target <= 1:
            from chiplab.errors import FlowError  # noqa: PLC0415

            raise FlowError("place", f"density_target must be in (0, 1] (got {target})",
                            hint=f"leave it None (here {min(1.0, util * 1.1 + 0.05):.2f}) or give a fraction such as 0.6")
        self.density_target = target
        self.bincap = [[target * f for f in row] for row in free]
        self.binuse = [[0] * self.nbs for _ in range(self.nbr)]
        self.pen_unit = self.dw * ROW_H  # cost (DBU) of one site of overflow

    def _bin_add(self, c: int, sign: int) -> None:
        """Add (sign 1) or remove (-1) cell c's sites to the bins it covers at its current spot."""
        use = self.binuse[self.row[c] // self.br]
        s0, s1, bs = self.site[c], self.site[c] + self.width[c], self.bs
        b = s0 // bs
        while s0 < s1:
            e = min(s1, (b + 1) * bs)
            use[b] += sign * (e - s0)
            s0, b = e, b + 1

    def _bins_of(self, c: int) -> list[tuple[int, int]]:
        r = self.row[c] // self.br
        return [(r, b) for b in range(self.site[c] // self.bs, (self.site[c] + self.width[c] - 1) // self.bs + 1)]

    def _overflow(self, bins: set[tuple[int, int]]) -> float:
        use, cap = self.binuse, self.bincap
        return sum(max(0.0, use[r][b] - cap[r][b]) for r, b in bins)

    def density_cost(self) -> float:
        """The density penalty of the current placement (DBU; 0 when off)."""
        if self.dw <= 0:
            return 0.0
        return self.pen_unit * sum(max(0.0, u - c) for ur, cr in zip(self.binuse, self.bincap)
                                   for u, c in zip(ur, cr))

    def bin_usage(self) -> list[list[float]]:
        """Cell sites / free sites per bin (rows of bins from the bottom); needs density_weight > 0."""
        t = self.density_target
        return [[u / (c / t) if c else 0.0 for u, c in zip(ur, cr)] for ur, cr in zip(self.binuse, self.bincap)]

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
        if self.dw > 0:
            bins = set(self._bins_of(c))
            if d >= 0:
                bins |= set(self._bins_of(d))
            ov0 = self._overflow(bins)
        self._relocate(c, r1, s1, d, r0, s0)
        after_k = [self.hpwl(k) for k in nets]
        delta = sum(after_k) - before
        if self.dw > 0:
            bins |= set(self._bins_of(c))
            if d >= 0:
                bins |= set(self._bins_of(d))
            delta += (self._overflow(bins) - ov0) * self.pen_unit
        if delta <= 0 or (temp > 0 and rng.random() < math.exp(-delta / temp)):
            for k, v in zip(nets, after_k):
                self.cost[k] = v
            return True, delta
        self._relocate(c, r0, s0, d, r1, s1)  # undo
        return False, 0

    def _relocate(self, c: int, rc: int, sc: int, d: int, rd: int, sd: int) -> None:
        """Put cell c at (row rc, site sc) and, when d >= 0, cell d at (rd, sd); the density bins follow."""
        movers = (c,) if d < 0 else (c, d)
        if self.dw > 0:
            for x in movers:
                self._bin_add(x, -1)
        for x in movers:
            self._lift(x)
        if d >= 0:
            self._put(d, rd, sd)
        self._put(c, rc, sc)
        if self.dw > 0:
            for x in movers:
                self._bin_add(x, 1)

    def anneal(self, effort: float = 1.0, t_start: float | None = None, max_stages: int = 80,
               on_stage: Callable[[dict], None] | None = None) -> None:
        n = len(self.macros)
        self.cost = [self.hpwl(k) for k in range(len(self.net_names))]
        if n < 2:
            return
        if self.dw > 0:
            self.binuse = [[0] * self.nbs for _ in range(self.nbr)]
            for c in range(n):
                self._bin_add(c, 1)
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
        cost = sum(self.cost) + self.density_cost()
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
          on_stage: Callable[[dict], None] | None = None, density_weight: float = 0.0,
          density_target: float | None = None) -> Placement:
    """Place the netlist's cells in the floorplan's rows (legal by construction); may move I/O pins.

    density_weight > 0 adds the bin density penalty (module docstring); 0 (the default) is wirelength only.
    density_target: allowed cell area per bin's free area (default: a little above the core's average).
    """
    return Annealer(netlist, fp, seed, density_weight=density_weight, density_target=density_target).run(
        effort, on_stage)


def density_map(netlist: Netlist, fp: Floorplan, pl: Placement, bin_rows: int = 2,
                bin_sites: int = 20) -> list[list[float]]:
    """Cell sites / free (non-tap) sites per bin of bin_rows x bin_sites, bins rows from the bottom."""
    nbr, nbs = -(-fp.nrows // bin_rows), -(-fp.nsites // bin_sites)
    free = [[0] * nbs for _ in range(nbr)]
    use = [[0] * nbs for _ in range(nbr)]
    taps = set(fp.taps)
    for r in range(fp.nrows):
        for s in range(fp.nsites):
            if (r, s) not in taps:
                free[r // bin_rows][s // bin_sites] += 1
    for inst, r, s in zip(netlist.instances, pl.rows, pl.sites):
        for q in range(s, s + macro(inst.cell).sites):
            use[r // bin_rows][q // bin_sites] += 1
    return [[u / f if f else 0.0 for u, f in zip(ur, fr)] for ur, fr in zip(use, free)]


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
