# ruff: noqa
# expected: 9
# description: slack returns arrival minus required (the sign flipped: a violated path gets a positive slack); it still returns a number, so the visible test passes and the hidden one fails. Parts 2-6 are right.
# %% cell: slack
def slack(arrival_ns, period_ns, setup_ns):
    return arrival_ns - (period_ns - setup_ns)
