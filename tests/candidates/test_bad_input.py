"""Awkward texts: empty gives no spans; everything else gives spans that tile the text exactly."""

from __future__ import annotations

import time

import pytest

from adaptive_splitters.candidates import SplitContext, resolve_candidate
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span, check_tiling
from adaptive_splitters.postprocess import candidate_spans

CONTEXT = SplitContext()
RECURSIVE = resolve_candidate("recursive_1100")

TEXTS = {
    "whitespace": " \t\n\n   \r\n  " * 50,
    "nul_bytes": "before\x00after\x00\x00" * 300 + "\x00" * 5000,
    "lone_surrogates": "text \ud800 more \udfff end. " * 400,
    "crlf": "Line one.\r\nLine two.\r\n\r\nParagraph two, with commas, and more.\r\n" * 400,
    "cjk": "人工智能系统的提供者应当确保其系统符合本条例规定的要求。" * 600 + "\n\n第二章\n\n" + "数据治理。" * 500,
    "emoji": "Hello 👋🏽 world 🌍! Family: 👨‍👩‍👧‍👦. " * 500 + "🚀" * 3000,
    "mixed_scripts": ("Règlement (UE) 2024/1689 — Статья 5 — المادة ٥ — 第五条\n" * 300),
    "special_tokens": "<|endoftext|> <|fim_prefix|> text <|endofprompt|>\n" * 400,
    "tiny": "x",
}


def tiles(spans: list[Span], text: str) -> None:
    check_tiling(spans, len(text))
    assert "".join(text[s:e] for s, e in spans) == text


def both(text: str) -> tuple[list[Span], list[Span]]:
    doc = SourceDocument.build(text)
    raw = candidate_spans(RECURSIVE, doc, CONTEXT, raw=True)
    return raw, candidate_spans(RECURSIVE, doc, CONTEXT)


def test_empty_text_gives_no_spans() -> None:
    assert both("") == ([], [])


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_spans_tile_the_text(name: str) -> None:
    text = TEXTS[name]
    raw, post = both(text)
    tiles(raw, text)
    tiles(post, text)
    assert all(CONTEXT.counter(text[s:e]) <= 1100 for s, e in raw)


def test_one_megabyte_without_separators_is_fast() -> None:
    text = "x" * 1_000_000
    started = time.perf_counter()
    raw, post = both(text)
    elapsed = time.perf_counter() - started
    tiles(raw, text)
    tiles(post, text)
    assert len(raw) > 100
    assert all(CONTEXT.counter(text[s:e]) <= 1100 for s, e in raw)
    assert elapsed < 10, f"a 1 MB run took {elapsed:.1f} s"


def test_long_run_cuts_take_the_longest_fitting_prefix() -> None:
    text = "ab" * 20_000
    raw, _ = both(text)
    tiles(raw, text)
    for start, end in raw[:-1]:
        assert CONTEXT.counter(text[start:end]) <= 1100 < CONTEXT.counter(text[start : end + 1])
