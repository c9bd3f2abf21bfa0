# ruff: noqa
# expected: 6
# description: SharedAdder only renames TwoAdders (the same two adders and a multiplexer): the right function, but about 490 um^2, over the 420 um^2 budget (visible and hidden tests fail). Parts 1-5 are right.
# %% cell: shared_adder
class SharedAdder(TwoAdders):
    pass
