"""Block detection: exact split points for each kind of block, and agreement with CLAIR when it is present."""

from __future__ import annotations

import bisect
import json
from pathlib import Path

import pytest

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.text.blocks import block_spans, detect_blocks
from adaptive_splitters.text.structure import with_detected_structure

CLAIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "clair" / "parsed"
LONG = "A long paragraph. " * 30  # 540 characters: over the short-paragraph threshold


def test_long_paragraphs_are_separate_blocks() -> None:
    text = f"{LONG}\n\n{LONG}\n\n{LONG}"
    assert detect_blocks(text) == [542, 1084]


def test_short_paragraphs_stay_together_unless_disabled() -> None:
    text = "One.\n\nTwo.\n\nThree."
    assert detect_blocks(text) == []
    assert detect_blocks(text, short_chars=0) == [6, 12]


def test_heading_stays_with_the_block_after_it() -> None:
    text = f"{LONG}\n\n# Title\n\n## Sub\n\n{LONG}"
    # one boundary, before the headings; none between a heading and what follows it
    assert detect_blocks(text) == [542]


def test_markdown_table_is_one_block() -> None:
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n\n"
    text = f"{LONG}\n\n{table}{LONG}"
    assert detect_blocks(text) == [542, 542 + len(table)]


def test_parser_table_figure_and_comments_are_blocks() -> None:
    table = "<Table>\n| a |\n\n| b |\n</Table>\n\n"
    figure = "<Figure>\ncaption\n\nmore\n</Figure>\n\n"
    text = f"{LONG}\n\n{table}{figure}<!-- PageFooter: page 1 -->\n<!-- PageBreak -->\n\n{LONG}"
    t = 542
    f = t + len(table)
    footer = f + len(figure)
    brk = footer + len("<!-- PageFooter: page 1 -->\n")
    body = brk + len("<!-- PageBreak -->\n\n")
    assert detect_blocks(text) == [t, f, footer, brk, body]


def test_code_fence_is_one_block_even_with_blank_lines_and_headings() -> None:
    code = "```python\n# not a heading\n\nx = 1\n```\n\n"
    text = f"{LONG}\n\n{code}{LONG}"
    assert detect_blocks(text) == [542, 542 + len(code)]


def test_list_is_one_block_until_the_size_limit() -> None:
    items = "".join(f"- item number {i}\n\n" for i in range(10))  # 170 characters
    text = f"{LONG}\n\n{items}{LONG}"
    assert detect_blocks(text) == [542, 542 + len(items)]
    limited = detect_blocks(text, max_list_chars=50)
    # cut between items once the list holds 50 characters or more: items of 17 characters, so every 3 items
    assert limited == [542, 542 + 51, 542 + 102, 542 + 153, 542 + len(items)]


def test_form_feed_always_ends_a_block() -> None:
    text = "One.\x0cTwo."
    assert detect_blocks(text) == [5]


def test_split_points_are_strictly_increasing_inside_the_text() -> None:
    text = "\n\n\r\n# T\n\n\x0c\x0c| a |\n" + LONG + "\n\n"
    points = detect_blocks(text)
    assert all(0 < p < len(text) for p in points)
    assert points == sorted(set(points))
    spans = block_spans(text, points)
    assert "".join(text[s:e] for s, e in spans) == text


def test_empty_and_blank_texts() -> None:
    assert detect_blocks("") == []
    assert detect_blocks("\n\n\n") == []


def test_given_structure_wins_over_detection() -> None:
    text = f"{LONG}\n\n{LONG}"
    given = SourceDocument.build(text, blocks=[10], pages=[0], titles=[])
    assert with_detected_structure(given) == given
    detected = with_detected_structure(SourceDocument.build(text))
    assert detected.split_points == (542,)
    assert detected.page_starts is None
    assert detected.titles == ()


def test_detection_is_linear_enough_for_large_texts() -> None:
    text = (f"# H\n\n{LONG}\n\n- a\n- b\n\n| x |\n\n") * 2000  # about 1.2 MB
    points = detect_blocks(text)
    assert len(points) > 2000


@pytest.mark.skipif(not CLAIR.is_dir(), reason="CLAIR corpus not found at ../shared/data/clair/")
def test_agreement_with_clair_split_points() -> None:
    found = true = hit_found = hit_true = 0
    for path in sorted(CLAIR.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        gold, mine = doc["split_points"], detect_blocks(doc["full_text"])
        found, true = found + len(mine), true + len(gold)
        hit_found += sum(_near(p, gold) for p in mine)
        hit_true += sum(_near(p, mine) for p in gold)
    assert hit_found / found > 0.9  # 92.4% when written
    assert hit_true / true > 0.9  # 93.2% when written


def _near(point: int, points: list[int], tolerance: int = 5) -> bool:
    i = bisect.bisect_left(points, point - tolerance)
    return i < len(points) and points[i] <= point + tolerance
