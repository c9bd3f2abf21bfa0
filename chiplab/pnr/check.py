"""Checks of a routed DEF, independent of the router's own bookkeeping.

* ``drc``: KLayout reads the DEF with the tech and cell LEFs (so this also proves the DEF parses);
  per layer the merged shapes are checked for minimum width and spacing (sky130 li1 0.17/0.17, met1
  0.14/0.14, met2 0.14/0.14, met3 and met4 0.3/0.3, mcon 0.17/0.19, via 0.15/0.17, via2 and via3 0.2/0.2), metal pieces must meet the minimum area, cuts must sit
  inside both metals they join, and every vertex must be on the 5 nm grid.
* ``connectivity``: the DEF text is read again here, each net's wires and vias turned into rectangles
  (widths and via shapes from the tech LEF); every net must join all its pins (li1 pin shapes of the
  placed cells, I/O pins) in one piece, and no shape may touch another net's shape or a cell's metal.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from pathlib import Path

from chiplab import pdk
from chiplab.pnr.lefdef import POWER_PINS, Rect, macro

RULES = {  # layer: (min width, min spacing) in um
    "li1": (0.17, 0.17), "mcon": (0.17, 0.19), "met1": (0.14, 0.14), "via": (0.15, 0.17),
    "met2": (0.14, 0.14), "via2": (0.2, 0.2), "met3": (0.3, 0.3), "via3": (0.2, 0.2), "met4": (0.3, 0.3),
}
MIN_AREA = {"met1": 0.083, "met2": 0.0676, "met3": 0.24, "met4": 0.24}  # um^2
CUTS = {"mcon": ("li1", "met1"), "via": ("met1", "met2"), "via2": ("met2", "met3"), "via3": ("met3", "met4")}
ORDER = ["li1", "mcon", "met1", "via", "met2", "via2", "met3", "via3", "met4"]
WIDTH = {"li1": 170, "met1": 140, "met2": 140, "met3": 300, "met4": 300}


@functools.cache
def tech_vias() -> dict[str, list[tuple[str, Rect]]]:
    vias: dict[str, list[tuple[str, Rect]]] = {}
    name = layer = None
    for raw in pdk.tech_lef().read_text().splitlines():
        tok = raw.split("#", 1)[0].replace(";", " ").split()
        if not tok:
            continue
        if tok[0] == "VIA" and len(tok) >= 2:
            name = tok[1]
            vias[name] = []
        elif tok[0] == "VIARULE":
            name = None
        elif tok[0] == "LAYER" and name:
            layer = tok[1]
        elif tok[0] == "RECT" and name and layer:
            x0, y0, x1, y1 = (int(round(float(v) * 1000)) for v in tok[1:5])
            vias[name].append((layer, (x0, y0, x1, y1)))
        elif tok[0] == "END" and name and len(tok) > 1 and tok[1] == name:
            name = None
    return vias


def drc(def_path: str | Path, lefs: list[Path]) -> dict[str, int]:
    """Width/spacing/enclosure/grid violations per rule, from KLayout's reading of the DEF."""
    import klayout.db as db  # noqa: PLC0415

    layout = db.Layout()
    cfg = db.LEFDEFReaderConfiguration()
    cfg.lef_files = [str(p) for p in lefs]
    cfg.produce_labels = False
    cfg.produce_lef_labels = False
    opt = db.LoadLayoutOptions()
    opt.lefdef_config = cfg
    layout.read(str(def_path), opt)
    top = layout.top_cell()
    regions: dict[str, db.Region] = defaultdict(db.Region)
    for li in layout.layer_indexes():
        info = layout.get_info(li)
        base = (info.name or "").split(".")[0]
        if base in RULES and "LABEL" not in (info.name or "") and "OUTLINE" not in (info.name or ""):
            regions[base] += db.Region(top.begin_shapes_rec(li))
    out: dict[str, int] = {}
    dbu = layout.dbu
    for layer, (w, s) in RULES.items():
        r = regions[layer].merged()
        out[f"{layer}.width"] = r.width_check(round(w / dbu)).count()
        out[f"{layer}.spacing"] = r.space_check(round(s / dbu)).count()
        out[f"{layer}.offgrid"] = r.grid_check(round(0.005 / dbu), round(0.005 / dbu)).count()
    for layer, area in MIN_AREA.items():
        out[f"{layer}.area"] = sum(1 for p in regions[layer].merged().each() if p.area() * dbu * dbu < area - 1e-9)
    for cut, (below, above) in CUTS.items():
        c = regions[cut]
        out[f"{cut}.enclosure"] = (c - regions[below]).count() + (c - regions[above]).count()
    out["total"] = sum(out.values())
    return out


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _touch(a: Rect, b: Rect) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _parse_def(text: str) -> tuple[dict, dict, dict, dict]:
    comps = {m.group(1): (m.group(2), int(m.group(3)), int(m.group(4)), m.group(5)) for m in re.finditer(
        r"^- (\S+) (\S+) \+ PLACED \( (-?\d+) (-?\d+) \) (\S+) ;", text, re.M)}
    pins = {}
    for m in re.finditer(r"^- (\S+) \+ NET (\S+) .*?\n\s+\+ PORT \+ LAYER (\S+) \( (-?\d+) (-?\d+) \) \( (-?\d+) "
                         r"(-?\d+) \) \+ PLACED \( (-?\d+) (-?\d+) \)", text, re.M):
        x, y = int(m.group(8)), int(m.group(9))
        pins[m.group(1)] = (m.group(2), m.group(3), (x + int(m.group(4)), y + int(m.group(5)),
                                                     x + int(m.group(6)), y + int(m.group(7))))
    nets_sec = text.split("\nNETS ", 1)[1].split("END NETS", 1)[0]
    conns: dict[str, list[tuple[str, str]]] = {}
    wires: dict[str, list[tuple[str, Rect]]] = {}
    vias = tech_vias()
    for block in nets_sec.split("\n- ")[1:]:
        head, _, body = block.partition("\n")
        name = head.split()[0]
        conns[name] = re.findall(r"\( (\S+) (\S+) \)", head)
        shapes: list[tuple[str, Rect]] = []
        for stmt in re.split(r"\+ ROUTED|NEW", body)[1:]:
            tok = stmt.replace(";", " ").split()
            layer = tok[0]
            pts = re.findall(r"\( (-?\d+|\*) (-?\d+|\*) \)", stmt)
            tail = stmt.rsplit(")", 1)[1].split()
            x0, y0 = int(pts[0][0]), int(pts[0][1])
            if len(pts) == 2:
                x1 = x0 if pts[1][0] == "*" else int(pts[1][0])
                y1 = y0 if pts[1][1] == "*" else int(pts[1][1])
                h = WIDTH[layer] // 2
                shapes.append((layer, (min(x0, x1) - h, min(y0, y1) - h, max(x0, x1) + h, max(y0, y1) + h)))
            if tail and tail[0] in vias:
                for vl, r in vias[tail[0]]:
                    shapes.append((vl, (x0 + r[0], y0 + r[1], x0 + r[2], y0 + r[3])))
        wires[name] = shapes
    return comps, pins, conns, wires


def connectivity(def_path: str | Path) -> dict:
    """Opens (nets whose pins are not all joined) and shorts (touching shapes of different nets)."""
    text = Path(def_path).read_text()
    comps, pins, conns, wires = _parse_def(text)

    def cell_rect(inst: str, r: Rect) -> Rect:
        cell, x, y, orient = comps[inst]
        h = macro(cell).height
        if orient == "N":
            return (x + r[0], y + r[1], x + r[2], y + r[3])
        return (x + r[0], y + h - r[3], x + r[2], y + h - r[1])

    # every shape with its owner: a net name, or "#cell" for cell metal that belongs to no routed net
    shapes: list[tuple[str, str, Rect]] = []
    pin_shapes: dict[tuple[str, str], list[int]] = {}
    for inst, (cell, *_rest) in comps.items():
        m = macro(cell)
        for pname, p in m.pins.items():
            for layer, rects in p.rects.items():
                if layer not in ORDER:
                    continue
                for r in rects:
                    owner = f"#{pname}" if pname in POWER_PINS else f"@{inst}/{pname}"
                    pin_shapes.setdefault((inst, pname), []).append(len(shapes))
                    shapes.append((owner, layer, cell_rect(inst, r)))
        for layer, rects in m.obs.items():
            if layer in ORDER:
                for r in rects:
                    shapes.append((f"#obs:{inst}", layer, cell_rect(inst, r)))
    for pname, (_net, layer, r) in pins.items():
        if pname not in POWER_PINS:
            pin_shapes.setdefault(("PIN", pname), []).append(len(shapes))
            shapes.append((f"@PIN/{pname}", layer, r))
    first_wire = len(shapes)
    for net, ss in wires.items():
        for layer, r in ss:
            shapes.append((net, layer, r))
    # which net each pin shape belongs to
    pin_net = {}
    for net, cs in conns.items():
        for inst, pin in cs:
            pin_net[f"@{inst}/{pin}"] = net
    # spatial buckets
    bucket: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    size = 2000
    for k, (_, layer, r) in enumerate(shapes):
        for bx in range(r[0] // size, r[2] // size + 1):
            for by in range(r[1] // size, r[3] // size + 1):
                bucket[(layer, bx, by)].append(k)
    parent = list(range(len(shapes)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    shorts = set()
    adjacent = {lay: [ORDER[i - 1] if i > 0 else None, ORDER[i + 1] if i + 1 < len(ORDER) else None]
                for i, lay in enumerate(ORDER)}
    for k in range(first_wire, len(shapes)):
        net, layer, r = shapes[k]
        seen = set()
        for other_layer in [layer] + [lay for lay in adjacent[layer] if lay]:
            for bx in range(r[0] // size, r[2] // size + 1):
                for by in range(r[1] // size, r[3] // size + 1):
                    for q in bucket.get((other_layer, bx, by), []):
                        if q == k or q in seen:
                            continue
                        seen.add(q)
                        onet, olayer, orr = shapes[q]
                        cut_pair = layer in CUTS or olayer in CUTS
                        if olayer != layer and not cut_pair:
                            continue
                        if not (_overlap(r, orr) if olayer != layer else _touch(r, orr)):
                            continue
                        if onet.startswith("@"):
                            qnet = pin_net.get(onet, "unconnected pin " + onet[1:])
                        elif onet.startswith("#"):
                            qnet = onet[1:]
                        else:
                            qnet = onet
                        if qnet != net:
                            shorts.add(tuple(sorted((net, qnet))))
                            continue
                        parent[find(k)] = find(q)
    opens = []
    for net, cs in conns.items():
        if len(cs) < 2:
            continue
        roots = set()
        for inst, pin in cs:
            ks = pin_shapes.get((inst, pin), [])
            roots.add(frozenset(find(q) for q in ks) if ks else frozenset({-1}))
        # every pin must share one root with the first pin
        groups = [set(g) for g in roots]
        common = set.intersection(*groups) if groups else set()
        if not common:
            opens.append(net)
    return {"opens": sorted(opens), "shorts": sorted(shorts), "ok": not opens and not shorts,
            "nets_checked": sum(1 for c in conns.values() if len(c) >= 2)}


def check_def(def_path: str | Path, lefs: list[Path] | None = None) -> dict:
    """Run :func:`drc` and :func:`connectivity` on a routed DEF."""
    text = Path(def_path).read_text()
    if lefs is None:
        cells = set(re.findall(r"^- \S+ sky130_fd_sc_hd__(\S+) \+ PLACED", text, re.M))
        from chiplab.pnr.lefdef import lef_files  # noqa: PLC0415

        lefs = lef_files(cells)
    d = drc(def_path, lefs)
    c = connectivity(def_path)
    return {"drc": d, "drc_errors": d["total"], **c}
