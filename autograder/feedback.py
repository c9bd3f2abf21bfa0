"""Feedback a student may see: their answers, their points, and what went wrong, never the hidden tests.

nbgrader's ``generate_feedback`` renders the *autograded* notebook, in which the test cells hold the
hidden tests again, and the tracebacks of failed hidden tests quote their source lines. The course
configuration (``autograder/config.py``) puts :class:`HideHiddenTests` first in nbgrader's feedback
pipeline, so every feedback page (command line, formgrader, ``python -m autograder export``):

- shows each test cell as the student received it (the hidden region removed);
- shows a failed test's error as its one-line message only (``AssertionError: your xor_gate(1, 1)
  returned 1; ...``), never its traceback.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S)


def hide_hidden(source: str) -> str:
    return HIDDEN.sub("", source).rstrip() + ("\n" if source.endswith("\n") else "")


class HideHiddenTests(Preprocessor):
    """Remove hidden tests and test tracebacks from a notebook before it is shown to a student."""

    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off unless enabled

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        ng = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not (ng.get("grade") or "### BEGIN HIDDEN TESTS" in cell.source):
            return cell, resources
        cell.source = hide_hidden(cell.source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources
