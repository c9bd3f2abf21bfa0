"""``python -m autograder``: bulk grading and exports for a ChipLab course.

    python -m autograder grade LAB --submissions DIR|ZIP --jobs N [--db URL] [--force]
    python -m autograder export LAB --csv FILE [--feedback] [--report FILE] [--db URL]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.config import REPO_ROOT


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--course", type=Path, default=REPO_ROOT,
                   help="course folder holding labs/ (default: this repository)")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="autograde every submission of a lab, each in a sandbox")
    g.add_argument("lab")
    g.add_argument("--submissions", type=Path, required=True,
                   help="folder with one folder per student (or a .zip of them)")
    g.add_argument("--jobs", "-j", type=int, default=2)
    g.add_argument("--db", default=None, help="SQLAlchemy URL of the gradebook (default: SQLite in build/grading)")
    g.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    g.add_argument("--wall-seconds", type=float, default=600, help="wall-clock limit per submission")
    g.add_argument("--cell-timeout", type=int, default=None,
                   help="seconds one cell may run (default: the course's CELL_TIMEOUT_S)")
    g.add_argument("--memory-mb", type=int, default=4096,
                   help="memory limit per sandboxed process (RLIMIT_DATA: heap and private mappings)")
    g.add_argument("--address-space-mb", type=int, default=None,
                   help="address-space backstop per sandboxed process (default: --memory-mb + 8192; Amaranth's"
                        " Verilog export alone reserves 4.1 GiB)")
    g.add_argument("--cpu-seconds", type=int, default=600, help="CPU-time limit per sandboxed process")
    g.add_argument("--no-progress", action="store_true")

    e = sub.add_parser("export", help="grades CSV for an LMS, feedback pages, an instructor report")
    e.add_argument("lab")
    e.add_argument("--csv", type=Path, help="write one row per student: parts, total, max_score")
    e.add_argument("--feedback", action="store_true", help="generate feedback HTML for every graded student")
    e.add_argument("--report", type=Path, help="write an HTML report with plots")
    e.add_argument("--db", default=None, help="SQLAlchemy URL of the gradebook")

    args = p.parse_args(argv)
    if args.command == "export":
        from nbgrader.api import MissingEntry

        from autograder.export import export

        if not (args.csv or args.feedback or args.report):
            p.error("export: give --csv FILE, --feedback and/or --report FILE")
        try:
            out = export(args.lab, args.csv, root=args.course, db_url=args.db, feedback=args.feedback,
                         report=args.report)
        except MissingEntry:
            print(f"error: the gradebook has no lab {args.lab!r}: grade it first", file=sys.stderr)
            return 2
        if args.csv:
            waiting = [r.student for r in out["rows"] if r.needs_manual]
            print(f"wrote {args.csv}: {len(out['rows'])} student(s)"
                  + (f"; {len(waiting)} wait for manual grading (their total is empty until graded)"
                     if waiting else ""))
        if args.feedback:
            print(f"wrote {len(out['feedback'])} feedback page(s) under build/grading/feedback/")
        if args.report:
            print(f"wrote {args.report}: hardest test {out['report']['hardest'] or '-'}")
        return 0
    if args.command == "grade":
        from autograder.grade import GradingError, grade
        from autograder.sandbox import SandboxUnavailable

        try:
            summary = grade(args.lab, args.submissions, jobs=args.jobs, db_url=args.db,
                            course_root=args.course, force=args.force, wall_seconds=args.wall_seconds,
                            cell_timeout=args.cell_timeout,
                            limits={"memory_mb": args.memory_mb, "cpu_seconds": args.cpu_seconds,
                                    "address_space_mb": args.address_space_mb},
                            progress=not args.no_progress)
        except (GradingError, SandboxUnavailable) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(summary.text())
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
