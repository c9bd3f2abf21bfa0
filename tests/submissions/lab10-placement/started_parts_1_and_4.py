# ruff: noqa
# expected: 3
# base: blank
# description: the blank starter with only parts 1 and 4 done, both correctly.
# %% cell: part1
def hpwl(points):
    if len(points) < 2:
        return 0
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return max(xs) - min(xs) + max(ys) - min(ys)
# %% cell: part4
import math


def accept(delta, T, u):
    return delta <= 0 or u < math.exp(-delta / T)
