# ruff: noqa
# expected: 2
# base: blank
# description: the blank starter with only parts 1 and 5 done: the li1 wire widened downwards (still covering its pins) and the off-grid wire snapped down to 2.0 x 0.14 um.
# %% cell: part1
part1 = {
    "wire": ("li1", 0.0, -0.05, 2.0, 0.12),
}
show(part1, "part1")
# %% cell: part5
part5 = {
    "w": ("met1", 0.0, 0.0, 2.0, 0.14),
}
show(part5, "part5")
