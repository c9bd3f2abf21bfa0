# ruff: noqa
# expected: 14
# description: a correct but not minimal SOP (the don't cares were not used: 6 literals instead of 4)
# %% cell: prime_sop
prime_sop = "~a & ~b & c | ~a & b & d"
