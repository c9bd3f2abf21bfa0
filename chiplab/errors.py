"""Errors that ChipLab raises: each message says what went wrong and what to change.

Every error the package raises on purpose is a :class:`ChipLabError`, so a notebook can
catch one type, and the IPython display hook can show a short message instead of a long
library traceback (see :func:`chiplab.errors.install_notebook_handler`).
"""

from __future__ import annotations


class ChipLabError(Exception):
    """Base class of every error ChipLab raises for a user to act on."""

    #: a short hint shown after the message (what to change)
    hint: str = ""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text}\n  Hint: {self.hint}" if self.hint else text


class ExpressionError(ChipLabError, ValueError):
    """A Boolean expression could not be read (a typo, an unknown word, a missing parenthesis)."""

    def __init__(self, message: str, text: str = "", position: int | None = None, hint: str = "") -> None:
        self.text = text
        self.position = position
        if text and position is not None:
            caret = " " * position + "^"
            message = f"{message}\n    {text}\n    {caret}"
        super().__init__(message, hint)


class ToolNotFoundError(ChipLabError, RuntimeError):
    """An external tool (iverilog, ngspice, yosys, ...) is not installed or not on PATH."""


class DesignError(ChipLabError):
    """A design (RTL, netlist, layout) is wrong in a way the user must fix."""


class SimulationError(ChipLabError, RuntimeError):
    """A simulator failed or reported an error."""


class FlowError(ChipLabError, RuntimeError):
    """A stage of the physical-design flow failed; the message names the stage."""

    def __init__(self, stage: str, message: str, hint: str = "") -> None:
        self.stage = stage
        super().__init__(f"[{stage}] {message}", hint)


def install_notebook_handler() -> bool:
    """Show ChipLabError in a notebook as its message only (no library traceback).

    The cell still fails as with any exception (an error output), so nbval, nbgrader and
    "run all" stop there exactly as they would without the handler.

    Returns True when an IPython shell was found and the handler installed.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there in a notebook
        return False
    shell = get_ipython()
    if shell is None:
        return False

    def _handler(shell, etype, value, tb, tb_offset=None):  # noqa: ANN001
        # a real error (the cell fails, nbval and nbgrader see it), shown as its message only
        stb = [f"\x1b[0;31m{etype.__name__}\x1b[0m: {value}"]
        shell._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((ChipLabError,), _handler)
    return True
