# ruff: noqa
# expected: 11
# description: inverter_netlist gives the nMOS the pMOS width and the pMOS the nMOS width: it still inverts (passes the visible test) but switches at the wrong voltage (the hidden simulation fails). Everything else is right.
# %% cell: inverter_netlist
def inverter_netlist(wn, wp):
    return "\n".join([
        f"XN out in 0 0 sky130_fd_pr__nfet_01v8 w={wp:g} l=0.15",
        f"XP out in vdd vdd sky130_fd_pr__pfet_01v8 w={wn:g} l=0.15",
    ])
