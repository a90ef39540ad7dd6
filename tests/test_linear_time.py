"""Hang guards (issue #14, item 7): long runs of blank lines are chunked in linear time.

Each input runs in a fresh interpreter with a generous bound (quadratic code took minutes on them); the child
prints what a user would look at, and the test checks it. Timing ratios live in ``benchmarks/bench_linear_time.py``.
"""

from __future__ import annotations

import pytest
from bounded import run_bounded

CRLF_RUN = '"Title\\r\\n" + "\\r\\n" * 20000 + "body"'
LF_RUN = '"\\n\\n" * 100000'
SPACED_RUN = '"Title\\n" + " \\n" * 50000 + "It ends here."'


@pytest.mark.parametrize("expression", [CRLF_RUN, LF_RUN, SPACED_RUN], ids=["crlf", "lf", "spaces"])
def test_blank_line_runs_chunk_in_linear_time(expression: str) -> None:
    found = run_bounded(
        f"""
        import json
        from adaptive_splitters.engine import AdaptiveChunker
        text = {expression}
        result = AdaptiveChunker(metrics=["SC", "BI", "RC"]).chunk(text)
        spans = result.spans()
        print(json.dumps({{"length": len(text), "spans": spans, "chunks": len(result.chunks)}}))
        """
    )
    assert isinstance(found, dict)
    spans = found["spans"]
    assert spans[0][0] == 0
    assert spans[-1][1] == found["length"]
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert found["chunks"] == len(spans)


@pytest.mark.parametrize("expression", [CRLF_RUN, LF_RUN, SPACED_RUN], ids=["crlf", "lf", "spaces"])
def test_blank_line_runs_split_recursively_in_linear_time(expression: str) -> None:
    found = run_bounded(
        f"""
        import json
        from adaptive_splitters.text.recursive import RecursiveSplitter
        from adaptive_splitters.text.tokens import TokenCounter
        text = {expression}
        counter = TokenCounter()
        spans = RecursiveSplitter(chunk_size=1100, counter=counter).split_spans(text)
        print(json.dumps({{"length": len(text), "spans": spans, "most": max(counter(text[s:e]) for s, e in spans)}}))
        """
    )
    assert isinstance(found, dict)
    spans = found["spans"]
    assert spans[0][0] == 0
    assert spans[-1][1] == found["length"]
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert found["most"] <= 1100


def test_numbered_items_and_bullets_after_long_blank_runs_cut_in_linear_time() -> None:
    found = run_bounded(
        """
        import json, re
        from adaptive_splitters.text.separators import SEPARATORS, split_at_pattern
        blank = "\\n" * 100000 + "plain text, no item\\n"
        items = split_at_pattern("Introduction\\n" + blank + "1. First item", re.compile(SEPARATORS[6]))
        bullets = split_at_pattern("Introduction\\n" + blank + "\\n\\n- a bullet", re.compile(SEPARATORS[7]))
        print(json.dumps({"items": items, "bullets": bullets}))
        """
    )
    assert isinstance(found, dict)
    # cut only before the item and the bullet; the blank lines before a bullet go with it
    before = len("Introduction\n") + 100000 + len("plain text, no item\n")
    assert found["items"] == [[0, before], [before, before + len("1. First item")]]
    assert found["bullets"] == [[0, before], [before, before + len("\n\n- a bullet")]]


def test_heuristic_pairs_after_blank_line_runs_in_linear_time() -> None:
    found = run_bounded(
        """
        import json
        from adaptive_splitters.text.references import heuristic_pairs
        body = "The agency reviews the files. It keeps them for ten years."
        pairs = {}
        for name, blank in [("short", "\\n\\n"), ("long", "\\n\\n" * 100000), ("crlf", "\\r\\n" * 100000)]:
            text = "Title" + blank + body
            found = heuristic_pairs(text)
            pairs[name] = [[text[e0 : e1 + 1], text[p0 : p1 + 1]] for (e0, e1), (p0, p1) in found]
        print(json.dumps(pairs))
        """
    )
    assert isinstance(found, dict)
    assert any(entity.startswith("agency") and pronoun == "It" for entity, pronoun in found["short"])
    assert found["long"] == found["short"]
    assert found["crlf"] == found["short"]


@pytest.mark.parametrize("expression", ['" " * 200000 + "End."', '"." * 200000 + " End."'], ids=["spaces", "dots"])
def test_sentence_candidate_reads_long_runs_in_linear_time(expression: str) -> None:
    found = run_bounded(
        f"""
        import json
        from adaptive_splitters.engine import AdaptiveChunker
        text = {expression}
        spans = AdaptiveChunker(candidates=["sentence"], metrics=["SC"]).chunk(text).spans()
        print(json.dumps({{"length": len(text), "spans": spans}}))
        """
    )
    assert isinstance(found, dict)
    spans = found["spans"]
    assert spans[0][0] == 0
    assert spans[-1][1] == found["length"]
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
