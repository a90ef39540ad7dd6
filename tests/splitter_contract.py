"""A reusable contract kit for LangChain ``TextSplitter`` implementations (LangChain ships none).

Each ``check_*`` function takes a splitter and raises ``AssertionError`` with a precise message when the
contract fails. :func:`run_contract` runs them all and returns ``{check: failure message or None}``, so the kit
can be pointed at any splitter (ours in CI, LangChain's in a script or an xfail test).

The contract:
- offsets: every chunk's ``start_index`` (and ``end_index`` when present) locates it exactly in its source, on
  repeated text, with overlap, on CJK and on emoji;
- coverage: no non-whitespace character of the source is left out of every chunk;
- metadata: parent metadata reaches every chunk, deep-copied (mutating one chunk changes nothing else);
- ids: every chunk has an id, unique in the output, identical on a second run, different across sources;
- consistency: ``split_text`` matches ``create_documents``; ``transform_documents`` and
  ``atransform_documents`` match ``split_documents``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from langchain_core.documents import Document
from langchain_text_splitters import TextSplitter

_PARAGRAPH = (
    "The committee met again. The committee met again. It reviewed the same report, and the same report "
    "was approved. Approved, approved, approved.\n\n"
)
_LINES = "".join(f"Item {i % 7}: the same line again.\n" for i in range(120))
REPEATED_TEXT = _PARAGRAPH * 30 + "Done.\n\n" + _LINES + "\n" + _PARAGRAPH * 10
"""Identical paragraphs, sentences and short lines: a chunk's text occurs many times, so ``str.find`` can pick
the wrong copy (short lines let an overlap keep several pieces)."""

CJK_TEXT = (
    "人工智能系统必须透明。人工智能系统必须透明。监管机构要求提供文档，并且文档必须完整。\n\n"
    "機械学習モデルの説明可能性は重要です。説明可能性は重要です。\n\n"
    "인공지능 시스템은 투명해야 합니다. 인공지능 시스템은 투명해야 합니다.\n\n"
) * 25
"""Chinese, Japanese and Korean sentences, repeated: multi-byte characters with several tokens each."""

EMOJI_TEXT = (
    "Deploy 🚀 then test 🧪🧪. Family: 👨‍👩‍👧‍👦 flags 🇫🇷🇩🇪 skin 👍🏽. Repeat 🚀🚀🚀 and again 🚀🚀🚀.\n\n"
) * 40
"""Emoji, ZWJ sequences, flags and skin tones: characters outside the BMP and grapheme clusters."""

TEXTS = {"repeated": REPEATED_TEXT, "cjk": CJK_TEXT, "emoji": EMOJI_TEXT}


def documents_for(splitter: TextSplitter, text: str, metadata: dict[str, Any] | None = None) -> list[Document]:
    """The splitter's documents for one text, asserting there is at least one."""
    docs = splitter.create_documents([text], [dict(metadata or {})])
    assert docs, "the splitter returned no documents for a non-empty text"
    return docs


def check_offsets(splitter: TextSplitter, text: str = REPEATED_TEXT) -> None:
    """``text[start_index : start_index + len(chunk)] == chunk`` (and ``end_index`` agrees) for every chunk."""
    for i, doc in enumerate(documents_for(splitter, text)):
        start = doc.metadata.get("start_index")
        assert isinstance(start, int), f"chunk {i} has no integer start_index (got {start!r})"
        content = doc.page_content
        found = text[start : start + len(content)] if start >= 0 else None
        assert found == content, f"chunk {i}: start_index {start} does not locate its text {content[:30]!r}"
        end = doc.metadata.get("end_index")
        expected = start + len(content)
        assert end in {None, expected}, f"chunk {i}: end_index {end} != start_index + len(text) ({expected})"


def check_offsets_repeated(splitter: TextSplitter) -> None:
    """Exact offsets on highly repetitive text."""
    check_offsets(splitter, REPEATED_TEXT)


def check_offsets_cjk(splitter: TextSplitter) -> None:
    """Exact offsets on Chinese, Japanese and Korean text."""
    check_offsets(splitter, CJK_TEXT)


def check_offsets_emoji(splitter: TextSplitter) -> None:
    """Exact offsets on emoji, ZWJ sequences and flags."""
    check_offsets(splitter, EMOJI_TEXT)


def check_starts_in_order(splitter: TextSplitter, text: str = REPEATED_TEXT) -> None:
    """Chunk starts never decrease: a later chunk is not placed before an earlier one."""
    starts = [d.metadata.get("start_index", -1) for d in documents_for(splitter, text)]
    back = next((i for i in range(1, len(starts)) if starts[i] < starts[i - 1]), None)
    assert back is None, f"start_index goes backwards at chunk {back}: {starts[back - 1]} then {starts[back]}"


def check_coverage(splitter: TextSplitter, text: str = REPEATED_TEXT) -> None:
    """Every non-whitespace character of ``text`` lies in some chunk (by the chunks' own offsets)."""
    covered = bytearray(len(text))
    for doc in documents_for(splitter, text):
        start = doc.metadata.get("start_index", -1)
        if isinstance(start, int) and start >= 0 and text[start : start + len(doc.page_content)] == doc.page_content:
            covered[start : start + len(doc.page_content)] = b"\x01" * len(doc.page_content)
    lost = [i for i, ch in enumerate(text) if not covered[i] and not ch.isspace()]
    assert not lost, f"{len(lost)} non-whitespace characters are in no correctly located chunk (first at {lost[0]})"


def check_metadata_isolation(splitter: TextSplitter, text: str = REPEATED_TEXT) -> None:
    """Parent metadata reaches every chunk as a deep copy: mutating one chunk or the input changes nothing else."""
    parent = {"source": "contract.txt", "tags": ["a", "b"], "nested": {"k": [1]}}
    docs = splitter.create_documents([text], [parent])
    assert len(docs) >= 2, "the contract needs a text that gives at least two chunks"
    for i, doc in enumerate(docs):
        for key, value in parent.items():
            assert doc.metadata.get(key) == value, f"chunk {i} lost parent metadata {key!r}"
    docs[0].metadata["tags"].append("changed")
    docs[0].metadata["nested"]["k"].append(2)
    assert parent == {"source": "contract.txt", "tags": ["a", "b"], "nested": {"k": [1]}}, "the input was mutated"
    assert docs[1].metadata["tags"] == ["a", "b"], "chunks share one metadata list"
    assert docs[1].metadata["nested"] == {"k": [1]}, "chunks share one nested metadata dict"


def check_ids(splitter: TextSplitter, text: str = REPEATED_TEXT) -> None:
    """Ids are set, unique, the same on a second run, and different for another source with the same text."""
    first = [d.id for d in documents_for(splitter, text, {"source": "a.txt"})]
    assert all(first), f"{sum(1 for x in first if not x)} of {len(first)} chunks have no id"
    assert len(set(first)) == len(first), "ids repeat within one document"
    again = [d.id for d in documents_for(splitter, text, {"source": "a.txt"})]
    assert again == first, "ids change between two identical runs"
    other = [d.id for d in documents_for(splitter, text, {"source": "b.txt"})]
    assert not set(first) & set(other), "two sources with the same text share ids"


def check_split_text_consistent(splitter: TextSplitter, text: str = REPEATED_TEXT) -> None:
    """``split_text`` returns the page contents of ``create_documents``."""
    assert splitter.split_text(text) == [d.page_content for d in documents_for(splitter, text)]


def check_transform_consistent(splitter: TextSplitter, text: str = REPEATED_TEXT) -> None:
    """``transform_documents`` and ``atransform_documents`` equal ``split_documents`` (content and metadata)."""
    docs = [Document(page_content=text, metadata={"source": "t.txt"})]
    expected = [(d.page_content, d.metadata) for d in splitter.split_documents(docs)]
    assert [(d.page_content, d.metadata) for d in splitter.transform_documents(docs)] == expected
    result = asyncio.run(splitter.atransform_documents(docs))
    assert [(d.page_content, d.metadata) for d in result] == expected


CHECKS: dict[str, Callable[[TextSplitter], None]] = {
    "offsets_repeated": check_offsets_repeated,
    "offsets_cjk": check_offsets_cjk,
    "offsets_emoji": check_offsets_emoji,
    "starts_in_order": check_starts_in_order,
    "coverage": check_coverage,
    "metadata_isolation": check_metadata_isolation,
    "ids": check_ids,
    "split_text_consistent": check_split_text_consistent,
    "transform_consistent": check_transform_consistent,
}
"""Every check, by name."""


def run_contract(splitter: TextSplitter) -> dict[str, str | None]:
    """Run every check on ``splitter``: ``{name: None}`` on success, else the failure message."""
    out: dict[str, str | None] = {}
    for name, check in CHECKS.items():
        try:
            check(splitter)
        except AssertionError as err:
            out[name] = str(err) or "assertion failed"
        else:
            out[name] = None
    return out
