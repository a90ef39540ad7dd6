"""Titles from markdown headings, and agreement of titles and pages with CLAIR when it is present."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adaptive_splitters.core.document import Title
from adaptive_splitters.text.pages import detect_pages
from adaptive_splitters.text.titles import detect_titles

CLAIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "clair" / "parsed"


def test_titles_levels_and_section_ends() -> None:
    text = "intro\n# A\ntext\n## B\nx\n### C\ny\n## D\nz\n# E\n"
    titles = detect_titles(text)
    assert titles == [
        Title("# A", 6, 37, 1),
        Title("## B", 15, 30, 2),
        Title("### C", 22, 30, 3),
        Title("## D", 30, 37, 2),
        Title("# E", 37, 41, 1),
    ]
    for t in titles:
        assert text[t.start : t.start + len(t.title)] == t.title


def test_twelve_levels_and_not_headings() -> None:
    text = "############ Deep\n\n#nospace\n\n############# thirteen\n\n```\n# in code\n```\n# real\r\n"
    titles = detect_titles(text)
    assert [(t.title, t.level) for t in titles] == [("############ Deep", 12), ("# real", 1)]
    assert titles[1].start == len(text) - len("# real\r\n")


@pytest.mark.skipif(not CLAIR.is_dir(), reason="CLAIR corpus not found at ../shared/data/clair/")
def test_agreement_with_clair() -> None:
    exact = gold_total = pages_exact = 0
    for path in sorted(CLAIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        text = doc["full_text"]
        gold = {(t["title"], t["start"], t["end"], t["level"]) for t in doc["titles"]}
        mine = {(t.title, t.start, t.end, t.level) for t in detect_titles(text)}
        exact += len(gold & mine)
        gold_total += len(gold)
        starts, offset = [], 0
        for page in doc["pages"].values():
            starts.append(offset)
            offset += len(page)
        pages_exact += detect_pages(text) == starts
    assert exact / gold_total > 0.99  # 2486 of 2492 when written
    assert pages_exact >= 30  # the other 3 have empty pages, which leave no marker
