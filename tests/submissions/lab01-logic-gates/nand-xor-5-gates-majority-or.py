# ruff: noqa
# expected: 18
# description: XOR built with 5 NANDs (the first NAND built twice instead of shared); majority has b | c
#   where b & c was meant (passes the visible checks, fails the hidden exhaustive one). Loses 3 + 2.
# %% cell: q7-nand-xor
xor_nand = [
    ("n1", "nand", "a", "b"),
    ("n2", "nand", "a", "n1"),
    ("n1b", "nand", "a", "b"),
    ("n3", "nand", "b", "n1b"),
    ("y", "nand", "n2", "n3"),
]
# %% cell: q6-majority
majority = "a & b | a & c | b | c"
