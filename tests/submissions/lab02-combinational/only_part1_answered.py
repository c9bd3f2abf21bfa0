# ruff: noqa
# expected: 2
# base: blank
# description: the released starter with only Part 1 answered (a minimal SOP, written with + and !): every other part still raises NotImplementedError
# %% cell: prime_sop
prime_sop = "!b & c + b & d"
