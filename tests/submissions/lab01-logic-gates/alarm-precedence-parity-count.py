# ruff: noqa
# expected: 16
# description: alarm missing parentheses (smoke rings the siren during a test); parity returns the number of
#   ones instead of its lowest bit; minimal SOP that keeps a redundant literal (4 literals). Loses 2 + 2 + 3.
# %% cell: q4-alarm
alarm = "~t & a & d | s"
# %% cell: q10-parity
def parity(bits):
    return sum(bits)
# %% cell: q8-min-sop
g_min = "c | a & b & ~c"
