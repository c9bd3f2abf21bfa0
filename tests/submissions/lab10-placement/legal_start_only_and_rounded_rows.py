# ruff: noqa
# expected: 7
# description: is_legal checks only that a cell's first site is inside the row (a wide cell may hang over the end), and sites_per_row rounds to the nearest site instead of up, so the utilization can exceed the target.
# %% cell: part3
def is_legal(placement, widths, nrows, nsites):
    used = set()
    for c, (r, s) in placement.items():
        if not (0 <= r < nrows and 0 <= s < nsites):
            return False
        for k in range(s, s + widths[c]):
            if (r, k) in used:
                return False
            used.add((r, k))
    return True
# %% cell: part5
def sites_per_row(cell_sites, utilization, nrows):
    return round(cell_sites / (utilization * nrows))
