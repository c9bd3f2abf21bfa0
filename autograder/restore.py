"""Put a submitted notebook's grading structure back the way it was released.

A student may edit a read-only cell, delete or reorder graded cells, or change grade ids and points
in the metadata (by accident or on purpose). nbgrader restores test cells it can still find by grade
id, but a deleted test cell simply scores nothing, and a renamed grade id makes the whole notebook
fail validation. Before grading, this module repairs the submission against the released
notebook, matching cells by their nbformat cell id (stable from the release), so that:

- every graded or locked cell has exactly the released nbgrader metadata (grade id, points, checksum);
- locked cells (instructions, tests) have the released source (nbgrader then puts hidden tests back);
- a deleted graded cell is put back where it was: a test runs against the student's code, a deleted
  answer cell becomes the blank starter (and so scores what a blank answer scores);
- nbgrader metadata on cells the release does not know is removed.

The student's own code in answer cells is never changed. ``restore`` returns what it repaired.
"""

from __future__ import annotations

import copy

import nbformat


def _ng(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def restore(submitted: nbformat.NotebookNode, released: nbformat.NotebookNode) -> list[str]:
    notes: list[str] = []
    rel_cells = [c for c in released.cells]
    rel_by_id = {c.get("id"): c for c in rel_cells if c.get("id")}
    rel_by_gid = {_ng(c)["grade_id"]: c for c in rel_cells if _ng(c).get("grade_id")}
    managed = {c.get("id") for c in rel_cells if _ng(c)}

    out = []
    seen: set[str] = set()
    for cell in submitted.cells:
        cid = cell.get("id")
        ref = rel_by_id.get(cid) if cid in managed else None
        if ref is None and _ng(cell).get("grade_id") in rel_by_gid and \
                rel_by_gid[_ng(cell)["grade_id"]].get("id") not in seen:
            ref = rel_by_gid[_ng(cell)["grade_id"]]  # the cell id changed, the grade id did not
        if ref is None:
            if _ng(cell):
                notes.append(f"removed unknown nbgrader metadata from cell {cid} ({_ng(cell).get('grade_id')})")
                del cell.metadata["nbgrader"]
            out.append(cell)
            continue
        if ref.get("id") in seen:
            notes.append(f"dropped a duplicate of graded cell {_ng(ref).get('grade_id')}")
            continue
        seen.add(ref.get("id"))
        if cell.get("metadata", {}).get("nbgrader") != _ng(ref):
            notes.append(f"restored the nbgrader metadata of {_ng(ref).get('grade_id')}")
            cell.metadata["nbgrader"] = copy.deepcopy(_ng(ref))
        if cell.cell_type != ref.cell_type:
            notes.append(f"restored the cell type of {_ng(ref).get('grade_id')}")
            cell = copy.deepcopy(ref)
        elif _ng(ref).get("locked") and not _ng(ref).get("solution") and cell.source != ref.source:
            notes.append(f"restored the locked cell {_ng(ref).get('grade_id')}")
            cell.source = ref.source
        cell["id"] = ref.get("id")
        out.append(cell)

    # put back managed cells the student deleted, after the cell that precedes them in the release
    for i, ref in enumerate(rel_cells):
        if ref.get("id") not in managed or ref.get("id") in seen:
            continue
        notes.append(f"put back the deleted cell {_ng(ref).get('grade_id')}")
        prev_ids = [c.get("id") for c in rel_cells[:i]]
        pos = 0
        for j, c in enumerate(out):
            if c.get("id") in prev_ids:
                pos = j + 1
        out.insert(pos, copy.deepcopy(ref))
        seen.add(ref.get("id"))
    submitted.cells = out
    return notes
