"""Floorplan: core size from a utilization target, unithd rows, well taps, power rails and straps, I/O slots.

The die is laid out so that the routing grid of the sky130 hd tech LEF lines up with it: vertical
(met2) tracks at x = 0.23 + 0.46 i and horizontal (met1) tracks at y = 0.17 + 0.34 j, with the core's
lower-left corner on a multiple of the site width (0.46 um) and of the met1 pitch (0.34 um). A row is
2.72 um = 8 met1 pitches high, so every row sees the tracks at the same offsets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from chiplab.errors import FlowError
from chiplab.pnr.lefdef import ROW_H, SITE_W, XOFF, XPITCH, YOFF, YPITCH, Macro, Netlist, Rect, macro

TAP_CELL = "tapvpwrvgnd_1"
#: sky130 needs every diffusion within 15 um of a well tap; a tap every 13 um in each row keeps the
#: worst case near 6.5 um (the spacing OpenLane uses for the hd library).
TAP_PITCH_UM = 13.0
RAIL_W = 480  # met1 power rail width (the cells' own rails: 0.48 um)
STRAP_W = 480  # met2 power strap width
MARGIN_COLS = 12  # columns of routing space left and right of the core
MARGIN_ROWS = 12  # met1 tracks of routing space below and above the core
PIN_LEN = 500  # I/O pin rectangle length (met2, from the die edge inwards)


@dataclass
class IOPin:
    name: str
    direction: str
    col: int  # routing-grid column
    top: bool  # on the top edge (else bottom)


@dataclass
class Floorplan:
    nrows: int
    nsites: int
    core_x0: int
    core_y0: int
    die: Rect
    ncols: int  # routing grid columns
    ntracks: int  # routing grid rows (met1 tracks)
    taps: list[tuple[int, int]]  # (row, site)
    pins: dict[str, IOPin]
    strap_cols: tuple[int, int]  # VPWR strap column (left), VGND strap column (right)
    utilization: float
    cell_area_um2: float
    notes: list[str] = field(default_factory=list)

    @property
    def core(self) -> Rect:
        return (self.core_x0, self.core_y0, self.core_x0 + self.nsites * SITE_W, self.core_y0 + self.nrows * ROW_H)

    def row_orient(self, row: int) -> str:
        return "N" if row % 2 == 0 else "FS"

    def row_y(self, row: int) -> int:
        return self.core_y0 + row * ROW_H

    def site_x(self, site: int) -> int:
        return self.core_x0 + site * SITE_W

    @staticmethod
    def col_x(col: int) -> int:
        return XOFF + col * XPITCH

    @staticmethod
    def track_y(track: int) -> int:
        return YOFF + track * YPITCH

    def rail_net(self, k: int) -> str:
        """Net of the rail on row boundary k (0 = bottom of row 0): VGND, VPWR, VGND, ..."""
        return "VGND" if k % 2 == 0 else "VPWR"

    def rails(self) -> list[tuple[str, Rect]]:
        """The met1 power rails (one per row boundary), reaching the straps in the margins."""
        x0 = self.col_x(self.strap_cols[0]) - STRAP_W // 2
        x1 = self.col_x(self.strap_cols[1]) + STRAP_W // 2
        out = []
        for k in range(self.nrows + 1):
            y = self.core_y0 + k * ROW_H
            out.append((self.rail_net(k), (x0, y - RAIL_W // 2, x1, y + RAIL_W // 2)))
        return out

    def straps(self) -> list[tuple[str, Rect]]:
        """VPWR strap (met2) left of the core, VGND strap right of it, each from its first to its last rail."""
        out = []
        for net, col in (("VPWR", self.strap_cols[0]), ("VGND", self.strap_cols[1])):
            ys = [self.core_y0 + k * ROW_H for k in range(self.nrows + 1) if self.rail_net(k) == net]
            x = self.col_x(col)
            out.append((net, (x - STRAP_W // 2, min(ys) - RAIL_W // 2, x + STRAP_W // 2, max(ys) + RAIL_W // 2)))
        return out

    def strap_vias(self) -> list[tuple[str, int, int]]:
        out = []
        for net, col in (("VPWR", self.strap_cols[0]), ("VGND", self.strap_cols[1])):
            for k in range(self.nrows + 1):
                if self.rail_net(k) == net:
                    out.append((net, self.col_x(col), self.core_y0 + k * ROW_H))
        return out

    def pin_rect(self, pin: IOPin) -> Rect:
        x = self.col_x(pin.col)
        if pin.top:
            return (x - 70, self.die[3] - PIN_LEN, x + 70, self.die[3])
        return (x - 70, 0, x + 70, PIN_LEN)

    def pin_slots(self) -> list[int]:
        """Columns where I/O pins may go (every other column, clear of the power straps)."""
        lo, hi = self.strap_cols[0] + 3, self.strap_cols[1] - 3
        return list(range(lo, hi + 1, 2))


def _tap_sites(nsites: int) -> list[int]:
    pitch = max(2, int(TAP_PITCH_UM * 1000) // SITE_W)
    sites = list(range(0, nsites, pitch))
    if nsites - 1 - sites[-1] > pitch // 2:
        sites.append(nsites - 1)
    return sites


def make_floorplan(netlist: Netlist, utilization: float = 0.5, aspect_ratio: float = 1.0,
                   core_size_um: tuple[float, float] | None = None) -> Floorplan:
    """Size the core for the netlist's cells at a target utilization (cell area / core area).

    aspect_ratio is core height / width. core_size_um fixes the core (width, height) instead; a design
    that does not fit raises FlowError('floorplan', ...).
    """
    if not 0.05 <= utilization <= 0.85:
        raise FlowError("floorplan", f"utilization {utilization} is out of range",
                        hint="use a target utilization between 0.05 and 0.85 (0.4-0.6 routes easily)")
    if not 0.2 <= aspect_ratio <= 5:
        raise FlowError("floorplan", f"aspect ratio {aspect_ratio} is out of range", hint="use 0.2 to 5")
    macros: list[Macro] = [macro(i.cell) for i in netlist.instances]
    if not macros:
        raise FlowError("floorplan", "the netlist has no cells", hint="check that synthesis kept your logic "
                        "(outputs that are never driven are optimised away)")
    cell_sites = sum(m.sites for m in macros)
    widest = max(m.sites for m in macros)
    cell_area = cell_sites * SITE_W * ROW_H / 1e6
    if core_size_um is not None:
        nsites = int(core_size_um[0] * 1000) // SITE_W
        nrows = int(core_size_um[1] * 1000) // ROW_H
        if nsites < 1 or nrows < 1:
            raise FlowError("floorplan", f"core {core_size_um} um is smaller than one row of one site",
                            hint="give a core of at least a few microns each way")
    else:
        area_sites = cell_sites / utilization
        # width w, height h (in sites and rows): w*h*SITE_W*ROW_H = area, h*ROW_H = ar * w*SITE_W
        w = math.sqrt(area_sites * SITE_W * ROW_H / aspect_ratio) / SITE_W
        nrows = max(1, round(w * SITE_W * aspect_ratio / ROW_H))
        nsites = max(widest + 2, math.ceil(area_sites / nrows))
        nsites += len(_tap_sites(nsites))  # room for the taps
    taps_per_row = len(_tap_sites(nsites))
    free = nrows * (nsites - taps_per_row)
    if cell_sites > 0.95 * free or widest > nsites - 2:
        need = cell_area / 0.7
        raise FlowError(
            "floorplan",
            f"the design does not fit: its {len(macros)} cells cover {cell_area:.0f} um^2 but the core "
            f"({nsites * SITE_W / 1000:.1f} x {nrows * ROW_H / 1000:.1f} um, less well taps) holds "
            f"{free * SITE_W * ROW_H / 1e6:.0f} um^2",
            hint=f"give a core of at least ~{need:.0f} um^2 (e.g. {math.sqrt(need):.0f} x {math.sqrt(need):.0f} um) "
            "or let the floorplan size itself from a utilization target",
        )
    # I/O: every other column on the bottom and top edges; widen the core if there are too many pins
    nio = len(netlist.ports)
    need_cols = math.ceil(nio / 2) * 2 + 8
    core_cols = nsites
    if need_cols > core_cols + 2 * MARGIN_COLS - 12:
        core_cols = need_cols - 2 * MARGIN_COLS + 12
    margin_x = MARGIN_COLS + (core_cols - nsites) // 2
    core_x0 = margin_x * SITE_W
    core_y0 = MARGIN_ROWS * YPITCH
    ncols = nsites + 2 * margin_x + (core_cols - nsites) % 2
    ntracks = (nrows * ROW_H) // YPITCH + 2 * MARGIN_ROWS
    die = (0, 0, ncols * XPITCH, ntracks * YPITCH)
    strap_cols = (margin_x - 6, margin_x + nsites + 5)
    taps = [(r, s) for r in range(nrows) for s in _tap_sites(nsites)]
    fp = Floorplan(nrows, nsites, core_x0, core_y0, die, ncols, ntracks, taps, {}, strap_cols,
                   cell_sites / (nrows * nsites), cell_area)
    slots = fp.pin_slots()
    names = sorted(netlist.ports, key=lambda p: (netlist.ports[p] != "INPUT", p))
    if len(names) > 2 * len(slots):  # pragma: no cover - the widening above prevents it
        raise FlowError("floorplan", f"{len(names)} I/O pins do not fit on the die edges", hint="raise the core width")
    # first placement of pins: inputs along the bottom, outputs along the top, evenly spread
    bottom = [n for n in names if netlist.ports[n] == "INPUT"]
    top = [n for n in names if netlist.ports[n] != "INPUT"]
    while len(bottom) > len(slots):
        top.append(bottom.pop())
    while len(top) > len(slots):
        bottom.append(top.pop())
    for group, is_top in ((bottom, False), (top, True)):
        for k, n in enumerate(group):
            col = slots[int((k + 0.5) * len(slots) / len(group))] if group else 0
            fp.pins[n] = IOPin(n, netlist.ports[n], col, is_top)
    return fp


def tap_distance_um(fp: Floorplan) -> float:
    """Largest distance (um) from any site in a row to the nearest tap of that row."""
    worst = 0.0
    for r in range(fp.nrows):
        xs = sorted(s for rr, s in fp.taps if rr == r)
        for s in range(fp.nsites):
            worst = max(worst, min(abs(s - t) for t in xs) * SITE_W / 1000)
    return worst
