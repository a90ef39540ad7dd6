"""SC (size compliance) on small hand-made cases with exact values, and its undefined case."""

from __future__ import annotations

from adaptive_splitters.metrics import size_compliance


def words(text: str) -> int:
    return len(text.split())


def test_size_compliance_bounds_are_inclusive() -> None:
    text = "w " * 10
    spans = [(0, 4), (4, 10), (10, 20), (20, 20)]  # 2, 3, 5 and 0 words
    assert size_compliance(text, spans, words, min_tokens=2, max_tokens=3) == 0.5
    assert size_compliance(text, spans, words, min_tokens=0, max_tokens=5) == 1.0


def test_size_compliance_empty_chunk_is_out_of_span_and_no_chunks_is_none() -> None:
    assert size_compliance("abc", [(0, 0), (0, 3)], len, min_tokens=1, max_tokens=5) == 0.5
    assert size_compliance("abc", [], len) is None
