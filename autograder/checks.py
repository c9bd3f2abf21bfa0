"""General grading helpers for hidden tests, with messages a student can act on.

Hidden tests should not trust a module the student's code could have patched. Use :func:`fresh`
to load a private copy of a helper module straight from its file::

    chk = __import__("autograder.checks", fromlist=["fresh"]).fresh()
    chk.check_cases(is_even, [((n,), n % 2 == 0) for n in range(-7, 8)], "is_even")

A student who replaces ``autograder.checks.check_cases`` (a name they can see in the visible tests)
does not change the copy the hidden test uses. This raises the bar; it cannot make a kernel that
runs the student's code trustworthy. The grader also scans every submission for tampering
(:mod:`autograder.integrity`) and flags it for review.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any


def _load(name: str, path: Path) -> ModuleType:
    """Execute the module file ``path`` as a new module registered under ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses and pickling look a module up by name while it loads
    spec.loader.exec_module(mod)
    return mod


def fresh(module: str = "autograder.checks") -> ModuleType:
    """A new, private instance of an ``autograder`` module, loaded from its file."""
    if not module.startswith("autograder."):
        raise ValueError("fresh() loads autograder modules only")
    path = Path(__file__).resolve().parent / (module.split(".", 1)[1].replace(".", "/") + ".py")
    return _load(f"_fresh_{module.replace('.', '_')}", path)


def private_copy(module: str, prefix: str) -> ModuleType:
    """A private instance of any module (e.g. ``chiplab.synth``) for a grading helper to call, so that a
    student patching the public module does not change what the grader computes."""
    public = importlib.import_module(module)
    return _load(f"{prefix}_{module.replace('.', '_')}", Path(public.__file__))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def same(got: Any, want: Any) -> bool:
    """Equal, and of a compatible kind: True is not accepted for 1 where a bool is not expected, etc."""
    if isinstance(want, bool):
        return isinstance(got, bool) and got is want
    if isinstance(want, int) and isinstance(got, bool):
        return False
    if isinstance(want, float):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and abs(got - want) <= 1e-9 * max(
            1.0, abs(want))
    return type(got) is type(want) and got == want if isinstance(want, (int, str)) else got == want


def check_cases(fn: Callable[..., Any], cases: Iterable[tuple[tuple, Any]], name: str | None = None) -> None:
    """Call ``fn(*args)`` for every ``(args, expected)``; fail on the first wrong case with a clear message."""
    name = name or getattr(fn, "__name__", "your function")
    if not callable(fn):
        raise AssertionError(f"{name} should be a function, but it is {_show(fn)}")
    for args, want in cases:
        call = f"{name}({', '.join(_show(a) for a in args)})"
        try:
            got = fn(*args)
        except NotImplementedError:
            raise AssertionError(f"{name} is not written yet (it raises NotImplementedError)") from None
        except Exception as exc:  # noqa: BLE001 - report the student's error, not ours
            raise AssertionError(f"{call} raised {type(exc).__name__}: {exc}") from None
        if not same(got, want):
            kind = "" if type(got) is type(want) else f" (a {type(got).__name__}, expected a {type(want).__name__})"
            raise AssertionError(f"{call} returned {_show(got)}{kind}; that is not right for this input")


def check_value(got: Any, want: Any, name: str) -> None:
    """A single answer value, without printing the expected value."""
    if not same(got, want):
        raise AssertionError(f"{name} = {_show(got)} is not right")


__all__ = ["check_cases", "check_value", "fresh", "private_copy", "same"]
