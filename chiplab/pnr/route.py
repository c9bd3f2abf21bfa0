"""A grid maze router (A*) with rip-up and reroute, on the sky130 hd routing grid.

Layers: met1 runs horizontally on the 0.34 um tracks, met2 vertically on the 0.46 um tracks, met3
horizontally on every second met1 track (0.68 um) and met4 vertically on every second column (0.92 um),
each at least its own LEF pitch. A grid node is a (layer, column, track)
point; each node belongs to at most one net. The rules the node model alone cannot express are kept as
small extra checks, all derived from the tech LEF's widths, spacings and via shapes:

* via pads on met1/met2 (M1M2_PR_M 0.32 x 0.26 um) of two different nets must not sit on vertically
  neighbouring nodes (0.34 um apart, the pads would be 0.08 um apart, the rule is 0.14);
* an M2M3_PR via's met2 pad is 0.37 um tall, so no other net may use met2 right above or below it;
* met3/met4 are 0.3 um wide with 0.3 um spacing: two nets may not use neighbouring nodes on one track;
* same-net notches and too-small met3/met4 pieces are filled by patches when the DEF is written.

Cell pins are li1 shapes. A pin is reached through an L1M1_PR via (mcon) placed inside the pin on a
met1 track; where no grid column crosses the pin with room for the contact (the D pin of dfxtp_1, the A
pin of inv_1, ...), the contact sits off the grid and a short met1 stub joins it to the nearest column.
Every pin gets a few such access points, chosen so that the access points of different nets keep the
spacing rules; they are reserved for their net before any net is routed.

Routing: nets in order of size; each multi-pin net grows a tree, connecting one pin at a time with A*
(from the pin's access points to the tree). A net that cannot be routed is routed again ignoring other
nets at a high price per node they hold; the nets it crosses are ripped up and queued again, and the
nodes fought over get more expensive (history), which is how the router negotiates congestion.
That is ``strategy="ripup"``, the default. ``strategy="pathfinder"`` is PathFinder proper (negotiated
congestion, McMurchie and Ebeling 1995): every net is routed in the first pass with sharing allowed,
a node other nets use costs (step + history) x (1 + price x users); after each pass the shared nodes
get more history, the price rises, and only the nets in conflict are routed again, until nothing is
shared; from pass 8 on, the last few nets in conflict are also tried once without sharing (so two nets
cannot push each other out forever). It routes the small designs as cleanly as the rip-up router, and an
8-bit MAC (438 cells) in about a minute when the placement is spread (``run_pnr(utilization=0.3,
density_weight=1)``), which the rip-up router does not (docs/pnr.md).
``events`` records what happened (routed, ripped, failed) and ``trace`` (when set to a list) every node
the A* search expands, for a picture or a step-by-step lesson.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from chiplab.pnr.lefdef import XOFF, XPITCH, YOFF, YPITCH, Rect

FREE = -1
BLOCKED = -2
M1, M2, M3, M4 = 0, 1, 2, 3
LAYERS = ("met1", "met2", "met3", "met4")
NLAYERS = 4
STEP = (460, 340, 420, 320)  # cost of one step along each layer (about its length in nm)
VIA_COST = (900, 1300, 1600)  # via1, via2, via3
RESERVED_COST = 4000  # for using a node next to another net's pin access
SPACING = {M1: 140, M2: 140, M3: 300, M4: 300}
MCON_SPACING = 190

# via geometry (DBU, half sizes) from the tech LEF
L1M1_PAD = (145, 115)  # L1M1_PR met1
MCON_HALF = 85
M1M2_PAD = (160, 130)  # M1M2_PR_M met1 and met2
M2M3_PAD2 = (140, 185)  # M2M3_PR met2
M2M3_PAD3 = (165, 165)  # M2M3_PR met3
WIRE_HALF = {M1: 70, M2: 70, M3: 150, M4: 150}


def _dist2(a: Rect, b: Rect) -> int:
    dx = max(0, a[0] - b[2], b[0] - a[2])
    dy = max(0, a[1] - b[3], b[1] - a[3])
    return dx * dx + dy * dy


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


@dataclass
class Access:
    """One way into a cell pin: an mcon at (xp, y) on met1 track j, joined to grid column i."""

    net: int
    i: int
    j: int
    xp: int
    shapes: list[Rect]  # met1 footprint (contact pad, stub, possible via pad on the column)
    mcon: Rect
    side: int  # +1/-1: the neighbouring column the off-grid contact leans towards (0 if on grid)


@dataclass
class NetRoute:
    nodes: set[int] = field(default_factory=set)
    edges: set[tuple[int, int]] = field(default_factory=set)
    vias: set[tuple[int, int, int]] = field(default_factory=set)  # (i, j, cut 1|2)
    access: set[int] = field(default_factory=set)  # ids of Access used
    pads2: set[int] = field(default_factory=set)  # plane indices j*nx+i of its via pads on met2 (PathFinder)
    v2s: set[int] = field(default_factory=set)  # plane indices of its M2M3 vias (PathFinder)


class Grid:
    """Routing resources: who owns each node, what is blocked, where the via pads are."""

    def __init__(self, ncols: int, ntracks: int) -> None:
        self.nx, self.ny = ncols, ntracks
        self.plane = ncols * ntracks
        n = NLAYERS * self.plane
        self.owner = [FREE] * n
        self.fixed = bytearray(n)  # reserved for its owner for good (pin access, I/O pins)
        self.hist = [0.0] * n
        self.padbad = [bytearray(self.plane), bytearray(self.plane)]  # no via pad on met1 / met2 here
        self.edgebad = [bytearray(self.plane) for _ in range(NLAYERS)]
        self.p1 = [FREE] * self.plane  # net with a via pad on met1 at (i, j)
        self.p2 = [FREE] * self.plane  # net with a via pad on met2
        self.v2 = [FREE] * self.plane  # net with an M2M3 via
        self.pfix = bytearray(self.plane)  # p1 entry belongs to a reserved pin access
        self.resv = [FREE] * n  # node kept free for a pin's escape (other nets pay RESERVED_COST)
        for j in range(ntracks):  # met3 only on every second track, met4 on every second column
            for i in range(ncols):
                if j % 2:
                    self.owner[M3 * self.plane + j * ncols + i] = BLOCKED
                if i % 2:
                    self.owner[M4 * self.plane + j * ncols + i] = BLOCKED

    def nid(self, layer: int, i: int, j: int) -> int:
        return layer * self.plane + j * self.nx + i

    def unpack(self, v: int) -> tuple[int, int, int]:
        layer, rem = divmod(v, self.plane)
        j, i = divmod(rem, self.nx)
        return layer, i, j

    @staticmethod
    def x(i: int) -> int:
        return XOFF + i * XPITCH

    @staticmethod
    def y(j: int) -> int:
        return YOFF + j * YPITCH

    def _range(self, lo: int, hi: int, off: int, pitch: int, n: int) -> range:
        """Indices k with lo < off + k*pitch < hi (open interval), clipped to 0..n-1."""
        k0 = max(0, (lo - off) // pitch + 1)
        k1 = min(n - 1, _ceil_div(hi - off, pitch) - 1)
        return range(k0, k1 + 1)

    def block(self, layer: int, r: Rect) -> None:
        """Mark what an obstacle on `layer` forbids: nodes, via pads and edges too close to it."""
        s = SPACING[layer]
        hw = WIRE_HALF[layer]
        x0, y0, x1, y1 = r[0] - s, r[1] - s, r[2] + s, r[3] + s
        nx, ny = self.nx, self.ny
        # nodes (a wire end there)
        for j in self._range(y0 - hw, y1 + hw, YOFF, YPITCH, ny):
            for i in self._range(x0 - hw, x1 + hw, XOFF, XPITCH, nx):
                self.owner[self.nid(layer, i, j)] = BLOCKED
        if layer in (M1, M2):
            px, py = (160, 130) if layer == M1 else (160, 185)
            for j in self._range(y0 - py, y1 + py, YOFF, YPITCH, ny):
                for i in self._range(x0 - px, x1 + px, XOFF, XPITCH, nx):
                    self.padbad[layer][j * nx + i] = 1
        if layer in (M1, M3):  # horizontal edges i -> i+1
            for j in self._range(y0 - hw, y1 + hw, YOFF, YPITCH, ny):
                for i in self._range(x0 - XPITCH, x1, XOFF, XPITCH, nx):
                    self.edgebad[layer][j * nx + i] = 1
        else:  # vertical edges j -> j+1
            for j in self._range(y0 - YPITCH, y1, YOFF, YPITCH, ny):
                for i in self._range(x0 - hw, x1 + hw, XOFF, XPITCH, nx):
                    self.edgebad[layer][j * nx + i] = 1


STRATEGIES = ("pathfinder", "ripup")
PF_PRES_FIRST = 0.5  # PathFinder: price factor of sharing a node in the first pass ...
PF_PRES_MULT = 1.5  # ... multiplied by this after every pass
PF_HIST = 1.0  # history added to a node for every pass that ends with it shared (in step costs)
PF_MARGIN = 6  # search box: the connection's bounding box grown by this many grid steps ...
PF_MARGIN_STEP = 3  # ... and by this many more every time the net is rerouted
PF_MARGIN_MAX = 40
PF_RESERVED_COST = 460  # a node next to another net's pin access: one step extra (sharing is negotiated)
PF_ESCAPE_PASS = 8  # from this pass on, when at most PF_ESCAPE_NETS nets are still in conflict, those nets ...
PF_ESCAPE_NETS = 6  # ... are ripped up and routed once without sharing (ends a ping-pong of two nets)


class Router:
    def __init__(self, grid: Grid, net_names: list[str], pins: list[list[list[int]]],
                 accesses: list[Access], access_at: dict[int, list[int]], strategy: str = "ripup") -> None:
        """pins[n] = list of pins of net n, each a list of grid node ids it can be reached at.

        strategy: "ripup" (the default: rip up every net in the way of a blocked one) or "pathfinder"
        (negotiated congestion: all nets share, priced, until nothing is shared; see ``_run_pathfinder``).
        """
        if strategy not in STRATEGIES:
            from chiplab.errors import FlowError  # noqa: PLC0415

            raise FlowError("route", f"unknown routing strategy {strategy!r}",
                            hint=f"use one of {', '.join(STRATEGIES)}")
        self.strategy = strategy
        self.g = grid
        self.names = net_names
        self.pins = pins
        self.accesses = accesses
        self.access_at = access_at  # met1 node id -> access ids there
        self.routes = [NetRoute() for _ in net_names]
        self.failed: set[int] = set()
        self.events: list[tuple[str, str, int]] = []  # (event, net, iteration)
        self.iterations = 0  # net routings
        self.passes = 0  # PathFinder passes (0 for the rip-up router)
        #: PathFinder: one entry per pass (nets routed, nets still in conflict, shared nodes, price, seconds,
        #: routed_without_sharing: nets the end-of-pass escape step routed without sharing)
        self.pass_log: list[dict] = []
        self.timed_out = False
        #: set to a list to record every node A* expands, in order (for a picture of the search)
        self.trace: list[int] | None = None

    # ------------------------------------------------------------------ checks
    def _others(self, values: list[int], idx: list[int], n: int) -> list[int]:
        return [values[k] for k in idx if values[k] >= 0 and values[k] != n]

    def node_conflicts(self, n: int, v: int) -> list[int] | None:
        """Nets in the way of net n using node v; None if v can never be used by n."""
        g = self.g
        o = g.owner[v]
        if o == BLOCKED or (o >= 0 and o != n and g.fixed[v]):
            return None
        out = [o] if o >= 0 and o != n else []
        layer, i, j = g.unpack(v)
        if layer == M3 or layer == M4:  # 0.3 um wide and apart: keep a free node to other nets
            for d in ((-1, 1) if layer == M3 else (-g.nx, g.nx)):
                if (layer == M3 and 0 <= i + d < g.nx) or (layer == M4 and 0 <= j + d // g.nx < g.ny):
                    w = v + d
                    ow = g.owner[w]
                    if ow >= 0 and ow != n:
                        if g.fixed[w]:
                            return None
                        out.append(ow)
        elif layer == M2:
            for dj in (-1, 1):
                if 0 <= j + dj < g.ny:
                    ov = g.v2[(j + dj) * g.nx + i]
                    if ov >= 0 and ov != n:
                        out.append(ov)
        return out

    def via_conflicts(self, n: int, i: int, j: int, cut: int) -> list[int] | None:
        g = self.g
        k = j * g.nx + i
        if cut == 3:
            return []
        if g.padbad[1][k] or (cut == 1 and g.padbad[0][k]):
            return None
        out = []
        for dj in (-1, 1):
            if not 0 <= j + dj < g.ny:
                continue
            kk = k + dj * g.nx
            # pads of two nets on vertically neighbouring nodes would be 0.08 um apart; pads of the
            # same net are fine (the DEF writer fills the gap between them with a patch)
            if cut == 1:
                o1 = g.p1[kk]
                if o1 >= 0 and o1 != n:
                    if g.pfix[kk]:
                        return None
                    out.append(o1)
            o2 = g.p2[kk]
            if o2 >= 0 and o2 != n:
                out.append(o2)
            if cut == 2:
                if g.pfix[kk] and g.p1[kk] != n:  # a pin contact there will need its own via1 pad
                    return None
                w = g.nid(M2, i, j + dj)
                ow = g.owner[w]
                if ow >= 0 and ow != n:
                    if g.fixed[w]:
                        return None
                    out.append(ow)
        return out

    # ------------------------------------------------------------------ search
    def astar(self, n: int, sources: list[int], targets: set[int], soft: bool,
              margin: int | None = None) -> list[int] | None:
        """Cheapest path from any source node to any target node (node ids), or None.

        soft: other nets' (unfixed) nodes may be used at a high price. margin: search only within the
        bounding box of sources and targets grown by this many grid steps (None: everywhere).
        """
        g = self.g
        nx, plane = g.nx, g.plane
        tl = [g.unpack(t) for t in targets]
        ti0, ti1 = min(t[1] for t in tl), max(t[1] for t in tl)
        tj0, tj1 = min(t[2] for t in tl), max(t[2] for t in tl)
        owner, hist, edgebad, resv = g.owner, g.hist, g.edgebad, g.resv
        if margin is None:
            bi0, bi1, bj0, bj1 = 0, g.nx - 1, 0, g.ny - 1
        else:
            sl = [g.unpack(s) for s in sources]
            bi0 = max(0, min(ti0, min(q[1] for q in sl)) - margin)
            bi1 = min(g.nx - 1, max(ti1, max(q[1] for q in sl)) + margin)
            bj0 = max(0, min(tj0, min(q[2] for q in sl)) - margin)
            bj1 = min(g.ny - 1, max(tj1, max(q[2] for q in sl)) + margin)
        penalty = 40000

        def h(i: int, j: int) -> int:
            di = ti0 - i if i < ti0 else (i - ti1 if i > ti1 else 0)
            dj = tj0 - j if j < tj0 else (j - tj1 if j > tj1 else 0)
            return di * 460 + dj * 340

        best: dict[int, float] = {}
        came: dict[int, int] = {}
        heap: list[tuple[float, float, int]] = []
        for s in sources:
            if self.node_conflicts(n, s) is None:
                continue
            _, i, j = g.unpack(s)
            best[s] = 0.0
            came[s] = -1
            heapq.heappush(heap, (h(i, j), 0.0, s))
        while heap:
            f, cost, v = heapq.heappop(heap)
            if cost > best.get(v, 1e18):
                continue
            if self.trace is not None:
                self.trace.append(v)
            if v in targets:
                path = [v]
                while came[path[-1]] >= 0:
                    path.append(came[path[-1]])
                return path[::-1]
            layer, rem = divmod(v, plane)
            j, i = divmod(rem, nx)
            steps: list[tuple[int, float]] = []
            if layer == M1 or layer == M3:  # horizontal layers
                eb = edgebad[layer]
                if i < bi1 and not eb[rem]:
                    steps.append((v + 1, STEP[layer]))
                if i > bi0 and not eb[rem - 1]:
                    steps.append((v - 1, STEP[layer]))
            else:  # met2 and met4 are vertical
                eb = edgebad[layer]
                if j < bj1 and not eb[rem]:
                    steps.append((v + nx, STEP[layer]))
                if j > bj0 and not eb[rem - nx]:
                    steps.append((v - nx, STEP[layer]))
            if layer == M1 or layer == M2:  # via1 up or down
                vc = self.via_conflicts(n, i, j, 1)
                if vc is not None and (soft or not vc):
                    steps.append((v + plane if layer == M1 else v - plane, VIA_COST[0] + penalty * len(vc)))
            if (layer == M2 and j % 2 == 0) or layer == M3:  # via2
                vc = self.via_conflicts(n, i, j, 2)
                if vc is not None and (soft or not vc):
                    steps.append((v + plane if layer == M2 else v - plane, VIA_COST[1] + penalty * len(vc)))
            if (layer == M3 and i % 2 == 0) or (layer == M4 and j % 2 == 0):  # via3
                steps.append((v + plane if layer == M3 else v - plane, VIA_COST[2]))
            for w, c in steps:
                if owner[w] == BLOCKED:
                    continue
                conf = self.node_conflicts(n, w)
                if conf is None or (conf and not soft):
                    continue
                nc = cost + c + hist[w] * 460 + penalty * len(conf) * (1 + hist[w])
                if resv[w] >= 0 and resv[w] != n:
                    nc += RESERVED_COST
                if nc < best.get(w, 1e18):
                    best[w] = nc
                    came[w] = v
                    _, wi, wj = g.unpack(w)
                    heapq.heappush(heap, (nc + h(wi, wj), nc, w))
        return None

    # ------------------------------------------------------------------ commit / rip
    def _path_conflicts(self, n: int, path: list[int]) -> tuple[set[int], set[int]]:
        """The nets a path runs into, and the nodes where it does."""
        g = self.g
        out: set[int] = set()
        where: set[int] = set()
        for a, b in zip([None] + path[:-1], path):
            c = self.node_conflicts(n, b)
            if c:
                out.update(c)
                where.add(b)
            if a is not None:
                la, i, j = g.unpack(a)
                lb = b // g.plane
                if la != lb:
                    c = self.via_conflicts(n, i, j, max(la, lb))
                    if c:
                        out.update(c)
                        where.update((a, b))
        return out, where

    def _commit(self, n: int, path: list[int]) -> None:
        g = self.g
        r = self.routes[n]
        for v in path:
            g.owner[v] = n
            r.nodes.add(v)
        for a, b in zip(path, path[1:]):
            la, i, j = g.unpack(a)
            lb = b // g.plane
            if la != lb:
                cut = max(la, lb)
                r.vias.add((i, j, cut))
                k = j * g.nx + i
                if cut == 1:
                    g.p1[k] = n
                    g.p2[k] = n
                else:
                    g.p2[k] = n
                    g.v2[k] = n
            else:
                r.edges.add((min(a, b), max(a, b)))
        for v in (path[0], path[-1]):
            for a in self.access_at.get(v, []):
                if self.accesses[a].net == n:
                    r.access.add(a)

    def rip(self, n: int) -> None:
        g = self.g
        r = self.routes[n]
        for v in r.nodes:
            if g.owner[v] == n and not g.fixed[v]:
                g.owner[v] = FREE
        for i, j, cut in r.vias:
            k = j * g.nx + i
            if cut == 1:
                if g.p1[k] == n and not g.pfix[k]:
                    g.p1[k] = FREE
                if g.p2[k] == n:
                    g.p2[k] = FREE
            else:
                if g.p2[k] == n:
                    g.p2[k] = FREE
                if g.v2[k] == n:
                    g.v2[k] = FREE
        self.routes[n] = NetRoute()

    def _grow_tree(self, n: int, connect: Callable[[list[int], set[int]], list[int] | None]) -> bool:
        """Route net n as a tree: from its first pin, join the other pins nearest first; ``connect(pin,
        tree)`` finds and commits a path from the pin's access points to the tree (None: unreachable).
        False if a pin cannot be reached."""
        pins = [p for p in self.pins[n] if p]
        if len(pins) < 2:
            return True
        g = self.g

        def centre(p: list[int]) -> tuple[float, float]:
            pts = [g.unpack(v) for v in p]
            return sum(q[1] for q in pts) / len(pts), sum(q[2] for q in pts) / len(pts)

        c0 = centre(pins[0])
        rest = sorted(pins[1:], key=lambda p: abs(centre(p)[0] - c0[0]) * 460 + abs(centre(p)[1] - c0[1]) * 340)
        tree: set[int] = set(pins[0])
        first = True
        for p in rest:
            if not first and tree & set(p):
                for v in tree & set(p):
                    for a in self.access_at.get(v, []):
                        if self.accesses[a].net == n:
                            self.routes[n].access.add(a)
                continue
            path = connect(p, tree)
            if path is None:
                return False
            if first:
                tree = set(self.routes[n].nodes)
                first = False
            else:
                tree |= set(path)
        return True

    def route_net(self, n: int, soft: bool) -> bool:
        def connect(p: list[int], tree: set[int]) -> list[int] | None:
            path = None
            for margin in ((12,) if soft else (4, 16)):
                path = self.astar(n, p, tree, soft, margin)
                if path is not None:
                    break
            if path is None:
                return None
            if soft:
                nets, where = self._path_conflicts(n, path)
                for m in nets:
                    if m != n:
                        self.rip(m)
                        self.queue.append(m)
                        self.events.append(("ripped", self.names[m], self.iterations))
                for v in where:  # contested nodes get dearer for everyone (negotiated congestion)
                    self.g.hist[v] += 1.0
            self._commit(n, path)
            return path

        return self._grow_tree(n, connect)

    def run(self, order: list[int], max_iterations: int | None = None,
            on_event: Callable[[str, str, int], None] | None = None, time_limit_s: float | None = None) -> None:
        """Route the nets in `order`; stop after max_iterations net routings or time_limit_s seconds."""
        if self.strategy == "pathfinder":
            self._run_pathfinder(order, max_iterations, on_event, time_limit_s)
            return
        self.queue: deque[int] = deque(order)
        limit = max_iterations or 30 * max(1, len(order)) + 200
        deadline = None if time_limit_s is None else time.monotonic() + time_limit_s
        self.timed_out = False
        while self.queue and self.iterations < limit:
            if deadline is not None and time.monotonic() > deadline:
                self.timed_out = True
                break
            n = self.queue.popleft()
            self.iterations += 1
            self.failed.discard(n)
            if self.route_net(n, soft=False):
                ev = "routed"
            else:
                self.rip(n)
                if self.route_net(n, soft=True):
                    ev = "rerouted"
                else:
                    self.rip(n)
                    self.failed.add(n)
                    ev = "failed"
            self.events.append((ev, self.names[n], self.iterations))
            if on_event:
                on_event(ev, self.names[n], self.iterations)
        for n in self.queue:
            self.failed.add(n)
        self._join_met3()

    # ------------------------------------------------------------------ PathFinder
    # Negotiated congestion (McMurchie and Ebeling, 1995). Every net is routed in the first pass with
    # sharing allowed; a node (or a via pad, or a met3/met4 neighbour) that other nets already use costs
    # (step + history) x (1 + price x users). After each pass the nodes still shared get more history,
    # the price goes up, and only the nets in conflict are ripped up and routed again, until no two nets
    # share anything. While a net is routed, the usage arrays hold only the other nets.

    def _pf_astar(self, n: int, sources: list[int], targets: set[int], margin: int | None, pres: float,
                  hard: bool = False) -> list[int] | None:
        """Cheapest path for net n from a source to a target, pricing what other nets use (None if none).

        hard: other nets' nodes are not allowed at all (the last clean-up, when time ran out).
        """
        g = self.g
        nx, ny, plane = g.nx, g.ny, g.plane
        owner, fixed, hist, resv = g.owner, g.fixed, g.hist, g.resv
        eb1, eb2, eb3, eb4 = g.edgebad
        pb0, pb1 = g.padbad
        pfix, gp1 = g.pfix, g.p1
        occ, p2c, v2c = self.occ, self.p2c, self.v2c
        trace = self.trace
        tl = [g.unpack(t) for t in targets]
        ti0, ti1 = min(t[1] for t in tl), max(t[1] for t in tl)
        tj0, tj1 = min(t[2] for t in tl), max(t[2] for t in tl)
        if margin is None:
            bi0, bi1, bj0, bj1 = 0, nx - 1, 0, ny - 1
        else:
            sl = [g.unpack(s) for s in sources]
            bi0 = max(0, min(ti0, min(q[1] for q in sl)) - margin)
            bi1 = min(nx - 1, max(ti1, max(q[1] for q in sl)) + margin)
            bj0 = max(0, min(tj0, min(q[2] for q in sl)) - margin)
            bj1 = min(ny - 1, max(tj1, max(q[2] for q in sl)) + margin)
        s1, s2, s3, s4 = STEP
        c1, c2, c3 = VIA_COST
        last_j = ny - 1
        resv_cost = PF_RESERVED_COST
        best: dict[int, float] = {}
        came: dict[int, int] = {}
        heap: list[tuple[float, float, int]] = []
        for s in sources:
            if owner[s] == BLOCKED or (fixed[s] and owner[s] != n):
                continue
            _, i, j = g.unpack(s)
            best[s] = 0.0
            came[s] = -1
            di = ti0 - i if i < ti0 else (i - ti1 if i > ti1 else 0)
            dj = tj0 - j if j < tj0 else (j - tj1 if j > tj1 else 0)
            heapq.heappush(heap, (di * 460 + dj * 340, 0.0, s))
        pop, push = heapq.heappop, heapq.heappush
        while heap:
            _f, cost, v = pop(heap)
            if cost > best[v]:
                continue
            if trace is not None:
                trace.append(v)
            if v in targets:
                path = [v]
                while came[path[-1]] >= 0:
                    path.append(came[path[-1]])
                return path[::-1]
            layer, rem = divmod(v, plane)
            j, i = divmod(rem, nx)
            # moves: (node, its layer, column, track, base cost, users of the via's pads)
            moves: list[tuple[int, int, int, int, int, int]] = []
            if layer == M1:
                if i < bi1 and not eb1[rem]:
                    moves.append((v + 1, M1, i + 1, j, s1, 0))
                if i > bi0 and not eb1[rem - 1]:
                    moves.append((v - 1, M1, i - 1, j, s1, 0))
            elif layer == M2:
                if j < bj1 and not eb2[rem]:
                    moves.append((v + nx, M2, i, j + 1, s2, 0))
                if j > bj0 and not eb2[rem - nx]:
                    moves.append((v - nx, M2, i, j - 1, s2, 0))
            elif layer == M3:
                if i < bi1 and not eb3[rem]:
                    moves.append((v + 1, M3, i + 1, j, s3, 0))
                if i > bi0 and not eb3[rem - 1]:
                    moves.append((v - 1, M3, i - 1, j, s3, 0))
            else:
                if j < bj1 and not eb4[rem]:
                    moves.append((v + nx, M4, i, j + 1, s4, 0))
                if j > bj0 and not eb4[rem - nx]:
                    moves.append((v - nx, M4, i, j - 1, s4, 0))
            if layer <= M2 and not pb0[rem] and not pb1[rem]:  # via1: pads on met1 and met2
                ok, o = True, 0
                if j > 0:
                    kk = rem - nx
                    if pfix[kk] and gp1[kk] != n:
                        ok = False
                    o += p2c[kk]
                if j < last_j:
                    kk = rem + nx
                    if pfix[kk] and gp1[kk] != n:
                        ok = False
                    o += p2c[kk]
                if ok:
                    if layer == M1:
                        moves.append((v + plane, M2, i, j, c1, o))
                    else:
                        moves.append((v - plane, M1, i, j, c1, o))
            if ((layer == M2 and j % 2 == 0) or layer == M3) and not pb1[rem]:  # via2: a tall met2 pad
                ok, o = True, 0
                for kk in ((rem - nx,) if j > 0 else ()) + ((rem + nx,) if j < last_j else ()):
                    w2 = plane + kk
                    if (pfix[kk] and gp1[kk] != n) or (fixed[w2] and owner[w2] >= 0 and owner[w2] != n):
                        ok = False
                        break
                    o += p2c[kk] + occ[w2]
                if ok:
                    if layer == M2:
                        moves.append((v + plane, M3, i, j, c2, o))
                    else:
                        moves.append((v - plane, M2, i, j, c2, o))
            if layer == M3 and i % 2 == 0:
                moves.append((v + plane, M4, i, j, c3, 0))
            elif layer == M4 and j % 2 == 0:
                moves.append((v - plane, M3, i, j, c3, 0))
            for w, lw, wi, wj, c, o in moves:
                ow = owner[w]
                if ow == BLOCKED or (fixed[w] and ow != n):
                    continue
                o += occ[w]
                if lw == M2:  # another net's M2M3 via right above or below (its met2 pad is 0.37 um tall)
                    k = w - plane
                    if wj > 0:
                        o += v2c[k - nx]
                    if wj < last_j:
                        o += v2c[k + nx]
                elif lw == M3:  # 0.3 um wide and apart: a neighbour on the track is a conflict
                    if wi > 0:
                        o += occ[w - 1]
                    if wi < nx - 1:
                        o += occ[w + 1]
                elif lw == M4:
                    if wj > 0:
                        o += occ[w - nx]
                    if wj < last_j:
                        o += occ[w + nx]
                if o and hard:
                    continue
                nc = cost + (c + 460 * hist[w]) * (1 + pres * o)
                rw = resv[w]
                if rw >= 0 and rw != n:
                    nc += resv_cost
                if nc < best.get(w, 1e18):
                    best[w] = nc
                    came[w] = v
                    di = ti0 - wi if wi < ti0 else (wi - ti1 if wi > ti1 else 0)
                    dj = tj0 - wj if wj < tj0 else (wj - tj1 if wj > tj1 else 0)
                    push(heap, (nc + di * 460 + dj * 340, nc, w))
        return None

    def _pf_commit(self, n: int, path: list[int]) -> None:
        g = self.g
        nx, plane = g.nx, g.plane
        r = self.routes[n]
        occ = self.occ
        for v in path:
            if v not in r.nodes:
                r.nodes.add(v)
                occ[v] += 1
        for a, b in zip(path, path[1:]):
            la, lb = a // plane, b // plane
            if la != lb:
                cut = max(la, lb)
                k = a - la * plane
                r.vias.add((k % nx, k // nx, cut))
                if cut <= 2 and k not in r.pads2:
                    r.pads2.add(k)
                    self.p2c[k] += 1
                if cut == 2 and k not in r.v2s:
                    r.v2s.add(k)
                    self.v2c[k] += 1
            else:
                r.edges.add((min(a, b), max(a, b)))
        for v in (path[0], path[-1]):
            for a in self.access_at.get(v, []):
                if self.accesses[a].net == n:
                    r.access.add(a)

    def _pf_rip(self, n: int) -> None:
        r = self.routes[n]
        occ, p2c, v2c = self.occ, self.p2c, self.v2c
        for v in r.nodes:
            occ[v] -= 1
        for k in r.pads2:
            p2c[k] -= 1
        for k in r.v2s:
            v2c[k] -= 1
        self.routes[n] = NetRoute()

    def _pf_route_net(self, n: int, pres: float, margin: int, hard: bool = False) -> bool:
        """Route net n (ripped up before) as a tree, one pin at a time; False if a pin cannot be reached."""
        def connect(p: list[int], tree: set[int]) -> list[int] | None:
            path = None
            for m in ((margin,) if hard else (margin, 3 * margin, None)):
                path = self._pf_astar(n, p, tree, m, pres, hard)
                if path is not None:
                    break
            if path is not None:
                self._pf_commit(n, path)
            return path

        return self._grow_tree(n, connect)

    def _pf_conflicts(self, nets: list[int] | None = None) -> tuple[set[int], set[int]]:
        """Nets that share a node (or break a via-pad / met3-met4 spacing) with another net, and where."""
        g = self.g
        nx, plane = g.nx, g.plane
        occ, p2c, v2c = self.occ, self.p2c, self.v2c
        bad: set[int] = set()
        spots: set[int] = set()
        for n in range(len(self.routes)) if nets is None else nets:
            r = self.routes[n]
            nodes = r.nodes
            if not nodes:
                continue
            for v in nodes:
                if occ[v] > 1:
                    bad.add(n)
                    spots.add(v)
                    continue
                layer, k = divmod(v, plane)
                if layer == M2:
                    for kk in (k - nx, k + nx):
                        if 0 <= kk < plane and v2c[kk] - (kk in r.v2s) > 0:
                            bad.add(n)
                            spots.update((v, plane + kk))
                elif layer == M3:
                    i = k % nx
                    for w in ((v - 1,) if i > 0 else ()) + ((v + 1,) if i < nx - 1 else ()):
                        if occ[w] - (w in nodes) > 0:
                            bad.add(n)
                            spots.update((v, w))
                elif layer == M4:
                    for w in (v - nx, v + nx):
                        if M4 * plane <= w < (M4 + 1) * plane and occ[w] - (w in nodes) > 0:
                            bad.add(n)
                            spots.update((v, w))
            for k in r.pads2:
                for kk in (k - nx, k + nx):
                    if 0 <= kk < plane and p2c[kk] - (kk in r.pads2) > 0:
                        bad.add(n)
                        spots.update((k, plane + k))
            for k in r.v2s:
                for kk in (k - nx, k + nx):
                    if 0 <= kk < plane and occ[plane + kk] - ((plane + kk) in nodes) > 0:
                        bad.add(n)
                        spots.update((plane + k, 2 * plane + k))
        return bad, spots

    def _run_pathfinder(self, order: list[int], max_iterations: int | None,
                        on_event: Callable[[str, str, int], None] | None, time_limit_s: float | None) -> None:
        g = self.g
        self.occ = [0] * len(g.owner)
        self.p2c = [0] * g.plane
        self.v2c = [0] * g.plane
        limit = max_iterations or 30 * max(1, len(order)) + 200
        start = time.monotonic()
        # passes stop at 80 % of the limit; the clean-up (if nets are still in conflict) gets the rest
        deadline = None if time_limit_s is None else start + 0.8 * time_limit_s
        self.timed_out = False
        rank = {n: k for k, n in enumerate(order)}
        reroutes = dict.fromkeys(order, 0)
        pres = PF_PRES_FIRST
        todo = list(order)
        routed: set[int] = set()

        def note(ev: str, n: int) -> None:
            self.events.append((ev, self.names[n], self.passes))
            if on_event:
                on_event(ev, self.names[n], self.passes)

        while todo:
            self.passes += 1
            t0 = time.monotonic()
            done = 0
            for n in todo:
                if self.iterations >= limit or (deadline is not None and time.monotonic() > deadline):
                    self.timed_out = True
                    break
                if n in routed:
                    self._pf_rip(n)
                    reroutes[n] += 1
                    note("ripped", n)
                self.iterations += 1
                done += 1
                margin = min(PF_MARGIN_MAX, PF_MARGIN + PF_MARGIN_STEP * reroutes[n])
                if self._pf_route_net(n, pres, margin):
                    routed.add(n)
                    self.failed.discard(n)
                    note("routed" if self.passes == 1 else "rerouted", n)
                else:
                    self._pf_rip(n)
                    routed.discard(n)
                    self.failed.add(n)
                    note("failed", n)
            bad, spots = self._pf_conflicts()
            hard = 0
            if not self.timed_out and self.passes >= PF_ESCAPE_PASS and 0 < len(bad) <= PF_ESCAPE_NETS:
                # a few nets keep pushing each other out: route them once without sharing anything;
                # any that cannot be are routed again as usual (sharing) and stay in conflict
                for n in sorted(bad, key=rank.__getitem__):
                    self._pf_rip(n)
                for n in sorted(bad, key=rank.__getitem__):
                    self.iterations += 1
                    if self._pf_route_net(n, pres, PF_MARGIN_MAX, hard=True):
                        hard += 1
                        note("rerouted", n)
                    else:
                        self._pf_rip(n)
                        if not self._pf_route_net(n, pres, PF_MARGIN_MAX):
                            self._pf_rip(n)
                            routed.discard(n)
                            self.failed.add(n)
                            note("failed", n)
                bad, spots = self._pf_conflicts()
            self.pass_log.append({"pass": self.passes, "nets_routed": done, "nets_in_conflict": len(bad),
                                  "shared_nodes": len(spots), "price": round(pres, 3),
                                  "seconds": round(time.monotonic() - t0, 3), "routed_without_sharing": hard})
            if self.timed_out or not bad:
                break
            hist = g.hist
            for v in spots:
                hist[v] += PF_HIST
            pres *= PF_PRES_MULT
            todo = sorted(bad, key=rank.__getitem__)
        if self.timed_out:
            # out of time: nets never routed fail; nets still in conflict are routed again without
            # sharing anything, in order, and fail if they cannot be (so what is written is legal)
            for n in order:
                if n not in routed and n not in self.failed:
                    self.failed.add(n)
                    note("failed", n)
            bad, _ = self._pf_conflicts()
            stop = max(time.monotonic() + 2.0, start + (time_limit_s or 0.0))  # the clean-up is bounded too
            while bad:
                for n in sorted(bad, key=rank.__getitem__):
                    self._pf_rip(n)
                for n in sorted(bad, key=rank.__getitem__):
                    if time.monotonic() < stop and self._pf_route_net(n, pres, PF_MARGIN_MAX, hard=True):
                        note("rerouted", n)
                    else:
                        self._pf_rip(n)
                        routed.discard(n)
                        self.failed.add(n)
                        note("failed", n)
                bad, _ = self._pf_conflicts()
        # the routes are legal now: write them into the grid (owner, via pads) like the rip-up router does
        for n, r in enumerate(self.routes):
            if n in self.failed:
                continue
            for v in r.nodes:
                if g.owner[v] == FREE:
                    g.owner[v] = n
            for i, j, cut in r.vias:
                k = j * g.nx + i
                if cut == 1:
                    if not g.pfix[k]:
                        g.p1[k] = n
                    g.p2[k] = n
                elif cut == 2:
                    g.p2[k] = n
                    g.v2[k] = n
        self._join_met3()

    def _join_met3(self) -> None:
        """Same-net neighbours on met3/met4 get joined (an unjoined gap would break their 0.3 um spacing)."""
        g = self.g
        for r in self.routes:
            for v in list(r.nodes):
                if v // g.plane == M3 and (v + 1) in r.nodes and (v % g.nx) + 1 < g.nx:
                    r.edges.add((v, v + 1))
                if v // g.plane == M4 and (v + g.nx) in r.nodes:
                    r.edges.add((v, v + g.nx))
