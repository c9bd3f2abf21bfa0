"""lab07 grading helpers: each check passes a right answer and rejects a wrong one, by real synthesis."""


import pytest
from amaranth import Module, Mux

from autograder import synth_checks as sc


class Shared(sc.TwoAdders):
    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.y.eq(Mux(self.sel, self.a, self.c) + Mux(self.sel, self.b, self.d))
        return m


class SharedWrong(sc.TwoAdders):
    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.y.eq(Mux(self.sel, self.a, self.c) + Mux(self.sel, self.d, self.b))
        return m


def test_cell_count_and_area() -> None:
    res = sc.synthesize(sc.Popcount4(), "popcount4")
    assert sc.check_cell_count(res.cell_count) == res.cell_count
    with pytest.raises(AssertionError, match="number of cells"):
        sc.check_cell_count(res.cell_count + 1)
    with pytest.raises(AssertionError, match="whole number"):
        sc.check_cell_count(float(res.cell_count))
    area = sc.synthesize(sc.synth.DESIGNS / "adder8.v", "adder8").area_um2
    assert sc.check_adder_area(area) == area
    with pytest.raises(AssertionError, match="area"):
        sc.check_adder_area(area * 1.02)


def test_majority_cell() -> None:
    assert sc.check_majority_cell("maj3_1") == "maj3_1"
    assert sc.check_majority_cell("sky130_fd_sc_hd__maj3_2") == "maj3_2"
    with pytest.raises(AssertionError, match="three inputs"):
        sc.check_majority_cell("nand2_1")
    with pytest.raises(AssertionError, match="not the majority"):
        sc.check_majority_cell("nand3_1")
    with pytest.raises(AssertionError, match="not a sky130"):
        sc.check_majority_cell("majority_gate")


def test_critical_and_cheaper() -> None:
    cell = sc.critical_cell()
    assert not sc.pdk.cell_info(cell).is_sequential
    assert sc.check_critical_cell(cell) == cell
    with pytest.raises(AssertionError, match="largest delay"):
        sc.check_critical_cell("dfxtp_1")
    best = sc.cheaper_coding()
    assert sc.check_cheaper(best) == best
    with pytest.raises(AssertionError, match="smaller area"):
        sc.check_cheaper("X" if best == "Y" else "Y")
    with pytest.raises(AssertionError, match="'X' or 'Y'"):
        sc.check_cheaper("x")


def test_shared_adder() -> None:
    assert sc.check_shared_adder(Shared) < sc.AREA_BUDGET_UM2
    with pytest.raises(AssertionError, match="budget"):
        sc.check_shared_adder(sc.TwoAdders)            # right function, too big
    with pytest.raises(AssertionError):
        sc.check_shared_adder(SharedWrong)             # small, wrong function
    instance = Shared()
    instance._MustUse__used = True  # passed by mistake instead of the class; never elaborated
    with pytest.raises(AssertionError, match="class"):
        sc.check_shared_adder(instance)
