"""`make site` builds the course website offline: every page exists and every internal link resolves."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_site  # noqa: E402

from autograder import course  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site.build(tmp_path_factory.mktemp("site"), execute=True)


def test_every_module_and_lab_has_a_page(site: Path) -> None:
    assert (site / "index.html").exists()
    for nb in sorted((ROOT / "course").glob("*/*.ipynb")):
        assert (site / "course" / nb.parent.name / f"{nb.stem}.html").exists(), nb
    for lab in course.labs():
        assert (site / "labs" / lab / f"{lab}.html").exists(), lab
        for md in sorted((ROOT / "labs" / lab).glob("*.md")):  # released pages, e.g. the capstone's rubric
            assert (site / "labs" / lab / f"{md.stem}.html").exists(), md
    index = (site / "index.html").read_text()
    for nb in sorted((ROOT / "course").glob("*/*.ipynb")):
        assert f"course/{nb.parent.name}/{nb.stem}.html" in index, f"{nb.stem} missing from the navigation"


def test_internal_links_resolve(site: Path) -> None:
    broken = []
    pages = list(site.rglob("*.html"))
    for page in pages:
        for ref in re.findall(r'(?:href|src)="([^"]+)"', page.read_text()):
            url = urlparse(ref)
            if url.scheme or url.netloc or ref.startswith(("#", "mailto:", "data:", "javascript:")):
                continue
            target = (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {ref}")
    assert not broken, broken[:20]
    assert len(pages) > len(course.labs())


def test_course_pages_have_rendered_figures(site: Path) -> None:
    page = (site / "course" / "01-logic-gates" / "01-logic-gates.html").read_text()
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', page)
    assert len(images) >= 3, "course 01 should show its figures (the notebooks are executed)"


def test_lab_pages_are_student_versions(site: Path) -> None:
    for lab in course.labs():
        text = (site / "labs" / lab / f"{lab}.html").read_text()
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in text, f"{lab}: the site shows {marker!r}"
        assert "NotImplementedError" in text, f"{lab}: answer cells should be blank"
