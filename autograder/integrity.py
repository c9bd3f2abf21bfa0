"""Scan a submission's own code for attempts to tamper with grading.

Student code runs in the same kernel as the hidden tests, so it could patch the grading helpers,
builtins or IPython itself. The sandbox stops it from reaching anything outside the kernel; this
scan finds attempts inside it. A submission with findings is *flagged* in the gradebook (the
formgrader shows it) and listed in the batch summary and report for the lecturer to review; its
score is left as the tests gave it.

The scan reads the code of every cell that is not an autograder test cell, with Python's ``ast``
(IPython magics and shell escapes are checked as text).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import nbformat

#: modules whose use in a student's answer is a sign of tampering in this course
SUSPECT_MODULES = {"builtins", "autograder", "importlib", "ctypes", "gc", "inspect", "nbgrader", "IPython",
                   "ipykernel", "sys", "traceback", "atexit", "signal", "socket", "faulthandler"}
#: names whose use is a sign of tampering
SUSPECT_NAMES = {"__builtins__", "__import__", "get_ipython", "globals", "setattr", "delattr", "exec", "eval",
                 "compile", "__loader__", "__spec__", "breakpoint", "AssertionError"}
#: attributes whose use is a sign of tampering
SUSPECT_ATTRS = {"__code__", "__globals__", "__builtins__", "__dict__", "__class__", "__subclasses__",
                 "__mro__", "__bases__", "modules", "settrace", "setprofile", "showtraceback",
                 "run_cell", "events", "input_transformers_cleanup", "input_transformers_post",
                 "ast_transformers", "excepthook", "_exit", "kill", "killpg", "fork", "system", "popen"}


@dataclass
class Finding:
    cell: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"cell {self.cell}, line {self.line}: {self.what}"


def scan_code(code: str, cell: str = "?") -> list[Finding]:
    findings: list[Finding] = []
    lines = []
    for i, line in enumerate(code.splitlines(), 1):
        stripped = line.lstrip()
        if stripped.startswith(("!", "%")):
            findings.append(Finding(cell, i, f"IPython magic or shell command {stripped.split()[0]!r}"))
            lines.append("")
        else:
            lines.append(line)
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return findings  # not Python: it cannot run either
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for n in names:
                if n.split(".")[0] in SUSPECT_MODULES:
                    findings.append(Finding(cell, line, f"imports {n}"))
        elif isinstance(node, ast.Name) and node.id in SUSPECT_NAMES:
            findings.append(Finding(cell, line, f"uses {node.id}"))
        elif isinstance(node, ast.Attribute) and node.attr in SUSPECT_ATTRS:
            findings.append(Finding(cell, line, f"uses .{node.attr}"))
        elif isinstance(node, ast.Global):
            findings.append(Finding(cell, line, "declares global names"))
    # dedupe, keep order
    seen, out = set(), []
    for f in findings:
        key = (f.cell, f.line, f.what)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def scan_notebook(nb: nbformat.NotebookNode, allowed: set[str] | None = None) -> list[Finding]:
    """Findings over every code cell that is not an autograder test cell."""
    out: list[Finding] = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("locked") and not meta.get("solution"):
            continue  # locked cells (tests, set-up) are restored from the release before grading
        name = meta.get("grade_id") or cell.get("id") or f"#{i}"
        out += [f for f in scan_code(cell.source, name) if not allowed or f.what not in allowed]
    return out

