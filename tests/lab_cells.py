"""Run a lab notebook's code cells in this process (for the labs' quick in-process checks in tests/)."""

from __future__ import annotations

from typing import Any


def run_graded_cells(nb: Any, **names: Any) -> dict[str, str | None]:
    """Execute ``nb``'s code cells in order in one namespace (``__name__ == "__main__"`` plus ``names``);
    per graded cell (by grade_id): None when it passed, else ``"<ExceptionType>: <message>"``."""
    ns: dict = {"__name__": "__main__", **names}
    results: dict[str, str | None] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        try:
            exec(compile(cell.source, cell.get("id", "cell"), "exec"), ns)  # noqa: S102
            error = None
        except Exception as e:  # noqa: BLE001
            error = f"{type(e).__name__}: {e}"
        if meta.get("grade"):
            results[meta["grade_id"]] = error
    return results
