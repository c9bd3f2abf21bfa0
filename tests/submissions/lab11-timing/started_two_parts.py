# ruff: noqa
# expected: 2
# base: blank
# description: the blank starter with only parts 1 and 2 written, both right: the other parts still raise NotImplementedError.
# %% cell: slack
def slack(arrival_ns, period_ns, setup_ns):
    return (period_ns - setup_ns) - arrival_ns
# %% cell: fmax
def fmax_mhz(period_ns, wns_ns):
    return 1000.0 / (period_ns - wns_ns)
