"""nbgrader round trip for the physical-design labs 07-12 (labs 00-06: test_roundtrip.py).

A file of its own so that pytest-xdist (``--dist loadfile``) runs it beside the other half; the tests are in
roundtrip_cases.py.
"""

from __future__ import annotations

import pytest
from roundtrip_cases import *  # noqa: F403  (the round trip's tests, collected here)
from roundtrip_cases import round_trip_fixture

from autograder import course

LABS = [lab for lab in course.labs() if lab >= "lab07"]
graded = round_trip_fixture(LABS)
pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
