"""Chunk records: the promised fields in order, ids keyed by the resolved path, lines that always encode."""

from __future__ import annotations

import json
import os
from pathlib import Path

from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.output.ids import chunk_id
from adaptive_splitters.output.jsonl import RECORD_FIELDS, chunk_records, json_line


def test_records_have_the_fields_in_order_and_tile_the_text(tmp_path: Path) -> None:
    text = "# Title\n\n" + "\n\n".join(f"Paragraph {i} with a few words." for i in range(40))
    source = tmp_path / "doc.md"
    source.write_text(text, encoding="utf-8")
    chunker = AdaptiveChunker(candidates=["recursive_50"], metrics=["SC"], chunk_size=50, hard_limit=True)
    result, records = chunk_records(chunker, str(source))
    assert len(records) > 1
    assert [r["chunk_index"] for r in records] == list(range(len(records)))
    for record in records:
        assert tuple(record) == (*RECORD_FIELDS, "tokens")
        assert record["candidate"] == result.chosen == "recursive_50"
        assert record["text"] == text[record["start_index"] : record["end_index"]]
        assert record["id"] == chunk_id(os.path.realpath(source), record["start_index"], record["end_index"])
        assert 0 < record["tokens"] <= 50
    assert records[-1]["end_index"] == len(text)


def test_json_line_escapes_what_utf8_cannot_hold() -> None:
    assert json_line({"text": "é"}) == '{"text": "é"}\n'.encode()
    line = json_line({"text": "a \ud800 b"})
    assert line == b'{"text": "a \\ud800 b"}\n'
    assert json.loads(line)["text"] == "a \ud800 b"


def test_records_carry_the_chosen_candidates_notes(tmp_path: Path) -> None:
    body = "The parties agree to the following terms and conditions of this agreement. " * 40
    path = tmp_path / "contract.md"
    path.write_text("".join(f"ARTICLE {i} - TERMS\n\n{body}\n\n" for i in range(1, 9)), encoding="utf-8")
    chunker = AdaptiveChunker(candidates=["structure_pattern"], metrics=["SC", "BI"], hard_limit=True, chunk_size=1100)
    result, records = chunk_records(chunker, str(path))
    assert result.chosen == "structure_pattern"
    assert all(r["structure_pattern"] == "article" for r in records)
    assert records[1]["text"].startswith("ARTICLE 2 - TERMS")
