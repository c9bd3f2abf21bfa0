# ruff: noqa
# expected: 2
# base: blank
# description: the blank starter with parts 1, 3, 4 and 5 written. N_CELLS counts the cell types (len of .cells) instead of the cells, and CRITICAL_CELL names the last gate before the flip-flop instead of the slowest one (both pass the visible tests, fail the hidden ones); MAJORITY_CELL and CHEAPER are right.
# %% cell: n_cells
N_CELLS = len(synth.synthesize(Popcount4(), top="popcount4").cells)
# %% cell: majority_cell
MAJORITY_CELL = "maj3_1"
# %% cell: critical_cell
_counter = synth.synthesize(synth.DESIGNS / "counter4.v", top="counter4")
_report = timing.analyze(_counter.netlist, period_ns=10)
_comb = [p for p in _report.critical_path if p.cell and not pdk.cell_info(p.cell).is_sequential]
CRITICAL_CELL = pdk.short_name(_comb[-1].cell)
# %% cell: cheaper
_x = synth.synthesize(AddSubX(), top="addsub_x").area_um2
_y = synth.synthesize(AddSubY(), top="addsub_y").area_um2
CHEAPER = "X" if _x < _y else "Y"
