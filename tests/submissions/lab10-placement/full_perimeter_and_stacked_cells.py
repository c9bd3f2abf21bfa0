# ruff: noqa
# expected: 5
# description: hpwl returns the full perimeter (twice the half perimeter), which also doubles total_hpwl; part 6 packs every cell into row 0 from site 0, which overlaps (and overflows the row) but has a tiny wirelength.
# %% cell: part1
def hpwl(points):
    if len(points) < 2:
        return 0.0
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return 2 * ((max(xs) - min(xs)) + (max(ys) - min(ys)))
# %% cell: part6
better = {c: (0, 0) for c in BAD}
draw(better, "your placement")
