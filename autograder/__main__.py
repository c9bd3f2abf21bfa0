"""``python -m autograder``: bulk grading and exports for a ChipLab course.

    python -m autograder grade LAB --submissions DIR|ZIP --jobs N [--db URL] [--force]
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
    g.add_argument("--memory-mb", type=int, default=4096, help="address-space limit per sandboxed process")
    g.add_argument("--cpu-seconds", type=int, default=600, help="CPU-time limit per sandboxed process")
    g.add_argument("--no-progress", action="store_true")

    args = p.parse_args(argv)
    if args.command == "grade":
        from autograder.grade import GradingError, grade
        from autograder.sandbox import SandboxUnavailable

        try:
            summary = grade(args.lab, args.submissions, jobs=args.jobs, db_url=args.db,
                            course_root=args.course, force=args.force, wall_seconds=args.wall_seconds,
                            cell_timeout=args.cell_timeout,
                            limits={"memory_mb": args.memory_mb, "cpu_seconds": args.cpu_seconds},
                            progress=not args.no_progress)
        except (GradingError, SandboxUnavailable) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(summary.text())
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
