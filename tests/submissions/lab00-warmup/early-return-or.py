# ruff: noqa
# expected: 1
# description: count_ones returns inside its loop (after the first bit); y written with OR instead of AND
#   (right inputs, so the visible test passes, the hidden exhaustive check fails). Loses 2 + 2.
# %% cell: q2-count-ones
def count_ones(bits):
    count = 0
    for bit in bits:
        if bit == 1:
            count += 1
        return count
    return count
# %% cell: q3-parse
y = parse("a | ~b")
print(truth_table(y))
