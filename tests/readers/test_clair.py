"""CLAIR parsed documents and mentions files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.readers import DocumentError, read_document
from adaptive_splitters.readers.clair import read_pairs, with_mentions

DEEP = 100_000


@pytest.mark.parametrize(
    "text",
    [
        "[" * DEEP + "]" * DEEP,
        '{"full_text": "Text.", "titles": ' + "[" * DEEP + "]" * DEEP + "}",
        '{"full_text": "Text.", "pages": {"1": ' + '{"a": ' * DEEP + "0" + "}" * DEEP + "}}",
    ],
    ids=["bare", "titles", "pages"],
)
def test_deeply_nested_json_is_not_a_clair_document(tmp_path: Path, text: str) -> None:
    source = tmp_path / "deep.json"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        read_document(source)
    assert caught.value.reason == "not a CLAIR document"
    assert caught.value.detail == "JSON nested too deeply to parse"


def test_clair_document_keeps_name_pages_and_blocks(tmp_path: Path) -> None:
    source = tmp_path / "file.json"
    data = {"full_text": "One.\n\nTwo.", "pages": {"1": "One.\n\n", "2": "Two."}, "document_name": "Named"}
    source.write_text(json.dumps(data), encoding="utf-8")
    doc = read_document(source)
    assert doc.name == "Named"
    assert doc.text == "One.\n\nTwo."
    assert doc.page_starts == (0, 6)


def test_with_mentions_adds_pairs_or_leaves_the_document(tmp_path: Path) -> None:
    doc = SourceDocument.build("Alice came. She sat.", name="story")
    (tmp_path / "story.json").write_text(json.dumps({"entity_pronoun_pairs": [[[0, 5], [12, 15]]]}), "utf-8")
    assert read_pairs(tmp_path, "story") == [[[0, 5], [12, 15]]]
    assert with_mentions(doc, tmp_path).pairs is not None
    assert with_mentions(doc, tmp_path / "missing") is doc
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="no 'entity_pronoun_pairs' list"):
        read_pairs(tmp_path, "bad")
