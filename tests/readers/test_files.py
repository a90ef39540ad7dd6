"""Searching folders and reading text files: every failure a documented reason, every skipped entry counted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adaptive_splitters.readers import read_document
from adaptive_splitters.readers.files import DocumentError, Skipped, describe_skipped, read_text, search_documents


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
    assert describe_skipped(search.skipped, named=2).splitlines()[1:] == [
        f"  {tmp_path / 'README'}: unsupported",
        f"  {tmp_path / 'b.docx'}: unsupported",
        "  and 3 more",
    ]


def test_text_keeps_newlines_and_drops_a_utf8_bom(tmp_path: Path) -> None:
    source = tmp_path / "crlf.md"
    source.write_bytes(b"\xef\xbb\xbf# Title\r\n\r\nText.\r\n")
    assert read_text(source) == "# Title\r\n\r\nText.\r\n"
    doc = read_document(source)
    assert doc.name == "crlf"
    assert doc.text == "# Title\r\n\r\nText.\r\n"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.txt", b"", "empty"),
        ("b.txt", b"\x00\x01", "binary"),
        ("c.txt", "é".encode("utf-16"), "not UTF-8"),
        ("d.txt", "café".encode("latin-1"), "not UTF-8"),
        ("e.docx", b"PK", "unsupported"),
    ],
)
def test_each_failure_has_its_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    source = tmp_path / name
    source.write_bytes(data)
    with pytest.raises(DocumentError) as caught:
        read_document(source)
    assert caught.value.reason == reason
    assert str(caught.value).startswith(f"{source}: {reason}")
