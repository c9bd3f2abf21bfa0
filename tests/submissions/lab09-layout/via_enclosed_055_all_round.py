# ruff: noqa
# expected: 7
# description: part 3 grows the met1 end to 0.055 um round the via on all four sides: via.4a is clean (the visible test passes) but via.5a still wants 0.085 um on one pair of opposite sides. Everything else is right.
# %% cell: part3
part3 = {
    "m1": ("met1", -2.0, -0.055, 0.205, 0.205),
    "v": ("via", 0.0, 0.0, 0.15, 0.15),
    "m2": ("met2", -0.085, -0.055, 0.235, 2.0),
}
show(part3, "part3")
