# ruff: noqa
# expected: 3
# base: blank
# description: the blank starter with parts 1, 4 and 7 written; part 7 averages the supply current over the half period that holds the rising output (T/2 to T) instead of whole periods, so its power is twice too high (hidden test). Parts 1 and 4 are right (0.69 for ln 2 is within 1 %).
# %% cell: inverter_netlist
def inverter_netlist(wn, wp):
    return "\n".join([
        f"XN out in 0 0 sky130_fd_pr__nfet_01v8 w={wn:g} l=0.15",
        f"XP out in vdd vdd sky130_fd_pr__pfet_01v8 w={wp:g} l=0.15",
    ])
# %% cell: rc_delay
def rc_delay_ps(r_kohm, c_ff):
    return 0.69 * r_kohm * c_ff
# %% cell: measured_power
_T = 1 / 200e6
_net = inverter_netlist(0.65, 1.0) + f'''
Vdd vdd 0 1.8
Cload out 0 20f
Vin in 0 pulse(0 1.8 {_T / 4:g} 20p 20p {_T / 2 - 20e-12:g} {_T:g})'''
_r = spice.simulate(_net, f"tran {_T / 1000:g} {3 * _T:g}", measures=[f"tran iavg avg i(vdd) from={_T / 2:g} to={_T:g}"])
P_MEASURED_UW = -_r.measures["iavg"] * VDD * 1e6
print(f"P_MEASURED_UW = {P_MEASURED_UW:.2f} uW")
