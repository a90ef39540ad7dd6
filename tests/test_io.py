"""Reading documents and searching folders: every failure a documented reason, every skipped entry counted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adaptive_splitters.readers.files import DocumentError, Skipped, describe_skipped, read_document, search_documents

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


def test_search_counts_what_folders_hold_besides_documents(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("Read.", encoding="utf-8")
    (tmp_path / "b.docx").write_bytes(b"PK")
    (tmp_path / "README").write_text("no suffix", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("", encoding="utf-8")
    search = search_documents([tmp_path])
    assert [f.path for f in search.found] == [str(tmp_path / "a.md")]
    assert sorted(search.skipped, key=lambda s: s.path) == [
        Skipped(str(tmp_path / "README"), "unsupported", "no extension"),
        Skipped(str(tmp_path / "b.docx"), "unsupported", ".docx"),
        Skipped(str(tmp_path / "dangling.txt"), "broken link"),
        Skipped(str(tmp_path / "loop"), "link to a folder (not followed)"),
        Skipped(str(tmp_path / "pipe.txt"), "not a regular file"),
    ]
    assert describe_skipped(search.skipped) == (
        "skipped 5: 2 unsupported (.docx, no extension), 1 not a regular file, 1 broken link, "
        "1 link to a folder (not followed)"
    )
    assert describe_skipped([]) == ""
