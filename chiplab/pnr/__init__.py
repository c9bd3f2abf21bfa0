"""Place and route onto sky130_fd_sc_hd: floorplan, placement, routing, DEF.

The engine is ChipLab's own, in plain Python, small enough to read in a lesson:

* :mod:`chiplab.pnr.floorplan`: core size from a utilization target, unithd rows (N/FS), well taps,
  met1 rails and met2 straps for VPWR/VGND, I/O pins on met2 at the top and bottom edges;
* :mod:`chiplab.pnr.place`: simulated annealing on the site grid (always legal), cost = HPWL;
* :mod:`chiplab.pnr.route`: A* maze router on the tech LEF's met1-met4 tracks with rip-up and
  reroute (or PathFinder negotiated congestion: ``run_pnr(..., strategy="pathfinder")``), off-grid pin
  access on li1 through L1M1 contacts;
* :mod:`chiplab.pnr.lefdef`: LEF reading, Yosys JSON netlists, DEF 5.8 writing.

``run_pnr(netlist, out_dir)`` does all of it and returns a :class:`PnRResult` with the DEF path and
figures (wirelength, vias, unrouted nets, utilization, congestion, seconds per stage).
``check_def`` reads the DEF back with KLayout and checks spacing, width, via enclosure, shorts and
that every net's pins are joined.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chiplab.errors import FlowError
from chiplab.pnr.floorplan import TAP_CELL, Floorplan, make_floorplan
from chiplab.pnr.lefdef import (
    DBU,
    POWER_PINS,
    ROW_H,
    SITE_W,
    XOFF,
    XPITCH,
    YOFF,
    YPITCH,
    Macro,
    Netlist,
    Rect,
    lef_files,
    macro,
    read_yosys_json,
    write_def,
)
from chiplab.pnr.place import Placement, density_map, fillers, place
from chiplab.pnr.route import (
    L1M1_PAD,
    M1,
    M2,
    M3,
    M4,
    MCON_HALF,
    MCON_SPACING,
    Access,
    Grid,
    Router,
    _dist2,
)

__all__ = ["PnRResult", "run_pnr", "check_def", "read_yosys_json", "make_floorplan", "place", "density_map", "FlowError"]


@dataclass
class PnRResult:
    def_path: Path
    design: str
    die_um: tuple[float, float]
    core_um: tuple[float, float]
    utilization: float
    cells: int
    cell_area_um2: float
    wirelength_um: float
    net_wirelength_um: dict[str, float]
    vias: int
    unrouted: list[str]
    stage_seconds: dict[str, float]
    placement_history: list[dict]
    routing_events: list[tuple[str, str, int]]
    congestion: list[list[float]]  # rows of tiles (bottom row first), fraction of routing nodes used
    instances: dict[str, tuple[str, float, float, str]]  # name -> (cell, x um, y um, orient)
    lef_files: list[Path] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "def": str(self.def_path), "design": self.design, "die_um": self.die_um, "core_um": self.core_um,
            "utilization": round(self.utilization, 4), "cells": self.cells,
            "cell_area_um2": round(self.cell_area_um2, 2), "wirelength_um": round(self.wirelength_um, 2),
            "vias": self.vias, "unrouted": self.unrouted, "stage_seconds": self.stage_seconds,
            **self.extra,
        }


def _place_rect(r: Rect, x: int, y: int, h: int, orient: str) -> Rect:
    if orient == "N":
        return (x + r[0], y + r[1], x + r[2], y + r[3])
    return (x + r[0], y + h - r[3], x + r[2], y + h - r[1])  # FS: mirrored about the x axis


def _shapes(m: Macro, layer: str, pin: str | None, x: int, y: int, orient: str) -> list[Rect]:
    if pin is None:
        rects = list(m.obs.get(layer, []))
        for name, p in m.pins.items():
            if layer == "met1" or name in POWER_PINS:
                rects += p.rects.get(layer, [])
    else:
        rects = m.pins[pin].rects.get(layer, [])
    return [_place_rect(r, x, y, m.height, orient) for r in rects]


def _access_candidates(grid: Grid, net: int, m: Macro, pin: str, x: int, y: int, orient: str,
                       met1_obs: list[Rect], mcon_obs: list[Rect]) -> list[Access]:
    out = []
    for r in _shapes(m, "li1", pin, x, y, orient):
        j0 = max(0, -(-(r[1] + MCON_HALF - YOFF) // YPITCH))
        j1 = (r[3] - MCON_HALF - YOFF) // YPITCH
        lo, hi = r[0] + MCON_HALF, r[2] - MCON_HALF
        if lo > hi:
            continue
        for j in range(j0, j1 + 1):
            yj = YOFF + j * YPITCH
            i0 = max(0, (lo - XOFF) // XPITCH)
            i1 = min(grid.nx - 1, -(-(hi - XOFF) // XPITCH))
            for i in range(i0, i1 + 1):
                xi = XOFF + i * XPITCH
                xp = min(hi, max(lo, xi))
                d = abs(xp - xi)
                if d > XPITCH // 2 or grid.owner[grid.nid(M1, i, j)] != -1 or grid.padbad[0][j * grid.nx + i]:
                    continue
                pad = (xp - L1M1_PAD[0], yj - L1M1_PAD[1], xp + L1M1_PAD[0], yj + L1M1_PAD[1])
                stub = (min(xp, xi) - 70, yj - 70, max(xp, xi) + 70, yj + 70)
                vpad = (xi - 160, yj - 130, xi + 160, yj + 130)
                mcon = (xp - MCON_HALF, yj - MCON_HALF, xp + MCON_HALF, yj + MCON_HALF)
                if any(_dist2(s, o) < 140 * 140 for s in (pad, stub) for o in met1_obs):
                    continue
                if any(_dist2(mcon, o) < MCON_SPACING**2 for o in mcon_obs):
                    continue
                side = 0 if d <= 15 else (1 if xp > xi else -1)
                out.append(Access(net, i, j, xp, [pad, stub, vpad], mcon, side))
    uniq = {(a.i, a.j): a for a in sorted(out, key=lambda a: -abs(a.xp - XOFF - a.i * XPITCH))}
    return list(uniq.values())


def _compatible(a: Access, b: Access) -> bool:
    if abs(a.i - b.i) > 3 or abs(a.j - b.j) > 2:
        return True
    if _dist2(a.mcon, b.mcon) < MCON_SPACING**2:
        return False
    if a.net == b.net:
        return not (a.i == b.i and abs(a.j - b.j) == 1)
    na = {(a.i, a.j), (a.i + a.side, a.j)}
    nb = {(b.i, b.j), (b.i + b.side, b.j)}
    if na & nb:
        return False
    # vertically neighbouring reserved nodes would forbid each other's contact pads
    if any((i, j + dj) in nb for i, j in na for dj in (-1, 1)):
        return False
    return all(_dist2(s, t) >= 140 * 140 for s in a.shapes for t in b.shapes)


MIN_AREA_34 = 240_000  # met3/met4 minimum area, nm^2 (0.24 um^2)


def _small_pieces(rects: list[Rect], min_area: int) -> list[Rect]:
    """Bounding boxes of the connected pieces of `rects` whose area is below min_area."""
    if not rects:
        return []
    import klayout.db as kdb  # noqa: PLC0415

    region = kdb.Region()
    for r in rects:
        region.insert(kdb.Box(*r))
    out = []
    for poly in region.merged().each():
        if poly.area() < min_area:
            b = poly.bbox()
            out.append((b.left, b.bottom, b.right, b.top))
    return out


def _patches(rects: list[Rect], space: int) -> list[Rect]:
    """Rectangles filling every gap (narrower than `space`) between facing sides of two rectangles."""
    out = []
    for a in range(len(rects)):
        ra = rects[a]
        for b in range(a + 1, len(rects)):
            rb = rects[b]
            x0, x1 = max(ra[0], rb[0]), min(ra[2], rb[2])
            y0, y1 = max(ra[1], rb[1]), min(ra[3], rb[3])
            if x1 > x0 and 0 < y0 - y1 < space:  # one above the other
                out.append((x0, y1, x1, y0))
            elif y1 > y0 and 0 < x0 - x1 < space:  # side by side
                out.append((x1, y0, x0, y1))
    return out


def _grow_small_pieces(grid: Grid, routes: list) -> None:
    """Lengthen met3/met4 pieces that would be under the 0.24 um^2 minimum area (a via stack passing
    through, a one-step met4 wire) by taking free neighbouring nodes along their track (met3 needs one
    step of wire, met4 two), where the node beyond is not another net's (the 0.3 um spacing)."""
    for n, r in enumerate(routes):
        for layer, need, step in ((M3, 1, 1), (M4, 2, grid.nx)):
            seen: set[int] = set()
            for v in sorted(r.nodes):
                if v // grid.plane != layer or v in seen:
                    continue
                piece, todo = {v}, [v]
                while todo:  # the connected piece on this layer
                    u = todo.pop()
                    for w in (u - step, u + step):
                        if w in r.nodes and w not in piece and (min(u, w), max(u, w)) in r.edges:
                            piece.add(w)
                            todo.append(w)
                seen |= piece
                edges = len(piece) - 1
                for _ in range(need - edges):
                    grown = False
                    for end, d in ((max(piece), step), (min(piece), -step)):
                        w, beyond = end + d, end + 2 * d
                        _, wi, wj = grid.unpack(w) if 0 <= w < len(grid.owner) else (None, -1, -1)
                        _, ei, ej = grid.unpack(end)
                        if wi < 0 or (layer == M3 and wj != ej) or (layer == M4 and wi != ei):
                            continue
                        if grid.owner[w] != -1 or w // grid.plane != layer:
                            continue
                        ob = grid.owner[beyond] if 0 <= beyond < len(grid.owner) and \
                            beyond // grid.plane == layer else -2
                        if ob >= 0 and ob != n:
                            continue
                        grid.owner[w] = n
                        r.nodes.add(w)
                        r.edges.add((min(end, w), max(end, w)))
                        piece.add(w)
                        grown = True
                        break
                    if not grown:
                        break


def _wiring(grid: Grid, route, accesses: list[Access]) -> tuple[list[str], float, int]:
    """DEF wiring statements of one net, its wirelength (um) and via count."""
    stm: list[str] = []
    length = 0
    runs: dict[tuple[int, int], list[int]] = {}  # (layer, track or column) -> edge start positions
    for a, _b in route.edges:
        layer, i, j = grid.unpack(a)
        if layer == M2 or layer == M4:
            runs.setdefault((layer, i), []).append(j)
        else:
            runs.setdefault((layer, j), []).append(i)
    for (layer, line), starts in sorted(runs.items()):
        starts.sort()
        k = 0
        while k < len(starts):
            e = k
            while e + 1 < len(starts) and starts[e + 1] == starts[e] + 1:
                e += 1
            s0, s1 = starts[k], starts[e] + 1
            name = ("met1", "met2", "met3", "met4")[layer]
            if layer == M2 or layer == M4:
                x = grid.x(line)
                stm.append(f"{name} ( {x} {grid.y(s0)} ) ( * {grid.y(s1)} )")
                length += grid.y(s1) - grid.y(s0)
            else:
                y = grid.y(line)
                stm.append(f"{name} ( {grid.x(s0)} {y} ) ( {grid.x(s1)} * )")
                length += grid.x(s1) - grid.x(s0)
            k = e + 1
    vias = 0
    metal: dict[str, list[Rect]] = {"met1": [], "met2": [], "met3": [], "met4": []}  # for patches
    for st in stm:
        tok = st.replace("(", " ").replace(")", " ").split()
        x0, y0 = int(tok[1]), int(tok[2])
        x1 = x0 if tok[3] == "*" else int(tok[3])
        y1 = y0 if tok[4] == "*" else int(tok[4])
        h = 150 if tok[0] in ("met3", "met4") else 70
        metal[tok[0]].append((min(x0, x1) - h, min(y0, y1) - h, max(x0, x1) + h, max(y0, y1) + h))
    for i, j, cut in sorted(route.vias):
        x, y = grid.x(i), grid.y(j)
        stm.append(f"met{cut} ( {x} {y} ) {('M1M2_PR_M', 'M2M3_PR', 'M3M4_PR')[cut - 1]}")
        vias += 1
        if cut == 3:
            metal["met3"].append((x - 190, y - 160, x + 190, y + 160))
            metal["met4"].append((x - 165, y - 165, x + 165, y + 165))
        elif cut == 1:
            metal["met1"].append((x - 160, y - 130, x + 160, y + 130))
            metal["met2"].append((x - 160, y - 130, x + 160, y + 130))
        else:
            metal["met2"].append((x - 140, y - 185, x + 140, y + 185))
            metal["met3"].append((x - 165, y - 165, x + 165, y + 165))
    for a in sorted(route.access):
        acc = accesses[a]
        y = grid.y(acc.j)
        stm.append(f"li1 ( {acc.xp} {y} ) L1M1_PR")
        metal["met1"].append((acc.xp - L1M1_PAD[0], y - L1M1_PAD[1], acc.xp + L1M1_PAD[0], y + L1M1_PAD[1]))
        vias += 1
        if acc.xp != grid.x(acc.i):
            stm.append(f"met1 ( {acc.xp} {y} ) ( {grid.x(acc.i)} * )")
            length += abs(acc.xp - grid.x(acc.i))
    # met3/met4 pieces smaller than the minimum area (0.24 um^2), e.g. a via stack passing through,
    # grow sideways at one of their vias (along met3's track; across met4's, where the next track is far)
    for layer in ("met3", "met4"):
        for x0, y0, x1, y1 in _small_pieces(metal[layer], MIN_AREA_34):
            cx = next(((x, y) for i, j, cut in route.vias for x, y in [(grid.x(i), grid.y(j))]
                       if cut in ((2, 3) if layer == "met3" else (3,)) and x0 <= x <= x1 and y0 <= y <= y1), None)
            if cx is not None:
                patch = (cx[0] - 370, cx[1] - 165, cx[0] + 370, cx[1] + 165)
                metal[layer].append(patch)
                stm.append(f"{layer} ( {patch[0]} {patch[1]} ) RECT ( 0 0 740 330 )")
    # a gap narrower than the spacing rule between two shapes of the same net is a notch: fill it
    for layer, rects in metal.items():
        space = 300 if layer in ("met3", "met4") else 140
        for p in _patches(rects, space):
            stm.append(f"{layer} ( {p[0]} {p[1]} ) RECT ( 0 0 {p[2] - p[0]} {p[3] - p[1]} )")
    return stm, length / DBU, vias


def run_pnr(netlist: dict | Netlist, out_dir: str | Path, top: str | None = None, utilization: float = 0.5,
            aspect_ratio: float = 1.0, core_size_um: tuple[float, float] | None = None, seed: int = 1,
            effort: float = 1.0, on_stage: Callable[[str, float], None] | None = None,
            strict: bool = True, route_time_s: float = 120.0, strategy: str = "ripup",
            density_weight: float = 0.0, density_target: float | None = None) -> PnRResult:
    """Floorplan, place and route a sky130 hd netlist (Yosys JSON dict) and write ``<top>.def``.

    utilization: cell area / core area (0.4-0.6 routes easily); aspect_ratio: core height / width;
    core_size_um: a fixed core (width, height) instead; seed: the placer's random seed; effort: scales
    the annealing moves. Raises FlowError naming the stage ('floorplan', 'place', 'route') and what to
    change; with strict=False unrouted nets are only listed in the result (and left out of the DEF).
    route_time_s bounds the router's time (what is not routed by then counts as unrouted).
    strategy: "ripup" (the default: rip up the nets in a blocked net's way) or "pathfinder" (negotiated
    congestion, PathFinder).
    density_weight: > 0 adds a bin-density penalty to the placer's cost (spreads the cells; 0, the
    default, is wirelength only); density_target: allowed cell area per bin (chiplab.pnr.place).
    A design of a few hundred cells needs all three: e.g. an 8-bit MAC (438 cells) routes clean in about
    a minute with utilization=0.3, density_weight=1.0, strategy="pathfinder", and with the defaults not
    at all (docs/pnr.md).
    """
    times: dict[str, float] = {}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    nl = netlist if isinstance(netlist, Netlist) else read_yosys_json(netlist, top)
    fp = make_floorplan(nl, utilization, aspect_ratio, core_size_um)
    times["floorplan"] = time.perf_counter() - t
    if on_stage:
        on_stage("floorplan", times["floorplan"])

    t = time.perf_counter()
    pl: Placement = place(nl, fp, seed=seed, effort=effort, density_weight=density_weight,
                          density_target=density_target)
    comps: list[tuple[str, str, int, int, str]] = []
    occupied = [[False] * fp.nsites for _ in range(fp.nrows)]
    for inst, r, s in zip(nl.instances, pl.rows, pl.sites):
        comps.append((inst.name, inst.cell, fp.site_x(s), fp.row_y(r), fp.row_orient(r)))
        for q in range(s, s + macro(inst.cell).sites):
            occupied[r][q] = True
    for r, s in fp.taps:
        comps.append((f"TAP_{r}_{s}", TAP_CELL, fp.site_x(s), fp.row_y(r), fp.row_orient(r)))
        occupied[r][s] = True
    for k, (cell, r, s) in enumerate(fillers(fp, occupied)):
        comps.append((f"FILLER_{k}", cell, fp.site_x(s), fp.row_y(r), fp.row_orient(r)))
    times["place"] = time.perf_counter() - t
    if on_stage:
        on_stage("place", times["place"])

    t = time.perf_counter()
    result = _route_and_write(nl, fp, comps, pl, out, times, route_time_s, strategy)
    times["route"] = time.perf_counter() - t - times.get("def", 0.0)
    if on_stage:
        on_stage("route", times["route"])
    if strict and result.unrouted:
        names = ", ".join(result.unrouted[:8]) + (" ..." if len(result.unrouted) > 8 else "")
        raise FlowError("route", f"{len(result.unrouted)} of {len(result.net_wirelength_um) + len(result.unrouted)} "
                        f"nets could not be routed: {names}",
                        hint="lower the utilization (e.g. 0.35) to leave more room for wires, or try another seed"
                        + (" (the router ran out of time: for a design of a few hundred cells call run_pnr with "
                           "utilization=0.3, density_weight=1.0, strategy='pathfinder')"
                           if result.extra.get("route_timed_out") else ""))
    return result


def _route_and_write(nl: Netlist, fp: Floorplan, comps: list, pl: Placement, out: Path,
                     times: dict[str, float], route_time_s: float | None = None,
                     strategy: str = "ripup") -> PnRResult:
    grid = Grid(fp.ncols, fp.ntracks)
    # obstacles: every cell's met1 (rails, internal wiring), the power rails and straps
    inst_at: dict[str, tuple[Macro, int, int, str]] = {}
    for name, cell, x, y, orient in comps:
        m = macro(cell)
        inst_at[name] = (m, x, y, orient)
        for r in _shapes(m, "met1", None, x, y, orient):
            grid.block(M1, r)
    for _, r in fp.rails():
        grid.block(M1, r)
    for _, r in fp.straps():
        grid.block(M2, r)

    net_names = [n for n, conns in nl.nets.items() if len(conns) >= 2]
    net_index = {n: k for k, n in enumerate(net_names)}
    pins: list[list[list[int]]] = [[] for _ in net_names]
    accesses: list[Access] = []
    by_pin: list[tuple[int, str, str, list[Access]]] = []
    for n, k in net_index.items():
        for inst, pin in nl.nets[n]:
            if inst == "PIN":
                p = fp.pins[pin]
                j, j2 = (fp.ntracks - 1, fp.ntracks - 2) if p.top else (0, 1)
                for jj in (j, j2):
                    v = grid.nid(M2, p.col, jj)
                    grid.owner[v] = k
                    grid.fixed[v] = 1
                pins[k].append([grid.nid(M2, p.col, j)])
                continue
            m, x, y, orient = inst_at[inst]
            met1_obs = _shapes(m, "met1", None, x, y, orient) + [r for _, r in fp.rails()]
            mcon_obs = _shapes(m, "mcon", None, x, y, orient)
            cands = _access_candidates(grid, k, m, pin, x, y, orient, met1_obs, mcon_obs)
            by_pin.append((k, inst, pin, cands))
    # choose up to three access points per pin, pins with the fewest choices first
    chosen: dict[tuple[int, int], list[Access]] = {}
    for k, inst, pin, cands in sorted(by_pin, key=lambda t: len(t[3])):
        mid = (min((a.j for a in cands), default=0) + max((a.j for a in cands), default=0)) / 2
        picked: list[Access] = []
        for a in sorted(cands, key=lambda a: (a.side != 0, abs(a.j - mid))):
            near = [b for di in range(-4, 5) for dj in range(-2, 3) for b in chosen.get((a.i + di, a.j + dj), [])]
            if all(_compatible(a, b) for b in near + picked):
                picked.append(a)
                if len(picked) == 3:
                    break
        if not picked:
            raise FlowError("route", f"pin {pin} of cell {inst} ({inst_at[inst][0].name}) has no legal access point",
                            hint="lower the utilization so neighbouring cells leave room, or try another seed")
        node_list = []
        for a in picked:
            chosen.setdefault((a.i, a.j), []).append(a)
            idx = len(accesses)
            accesses.append(a)
            node_list.append((grid.nid(M1, a.i, a.j), idx))
        pins[k].append([v for v, _ in node_list])
    access_at: dict[int, list[int]] = {}
    for idx, a in enumerate(accesses):
        v = grid.nid(M1, a.i, a.j)
        access_at.setdefault(v, []).append(idx)
        for i in {a.i, a.i + a.side}:
            if 0 <= i < grid.nx:
                w = grid.nid(M1, i, a.j)
                if grid.owner[w] != -2 or i == a.i:
                    grid.owner[w] = a.net
                    grid.fixed[w] = 1
                grid.p1[a.j * grid.nx + i] = a.net
                grid.pfix[a.j * grid.nx + i] = 1
        # keep the way out of the pin open: met2 above it and the met1 nodes beside it
        for w in (grid.nid(M2, a.i, a.j), grid.nid(M1, a.i - 1, a.j), grid.nid(M1, a.i + 1, a.j)):
            if grid.resv[w] == -1:
                grid.resv[w] = a.net

    router = Router(grid, net_names, pins, accesses, access_at, strategy=strategy)

    def span(k: int) -> int:
        pts = [grid.unpack(p[0]) for p in pins[k] if p]
        if len(pts) < 2:
            return 0
        return (max(q[1] for q in pts) - min(q[1] for q in pts)) * 460 + (
            max(q[2] for q in pts) - min(q[2] for q in pts)) * 340

    order = sorted(range(len(net_names)), key=span)
    router.run(order, time_limit_s=route_time_s)
    unrouted = sorted(net_names[k] for k in router.failed)

    # ---- DEF
    t = time.perf_counter()
    _grow_small_pieces(grid, router.routes)
    nets_def = []
    net_wl: dict[str, float] = {}
    nvias = 0
    for n, conns in nl.nets.items():
        k = net_index.get(n)
        wiring: list[str] = []
        if k is not None and k not in router.failed:
            wiring, wl, nv = _wiring(grid, router.routes[k], accesses)
            net_wl[n] = wl
            nvias += nv
        nets_def.append((n, conns, wiring))
    die_h = fp.die[3]
    pins_def = []
    for name, p in sorted(fp.pins.items()):
        net = next(n for n, conns in nl.nets.items() if ("PIN", name) in conns)
        x = fp.col_x(p.col)
        if p.top:
            pins_def.append((name, net, p.direction, "SIGNAL", "met2", (-70, -500, 70, 0), x, die_h))
        else:
            pins_def.append((name, net, p.direction, "SIGNAL", "met2", (-70, 0, 70, 500), x, 0))
    special = []
    for net, use in (("VPWR", "POWER"), ("VGND", "GROUND")):
        wiring = []
        for rn, r in fp.rails():
            if rn == net:
                y = (r[1] + r[3]) // 2
                wiring.append(f"met1 {r[3] - r[1]} + SHAPE FOLLOWPIN ( {r[0]} {y} ) ( {r[2]} {y} )")
        for sn, r in fp.straps():
            if sn == net:
                x = (r[0] + r[2]) // 2
                wiring.append(f"met2 {r[2] - r[0]} + SHAPE STRIPE ( {x} {r[1] + 240} ) ( {x} {r[3] - 240} )")
                pins_def.append((net, net, "INOUT", use, "met2", (-(r[2] - r[0]) // 2, 0, (r[2] - r[0]) // 2,
                                 r[3] - r[1]), x, r[1]))
        for vn, x, y in fp.strap_vias():
            if vn == net:
                wiring.append(f"met1 0 ( {x} {y} ) M1M2_PR")
        special.append((net, use, wiring))
    rows_def = [(fp.core_x0, fp.row_y(r), fp.row_orient(r), fp.nsites) for r in range(fp.nrows)]
    tracks = [("X", "li1", XOFF, fp.ncols, XPITCH), ("Y", "li1", YOFF, fp.ntracks, YPITCH),
              ("X", "met1", XOFF, fp.ncols, XPITCH), ("Y", "met1", YOFF, fp.ntracks, YPITCH),
              ("X", "met2", XOFF, fp.ncols, XPITCH), ("Y", "met2", YOFF, fp.ntracks, YPITCH),
              ("X", "met3", XOFF, fp.ncols, XPITCH), ("Y", "met3", YOFF, (fp.ntracks + 1) // 2, 2 * YPITCH),
              ("X", "met4", XOFF, (fp.ncols + 1) // 2, 2 * XPITCH), ("Y", "met4", YOFF, fp.ntracks, YPITCH)]
    def_path = out / f"{nl.top}.def"
    write_def(def_path, nl.top, fp.die, rows_def, tracks, comps, pins_def, nets_def, special)
    times["def"] = time.perf_counter() - t

    # congestion: tiles of 8 columns x 8 tracks
    tw, th = 8, 8
    cong = []
    for tj in range(0, grid.ny, th):
        row = []
        for ti in range(0, grid.nx, tw):
            used = avail = 0
            for layer in (M1, M2, M3, M4):
                for j in range(tj, min(grid.ny, tj + th)):
                    for i in range(ti, min(grid.nx, ti + tw)):
                        o = grid.owner[grid.nid(layer, i, j)]
                        if o != -2:
                            avail += 1
                            used += o >= 0 and not grid.fixed[grid.nid(layer, i, j)]
            row.append(round(used / avail, 3) if avail else 1.0)
        cong.append(row)
    cells_used = {c for _, c, *_ in comps}
    res = PnRResult(
        def_path=def_path, design=nl.top, die_um=(fp.die[2] / DBU, fp.die[3] / DBU),
        core_um=(fp.nsites * SITE_W / DBU, fp.nrows * ROW_H / DBU), utilization=fp.utilization,
        cells=len(nl.instances), cell_area_um2=fp.cell_area_um2, wirelength_um=sum(net_wl.values()),
        net_wirelength_um=net_wl, vias=nvias, unrouted=unrouted, stage_seconds=times,
        placement_history=pl.history, routing_events=router.events, congestion=cong,
        instances={n: (c, x / DBU, y / DBU, o) for n, c, x, y, o in comps},
        lef_files=lef_files(cells_used),
        extra={"rows": fp.nrows, "sites_per_row": fp.nsites, "taps": len(fp.taps),
               "route_strategy": strategy, "route_iterations": router.iterations,
               "route_passes": router.passes, "route_pass_log": router.pass_log,
               "route_timed_out": router.timed_out,
               "ripups": sum(1 for e in router.events if e[0] == "ripped")},
    )
    (out / f"{nl.top}.pnr.json").write_text(json.dumps(res.as_dict(), indent=1))
    if unrouted:
        res.extra["routing_error"] = (f"{len(unrouted)} nets could not be routed: {', '.join(unrouted[:10])}")
    return res


from chiplab.pnr.check import check_def  # noqa: E402
