# ruff: noqa
# expected: 6
# description: part 2 "fixes" the spacing by deleting wire b (an open: its pins are left uncovered), and part 7 truncates the site count with int() (7.36 / 0.46 = 15.999... gives 15, and nand2 gives 2). Parts 1, 3, 4, 5, 6 right.
# %% cell: part2
part2 = {
    "a": ("met1", 0.0, 0.0, 3.0, 0.14),
}
show(part2, "part2")
# %% cell: part7
nand2_sites = int(pdk.cell_info("nand2_1").width_um / 0.46)
dff_sites = int(pdk.cell_info("dfxtp_1").width_um / 0.46)
