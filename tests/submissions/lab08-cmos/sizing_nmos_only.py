# ruff: noqa
# expected: 10
# description: part 5 widens only the nMOS (WN_FAST = 5, WP_FAST = 1): legal sizes (passes the visible test) but the rising delay at 50 fF is far above 100 ps (the hidden simulation fails). Everything else is right.
# %% cell: sizing
WN_FAST, WP_FAST = 5.0, 1.0
