"""chiplab.widgets: gate symbols, the gate explorer and the truth-table builder, driven without a browser."""

from __future__ import annotations

import itertools
import time

import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Circle, PathPatch

from chiplab.errors import ChipLabError
from chiplab.logic import GATES, equivalent, parse, truth_table
from chiplab.widgets import (
    COLOURS,
    GateExplorer,
    TruthTableBuilder,
    draw_gate,
    gate_explorer,
    gate_expression,
    gate_png,
    gate_truth_table,
    truth_table_builder,
    truth_table_view,
)

INVERTING = {"NOT", "NAND", "NOR", "XNOR"}


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def bubbles(fig: Figure) -> int:
    """Inversion bubbles: the white-filled circles (wire ends and junctions are filled with colour)."""
    return sum(1 for ax in fig.axes for p in ax.patches
               if isinstance(p, Circle) and tuple(p.get_facecolor()) == (1.0, 1.0, 1.0, 1.0))


def body_outlines(fig: Figure) -> int:
    return sum(1 for ax in fig.axes for p in ax.patches if isinstance(p, PathPatch))


# ---------------------------------------------------------------------------------------------
# draw_gate
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(GATES))
def test_draw_gate_every_kind(kind):
    n = 1 if kind in ("NOT", "BUF") else 2
    for bits in itertools.product((0, 1), repeat=n):
        fig = draw_gate(kind, values=bits)
        assert isinstance(fig, Figure)
        labels = texts(fig)
        y = GATES[kind](*bits)
        assert f"y = {y}" in labels
        for name, b in zip("ab", bits):
            assert f"{name} = {b}" in labels
        # the output label is coloured by its value
        out_text = next(t for ax in fig.axes for t in ax.texts if t.get_text() == f"y = {y}")
        assert out_text.get_color() == COLOURS[y]
    assert bubbles(fig) == (1 if kind in INVERTING else 0)
    # XOR/XNOR have the extra back curve
    assert body_outlines(fig) == (2 if kind in ("XOR", "XNOR") else 1)
    assert any(t.startswith(f"{kind}:  y = ") for t in texts(fig))  # the title


def test_draw_gate_expression_in_title_matches_the_gate():
    for kind in GATES:
        n = 1 if kind in ("NOT", "BUF") else 3
        text = gate_expression(kind, "abc"[:n])
        assert truth_table(parse(text), tuple("abc"[:n])) == gate_truth_table(kind, n) or (
            truth_table(parse(text), tuple("abc"[:n])).outputs == gate_truth_table(kind, n).outputs)


def test_draw_gate_without_values_and_into_axes():
    fig = draw_gate("nand")  # case-insensitive
    assert "y" in texts(fig) and "a" in texts(fig) and "b" in texts(fig)
    fig2 = Figure()
    ax = fig2.add_subplot(1, 2, 2)
    assert draw_gate("OR", ax=ax, inputs=4) is fig2
    assert {"a", "b", "c", "d"} <= set(texts(fig2))
    fig3 = draw_gate("AND", values=[1, 0, 1], names=["s", "t", "u"], output="f")
    assert {"s = 1", "t = 0", "u = 1", "f = 0"} <= set(texts(fig3))


def test_draw_gate_errors():
    with pytest.raises(ChipLabError, match="unknown gate"):
        draw_gate("MAYBE")
    with pytest.raises(ChipLabError, match="one input"):
        draw_gate("NOT", values=[1, 0])
    with pytest.raises(ChipLabError, match="0 or 1"):
        draw_gate("AND", values=[1, 2])
    with pytest.raises(ChipLabError):
        draw_gate("AND", inputs=9)


def test_gate_png_and_notebook_display():
    png = gate_png("XOR", values=[1, 0])
    assert png.startswith(b"\x89PNG") and len(png) > 2000
    assert gate_png("XOR", values=[1, 1]) != png  # colours follow the values
    assert draw_gate("AND")._repr_png_().startswith(b"\x89PNG")


# ---------------------------------------------------------------------------------------------
# gate explorer
# ---------------------------------------------------------------------------------------------


def test_gate_explorer_follows_inputs_and_gate():
    g = gate_explorer()
    assert isinstance(g, GateExplorer)
    assert g.gate == "AND" and g.inputs == (0, 0) and g.value == 0
    first_image = g.image.value
    g.set_inputs(1, 1)
    assert g.value == 1 and g.inputs == (1, 1)
    assert ">1</b>" in g.output_label.value and "a &amp; b" in g.output_label.value
    assert g.image.value != first_image
    assert "#ffe58a" in g.table.value  # the current row is marked
    g.set_gate("NAND")
    assert g.value == 0 and ">0</b>" in g.output_label.value
    for kind in GATES:
        g.set_gate(kind)
        n = g.n_inputs
        for bits in itertools.product((0, 1), repeat=n):
            g.set_inputs(*bits)
            assert g.value == GATES[kind](*bits)


def test_gate_explorer_clicks_and_input_count():
    g = GateExplorer("OR", inputs=2)
    g.buttons[1].value = True  # what clicking the toggle button does
    assert g.inputs == (0, 1) and g.value == 1 and g.buttons[1].description == "b = 1"
    assert g.buttons[1].button_style == "success"
    g.count.value = 3
    assert g.n_inputs == 3 and g.inputs == (0, 1, 0)
    assert [b.layout.display for b in g.buttons[:4]] == [None, None, None, "none"]
    g.gate_menu.value = "NOT"  # the dropdown
    assert g.n_inputs == 1 and g.count.disabled and g.value == 1
    with pytest.raises(ChipLabError):
        g.set_inputs(1, 1)
    with pytest.raises(ChipLabError):
        GateExplorer("AND", inputs=7)


def test_gate_explorer_is_interactive_fast():
    g = GateExplorer("XNOR", inputs=4)
    t0 = time.process_time()
    for bits in [(1, 0, 1, 1), (0, 0, 0, 0), (1, 1, 1, 1)]:
        g.set_inputs(*bits)
    assert (time.process_time() - t0) / 3 < 0.5  # CPU seconds of this process: not slowed by other jobs


def test_gate_truth_table():
    tt = gate_truth_table("NOR", 3)
    assert tt.variables == ("a", "b", "c") and tt.outputs == [1, 0, 0, 0, 0, 0, 0, 0]
    assert gate_truth_table("NOT").outputs == [1, 0]
    assert gate_truth_table("XOR", 3).minterms == [1, 2, 4, 7]


# ---------------------------------------------------------------------------------------------
# truth-table builder
# ---------------------------------------------------------------------------------------------


def test_truth_table_view_valid():
    page, tt, err = truth_table_view("a & ~b | c")
    assert err is None and tt == truth_table("a & ~b | c")
    assert "<table" in page and "1, 3, 4, 5, 7" in page
    assert "minimal sum of products: a &amp; ~b | c" in page


def test_truth_table_view_errors_have_no_traceback():
    page, tt, err = truth_table_view("a adn b")
    assert tt is None and err is not None
    assert "did you mean 'and'" in err and "column 3" in err
    assert "Traceback" not in page and "cannot read this expression" in page
    assert "^" in page  # the caret under the text
    _, tt, err = truth_table_view("(a | b")
    assert tt is None and "never closed" in err
    _, tt, err = truth_table_view("")
    assert tt is None and "empty" in err
    _, tt, err = truth_table_view("a & b & c & d & e & f & g")
    assert tt is None and "7 variables" in err


def test_truth_table_builder_widget():
    b = truth_table_builder()
    assert isinstance(b, TruthTableBuilder)
    assert b.error is None and b.table == truth_table("a & b | ~c")
    b.set_text("a xor")
    assert b.table is None and "expected a variable" in b.error and "<table" not in b.html.value
    b.text.value = "x nand y"  # what typing does
    assert b.error is None and b.table.variables == ("x", "y") and b.table.outputs == [1, 1, 1, 0]
    assert equivalent(b.table.to_expr(), "~(x & y)")
    t0 = time.process_time()
    b.set_text("a & b | c & d | e ^ f")
    assert time.process_time() - t0 < 0.5 and len(b.table) == 64


# ---------------------------------------------------------------------------------------------
# circuits
# ---------------------------------------------------------------------------------------------


def test_draw_circuit_xor_from_four_nands():
    from chiplab.logic import symbols
    from chiplab.widgets import draw_circuit

    a, b = symbols("a b")
    t = a.nand(b)
    xor = a.nand(t).nand(b.nand(t))
    fig = draw_circuit(xor, title="XOR")
    assert fig.circuit_gates == 4  # the shared NAND is drawn once
    assert bubbles(fig) == 4 and body_outlines(fig) == 4
    assert {"a", "b", "y"} <= set(texts(fig))
    for va, vb in itertools.product((0, 1), repeat=2):
        fig = draw_circuit(xor, values={"a": va, "b": vb})
        assert f"y = {va ^ vb}" in texts(fig)
        # wires carry the colour of their value
        colours = {line.get_color() for ax in fig.axes for line in ax.lines}
        assert colours <= {COLOURS[0], COLOURS[1]}
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_draw_circuit_mixed_gates_and_errors():
    from chiplab.widgets import draw_circuit

    fig = draw_circuit("a & ~b | c & (a ^ d)", values={"a": 1, "b": 0, "c": 1, "d": 1})
    assert fig.circuit_gates == 5 and "y = 1" in texts(fig)
    assert body_outlines(fig) == 6  # AND, AND, OR, NOT, XOR (+ its extra back curve)
    assert draw_circuit("a").circuit_gates == 0
    with pytest.raises(ChipLabError, match="'b'"):
        draw_circuit("a & b", values={"a": 1})


def test_gate_gallery_and_circuit_explorer():
    from chiplab.widgets import CircuitExplorer, circuit_explorer, gate_gallery

    fig = gate_gallery()
    assert bubbles(fig) == 4 and body_outlines(fig) == 10  # bubbles: NOT, NAND, NOR, XNOR; XOR/XNOR 2 curves
    assert {"NAND:  y = ~(a & b)", "BUF:  y = a", "XOR:  y = a ^ b"} <= set(texts(fig))
    c = circuit_explorer("a nand b nand c")
    assert isinstance(c, CircuitExplorer) and c.inputs == {"a": 0, "b": 0, "c": 0}
    assert c.value == 1
    before = c.image.value
    c.set_inputs(a=1, b=1, c=1)
    assert c.value == 1 and c.image.value != before  # (1 nand 1) nand 1 = 0 nand 1 = 1
    c.buttons["b"].value = False  # a click
    assert c.inputs == {"a": 1, "b": 0, "c": 1} and c.value == 0 and c.buttons["b"].description == "b = 0"
    with pytest.raises(ChipLabError, match="no input d"):
        c.set_inputs(d=1)


@pytest.mark.parametrize("text", ["a & ~b | c & (a ^ d)", "a & b | a & c | b & c", "(a | b) & (c | ~d) ^ (a nand c)",
                                  "a ^ b ^ c ^ d"])
def test_draw_circuit_wires_of_different_nets_stay_apart(text):
    from chiplab.widgets import draw_circuit

    fig = draw_circuit(text)
    segs = []
    for net, pts in fig.circuit_wires:
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            if abs(y1 - y2) < 1e-9 and abs(x1 - x2) > 1e-9:
                segs.append((net, min(x1, x2), max(x1, x2), y1))
    for i, (n1, l1, r1, y1) in enumerate(segs):
        for n2, l2, r2, y2 in segs[i + 1:]:
            if n1 != n2 and min(r1, r2) - max(l1, l2) > 0.1:
                assert abs(y1 - y2) >= 0.2, (n1, n2, y1, y2)
