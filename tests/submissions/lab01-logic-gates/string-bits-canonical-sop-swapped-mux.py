# ruff: noqa
# expected: 15
# description: gates return the strings '0'/'1' (XOR/XNOR return bools, which are accepted); the canonical
#   sum of minterms instead of a minimal SOP; the multiplexer's data inputs swapped. Loses 3 + 3 + 2.
# %% cell: q1-basic-gates
def and_gate(a, b):
    return "1" if a == 1 and b == 1 else "0"


def or_gate(a, b):
    return "1" if a == 1 or b == 1 else "0"


def not_gate(a):
    return "0" if a == 1 else "1"


def nand_gate(a, b):
    return not_gate(int(and_gate(a, b)))


def nor_gate(a, b):
    return not_gate(int(or_gate(a, b)))
# %% cell: q2-xor-xnor
def xor_gate(a, b):
    return a != b


def xnor_gate(a, b):
    return a == b
# %% cell: q8-min-sop
g_min = "~a & ~b & c | ~a & b & c | a & ~b & c | a & b & ~c | a & b & c"
# %% cell: q9-mux
mux = "s & a | ~s & b"
