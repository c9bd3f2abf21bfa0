# ruff: noqa
# expected: 19
# description: De Morgan applied to the variables but the ORs not turned into ANDs; the prime truth table
#   read with c as the most significant bit. Loses 2 + 2.
# %% cell: q5-de-morgan
f_demorgan = "~a | ~b | c"
# %% cell: q3-truth-table
p_outputs = [0, 0, 1, 0, 0, 1, 1, 1]
