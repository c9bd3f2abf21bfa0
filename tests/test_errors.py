"""chiplab errors in a notebook: a short message, and still a real error (nbval and nbgrader see it)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from chiplab.errors import ChipLabError, ExpressionError, FlowError


def test_messages_carry_position_and_hint():
    err = ExpressionError("expected a variable", text="a & )", position=4, hint="remove the ')'")
    text = str(err)
    assert "a & )" in text and "    ^" in text and "Hint: remove" in text
    assert isinstance(FlowError("route", "3 nets unrouted"), ChipLabError)
    assert str(FlowError("route", "3 nets unrouted")).startswith("[route]")


@pytest.mark.slow
def test_notebook_handler_shows_message_and_fails_the_cell():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import chiplab.errors\nchiplab.errors.install_notebook_handler()"),
        nbformat.v4.new_code_cell("from chiplab.logic import parse\nparse('a adn b')"),
    ])
    with pytest.raises(CellExecutionError):
        NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    (out,) = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert out.ename == "ExpressionError"
    assert len(out.traceback) == 1, "only the message, no library traceback"
    assert "did you mean 'and'" in out.traceback[0]
