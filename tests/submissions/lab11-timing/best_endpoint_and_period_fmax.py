# ruff: noqa
# expected: 7
# description: critical_endpoint takes the endpoint with the LARGEST slack (an endpoint of the report, so the visible test passes), and fmax_mhz converts the analysed period instead of the shortest period (period - WNS): plausible MHz, wrong formula. Parts 1, 4, 5 and 6 are right.
# %% cell: critical_endpoint
def critical_endpoint(report):
    return max(report.endpoints, key=lambda e: e.slack).name
# %% cell: fmax
def fmax_mhz(period_ns, wns_ns):
    return 1000.0 / period_ns
