"""The lab06 grading helpers: reference frame and decoder, golden models, cycle-by-cycle transmitter checks."""

from __future__ import annotations

import random
import re

import pytest
from amaranth.hdl import C, Cat, Elaboratable, Module, Signal
from lab_cells import run_graded_cells

from autograder import uart_checks as uc


class BaudTick(Elaboratable):
    def __init__(self, divisor: int = 4, extra: int = 0) -> None:
        self.divisor, self.extra = divisor, extra
        self.clear = Signal()
        self.tick = Signal()

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        top = self.divisor - 1 + self.extra
        count = Signal(range(top + 1))
        last = count == top
        m.d.comb += self.tick.eq(last)
        with m.If(self.clear | last):
            m.d.sync += count.eq(0)
        with m.Else():
            m.d.sync += count.eq(count + 1)
        return m


class TxShift(Elaboratable):
    def __init__(self, msb_first: bool = False) -> None:
        self.msb_first = msb_first
        self.data, self.load, self.shift = Signal(8), Signal(), Signal()
        self.q = Signal(10, init=0x3FF)
        self.out = Signal()

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        m.d.comb += self.out.eq(self.q[0])
        data = self.data[::-1] if self.msb_first else self.data
        with m.If(self.load):
            m.d.sync += self.q.eq(Cat(C(0, 1), data, C(1, 1)))
        with m.Elif(self.shift):
            m.d.sync += self.q.eq(Cat(self.q[1:], C(1, 1)))
        return m


class UartTx(Elaboratable):
    """The lab's reference structure, with switchable bugs."""

    def __init__(self, divisor: int = 4, bug: str = "") -> None:
        self.divisor, self.bug = divisor, bug
        self.data, self.valid, self.ready = Signal(8), Signal(), Signal()
        self.tx = Signal(init=1)

    def elaborate(self, platform):  # noqa: ANN001
        m = Module()
        m.submodules.baud = baud = BaudTick(self.divisor, extra=int(self.bug == "slow_baud"))
        m.submodules.shift = shift = TxShift(msb_first=self.bug == "msb_first")
        busy = Signal()
        sent = Signal(range(10))
        prev = Signal()
        m.d.sync += prev.eq(self.valid)
        take = self.valid & ~prev if self.bug == "edge" else self.valid
        m.d.comb += [self.ready.eq(~busy), self.tx.eq(shift.out), shift.data.eq(self.data), baud.clear.eq(~busy)]
        if self.bug == "restart":
            m.d.comb += baud.clear.eq(~busy | self.valid)
        with m.If(take & (~busy if self.bug != "restart" else C(1, 1))):
            m.d.comb += shift.load.eq(1)
            m.d.sync += [busy.eq(1), sent.eq(0)]
        with m.Elif(busy & baud.tick):
            m.d.comb += shift.shift.eq(1)
            m.d.sync += sent.eq(sent + 1)
            with m.If(sent == (8 if self.bug == "no_stop" else 9)):
                m.d.sync += busy.eq(0)
        return m


class NotWritten(Elaboratable):
    def __init__(self, divisor: int = 4) -> None:
        self.data, self.valid, self.ready, self.tx = Signal(8), Signal(), Signal(), Signal()

    def elaborate(self, platform):  # noqa: ANN001
        raise NotImplementedError


def test_frame_bits_and_names() -> None:
    assert uc.frame_bits(0x4B) == [0, 1, 1, 0, 1, 0, 0, 1, 0, 1]
    assert uc.bit_name(0) == "the start bit" and uc.bit_name(9) == "the stop bit" and uc.bit_name(3) == "data bit 2"


@pytest.mark.parametrize("divisor", [2, 3, 4, 5, 16])
def test_decode_line_reads_the_model_line(divisor: int) -> None:
    rng = random.Random(divisor)
    data = [rng.getrandbits(8) for _ in range(20)]
    line = [1, 1, 1]
    for b in data:
        line += [bit for bit in uc.frame_bits(b) for _ in range(divisor)] + [1] * rng.randint(0, 3)
    line += [1] * divisor
    frames = uc.decode_line(line, divisor)
    assert [f.byte for f in frames] == data and all(f.stop_ok for f in frames)


def test_decode_line_flags_missing_stop_and_ignores_glitches() -> None:
    d = 4
    bad = [1, 1] + [bit for bit in uc.frame_bits(0x81)[:-1] for _ in range(d)] + [0] * d + [1] * 3 * d
    frames = uc.decode_line(bad, d)
    assert frames and frames[0].byte == 0x81 and not frames[0].stop_ok
    assert uc.decode_line([1, 1, 0, 1, 1] + [1] * 50, d) == []  # a 1-cycle glitch is no start bit


def test_check_frame_bits() -> None:
    assert uc.check_frame_bits(uc.frame_bits) == 256
    with pytest.raises(AssertionError, match=r"frame_bits\(0x01\): data bit 0 \(item 1\) is 0"):
        uc.check_frame_bits(lambda b: [0] + [(b >> i) & 1 for i in reversed(range(8))] + [1])
    with pytest.raises(AssertionError, match="has 9 levels"):
        uc.check_frame_bits(lambda b: [0] + [(b >> i) & 1 for i in range(8)])

    def blank(b: int) -> list[int]:
        raise NotImplementedError

    with pytest.raises(AssertionError, match="not written yet"):
        uc.check_frame_bits(blank)


@pytest.mark.parametrize("divisor", [2, 4, 5])
def test_baud_tick_model(divisor: int) -> None:
    stim = lambda r, c: {"clear": int(r.random() < 0.1)}  # noqa: E731
    assert uc.check_model(BaudTick(divisor), uc.BaudTickModel(divisor), {"clear": 1}, ["tick"], cycles=120,
                          seed=1, stimulus=stim) == 120
    with pytest.raises(AssertionError, match=r"output 'tick' is wrong in clock cycle \d+"):
        uc.check_model(BaudTick(divisor, extra=1), uc.BaudTickModel(divisor), {"clear": 1}, ["tick"],
                       cycles=120, seed=1, stimulus=stim)


def test_tx_shift_model() -> None:
    uc.check_model(TxShift(), uc.TxShiftModel(), {"data": 8, "load": 1, "shift": 1}, ["q", "out"], cycles=200)
    with pytest.raises(AssertionError, match="output 'q' is wrong"):
        uc.check_model(TxShift(msb_first=True), uc.TxShiftModel(), {"data": 8, "load": 1, "shift": 1},
                       ["q", "out"], cycles=200)


@pytest.mark.parametrize("mode", ["gaps", "handshake", "stream"])
@pytest.mark.parametrize("divisor", [2, 3, 4, 7])
def test_reference_transmitter_passes(mode: str, divisor: int) -> None:
    assert uc.check_tx(UartTx(divisor), divisor, mode=mode, seed=divisor) >= 5


def test_msb_first_reports_byte_bit_cycle_and_decoded_line() -> None:
    with pytest.raises(AssertionError) as err:
        uc.check_tx(UartTx(4, "msb_first"), 4, mode="gaps", seed=3)
    msg = str(err.value)
    assert "serial output tx is wrong in clock cycle" in msg
    assert re.search(r"frame \d+ \(byte 0x[0-9a-f]{2}\), data bit \d, cycle 0 of its 4", msg)
    assert "expected tx=" in msg and "got tx=" in msg
    assert "a reference receiver reading your whole tx line gets: 0x" in msg


def test_missing_stop_bit_is_caught_by_ready_and_by_the_stream() -> None:
    with pytest.raises(AssertionError, match=r"ready is wrong .*\n.*the stop bit"):
        uc.check_tx(UartTx(4, "no_stop"), 4, mode="gaps", seed=1)
    with pytest.raises(AssertionError, match="stop bit"):
        uc.check_tx(UartTx(4, "no_stop"), 4, mode="stream", seed=1, check=("tx",))


def test_slow_baud_is_caught() -> None:
    with pytest.raises(AssertionError, match=r"cycle \d of its 5|the start bit|data bit"):
        uc.check_tx(UartTx(5, "slow_baud"), 5, mode="gaps", seed=2)


def test_edge_triggered_valid_fails_only_back_to_back() -> None:
    uc.check_tx(UartTx(4, "edge"), 4, mode="gaps", seed=5)
    uc.check_tx(UartTx(4, "edge"), 4, mode="handshake", seed=5)
    with pytest.raises(AssertionError, match="stream test"):
        uc.check_tx(UartTx(4, "edge"), 4, mode="stream", seed=5)


def test_restarting_on_valid_fails_the_handshake_only() -> None:
    uc.check_tx(UartTx(4, "restart"), 4, mode="gaps", seed=6)
    with pytest.raises(AssertionError, match="handshake test"):
        uc.check_tx(UartTx(4, "restart"), 4, mode="handshake", seed=6)


def test_ports_and_unwritten_designs_get_short_messages() -> None:
    with pytest.raises(AssertionError, match="not written yet"):
        uc.check_tx(NotWritten(), 4)

    class NoReady(Elaboratable):
        def __init__(self) -> None:
            self.data, self.valid, self.tx = Signal(8), Signal(), Signal()

        def elaborate(self, platform):  # noqa: ANN001
            return Module()

    with pytest.raises(AssertionError, match="has no attribute 'ready'"):
        uc.check_tx(NoReady(), 4)


def test_stimulus_modes() -> None:
    gaps = uc.tx_stimulus("gaps", 4, 400, 0)
    assert gaps[0]["rst"] == 1 and len(gaps) == 400
    stream = uc.tx_stimulus("stream", 4, 600, 0)
    assert max(sum(1 for _ in run) for run in "".join(str(s["valid"]) for s in stream).split("0")) > 41
    hs = uc.tx_stimulus("handshake", 4, 600, 0)
    assert all(not (a["valid"] and b["valid"]) for a, b in zip(hs, hs[1:]))
    with pytest.raises(ValueError):
        uc.tx_stimulus("nope", 4, 10, 0)


def test_lab06_solution_passes_and_wrong_submissions_lose_their_points(capfd) -> None:
    """The lab's own tests, run in-process (the nbgrader round trip in test_roundtrip.py is the real proof)."""
    import warnings

    import nbformat

    from autograder import course

    lab = "lab06-uart"
    if lab not in course.labs():
        pytest.skip("lab06 is not in this checkout")
    source = course.source_notebook(lab)
    nb = nbformat.read(source, as_version=4)
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
              for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert len(points) >= 6
    with warnings.catch_warnings():
        assert run_graded_cells(nb, display=print) == dict.fromkeys(points)
        wrongs = [w for w in course.wrong_submissions(lab) if w.base == "solution"]
        assert len(wrongs) >= 3 and len({w.expected for w in wrongs}) >= 3
        for w in wrongs:
            results = run_graded_cells(w.build(source, source), display=print)
            score = sum(points[g] for g, err in results.items() if err is None)
            assert score == w.expected, (w.name, results)
            for err in results.values():  # a failed transmitter check names the cycle, the bit and the values
                if err and "UartTx(" in err and "is wrong in clock cycle" in err:
                    assert "expected" in err and "got" in err and "at that moment" in err
    assert capfd.readouterr().err == ""
