# ruff: noqa
# expected: 24
# description: "more margin is safer": the flow is run at 10 ns (100 MHz) instead of the spec's 20 ns, so the student's timing check (3c, 1) fails its visible test and the one-page report is for the wrong clock (4a, 3, lost: its clock, WNS and fmax do not agree with the grader's run at the spec clock). RTL, testbench, layout, gate-level and the verification line are right.
# %% cell: flow
to_verilog(Crc8(), name="crc8", path=f"{BUILD}/crc8.v")
FLOW = run_flow([f"{BUILD}/crc8.v"], "crc8", clock_ns=10.0, out_dir=f"{BUILD}/flow")
FLOW
