# ruff: noqa
# expected: 5
# description: part 2 merges wire b into wire a (no gap, so m1.2 is clean, but the two nets are shorted); part 4 encloses the mcon by only 0.03 um all round (m1.4 clean, m1.5 fires); part 6 answers the met1 rule m1.2 for met2 wires. Parts 1, 3, 5, 7 right.
# %% cell: part2
part2 = {
    "a": ("met1", 0.0, 0.0, 3.0, 0.14),
    "b": ("met1", 0.0, 0.10, 3.0, 0.50),
}
show(part2, "part2")
# %% cell: part4
part4 = {
    "li": ("li1", 0.0, 0.0, 0.17, 2.0),
    "c": ("mcon", 0.0, 0.5, 0.17, 0.67),
    "m1": ("met1", -0.03, 0.47, 3.0, 0.70),
}
show(part4, "part4")
# %% cell: part6
met2_gap_rule = "m1.2"
