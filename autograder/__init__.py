"""ChipLab's grading machinery: the nbgrader course configuration and grading helpers.

- :mod:`autograder.config` configures nbgrader for a course folder (used by ``nbgrader_config.py``).
- :mod:`autograder.course` drives nbgrader (generate, autograde, read scores from the gradebook)
  for the round-trip tests and for lecturers' scripts.
- Grading helpers used by hidden tests live beside them (e.g. :mod:`autograder.logic_checks`).
"""
