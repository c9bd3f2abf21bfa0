# ruff: noqa
# expected: 5
# base: blank
# description: a student who stopped after Part 2: gates and XOR/XNOR done, every other cell left blank.
# %% cell: q1-basic-gates
def and_gate(a, b):
    return int(a and b)


def or_gate(a, b):
    return int(a or b)


def not_gate(a):
    return int(not a)


def nand_gate(a, b):
    return not_gate(and_gate(a, b))


def nor_gate(a, b):
    return not_gate(or_gate(a, b))
# %% cell: q2-xor-xnor
def xor_gate(a, b):
    return (a + b) % 2


def xnor_gate(a, b):
    return 1 - xor_gate(a, b)
