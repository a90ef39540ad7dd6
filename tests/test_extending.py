"""The README's "Extending" examples run as written: one file each for a candidate and a metric, one registration
line, and both then work by name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from adaptive_splitters import AdaptiveChunker, unregister_metric
from adaptive_splitters.core.registry import REGISTRY

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def extending_blocks() -> list[str]:
    section = README.split("#### Extending", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.fixture
def registered() -> Iterator[None]:
    for block in extending_blocks():
        exec(compile(block, "README.md", "exec"), {})
    yield
    REGISTRY.candidates.pop("paragraphs", None)
    unregister_metric("few_chunks")


def test_the_readme_shows_a_candidate_and_a_metric() -> None:
    blocks = extending_blocks()
    assert len(blocks) == 2
    assert "register_candidate(" in blocks[0]
    assert "register_metric(" in blocks[1]


@pytest.mark.usefixtures("registered")
def test_the_readme_candidate_and_metric_work_by_name(cheap_embedder: object) -> None:
    text = "First paragraph about water.\n\nSecond paragraph about pipes.\n\nThird paragraph about pumps."
    chunker = AdaptiveChunker(
        candidates=["paragraphs", "recursive_50"], metrics=["SC", "BI", "few_chunks"], chunk_size=50, min_tokens=0
    )
    result = chunker.chunk(text)
    assert result.candidates["paragraphs"][1].text == "Second paragraph about pipes.\n\n"
    assert result.notes["paragraphs"] == {"paragraphs": 3}
    assert result.scores["paragraphs"]["few_chunks"] == pytest.approx(1 / 3)
    assert "few_chunks" in [m.name for m in AdaptiveChunker(embedder=cheap_embedder).metrics]  # registered: default
