"""nbgrader configuration of the ChipLab course (sources in labs/, output in build/grading/).

nbgrader reads ``nbgrader_config.py`` from the folder it runs in; the repository root has a
two-line one that loads this file. The settings themselves are in ``autograder/config.py``.
"""

import sys
from pathlib import Path

_repo = Path(__file__).resolve().parent.parent
if str(_repo) not in sys.path:
    sys.path.insert(0, str(_repo))

from autograder.config import configure  # noqa: E402

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)
configure(c, _repo)
