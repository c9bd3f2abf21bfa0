# ruff: noqa
# expected: 3
# description: y left as a plain string instead of an expression made with parse(). Loses 2.
# %% cell: q3-parse
y = "a & ~b"
