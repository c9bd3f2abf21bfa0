# ruff: noqa
# expected: 12
# description: dynamic_power_uw uses 1/2 C V^2 f (the energy stored in the capacitor, not the energy drawn from the supply): linear in f and quadratic in VDD (passes the visible test), wrong by a factor 2 (hidden test). Everything else is right.
# %% cell: dynamic_power
def dynamic_power_uw(c_ff, vdd, f_mhz):
    return 0.5 * c_ff * 1e-15 * vdd**2 * f_mhz * 1e6 * 1e6
