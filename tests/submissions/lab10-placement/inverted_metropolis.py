# ruff: noqa
# expected: 8
# description: the Metropolis test turned round: an uphill move is taken when u > exp(-delta / T), so the hotter the anneal the fewer uphill moves pass.
# %% cell: part4
import math


def accept(delta, T, u):
    if delta <= 0:
        return True
    return u > math.exp(-delta / T)
