"""``adaptive-splitters chunk``: files and folders to JSON lines, exact offsets, pages, ids, failures named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from pypdf import PdfReader
from tqdm import tqdm

from adaptive_splitters.cli import main
from adaptive_splitters.integrations.langchain import AdaptiveTextSplitter
from adaptive_splitters.output.ids import chunk_id
from adaptive_splitters.output.jsonl import RECORD_FIELDS
from adaptive_splitters.readers.pdf import PAGE_JOIN
from adaptive_splitters.text.pages import detect_pages
from tests.pdf_maker import make_pdf

SAMPLE = Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md"
CLAIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "clair" / "parsed"
EDPS = CLAIR / "Norma (légal)_EDPS Generative AI guidelines.json"
FAST = ["--metrics", "SC,BI,RC"]  # no embedding model: for tests about files, not about selection


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _assert_tiles(records: list[dict[str, Any]], text: str) -> None:
    assert records[0]["start_index"] == 0
    assert records[-1]["end_index"] == len(text)
    for a, b in zip(records, records[1:], strict=False):
        assert a["end_index"] == b["start_index"]
    for i, r in enumerate(records):
        assert r["chunk_index"] == i
        assert r["text"] == text[r["start_index"] : r["end_index"]]
        assert r["id"] == chunk_id(os.path.realpath(r["path"]), r["start_index"], r["end_index"])


def _page_of(starts: list[int], offset: int) -> int:
    return max(i for i, s in enumerate(starts) if s <= offset) + 1


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[dict[str, Any]], str]:
    """The README's main job on the bundled sample, scored without embeddings (the real model's run of the same
    command is in integration_tests/test_readme_commands.py)."""
    out = tmp_path_factory.mktemp("chunk") / "nested" / "sample.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "adaptive_splitters.cli", "chunk", str(SAMPLE), "--out", str(out), *FAST],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, _records(out) if out.exists() else [], proc.stderr


def test_sample_records_have_the_promised_fields_and_exact_offsets(sample_run: Any) -> None:
    code, records, _ = sample_run
    assert code == 0
    text = SAMPLE.read_text(encoding="utf-8")
    assert records
    for record in records:
        assert tuple(record)[: len(RECORD_FIELDS)] == RECORD_FIELDS
        assert record["document"] == "sample"
        assert record["path"] == str(SAMPLE)
        assert record["tokens"] <= 1100
    _assert_tiles(records, text)
    assert len({r["candidate"] for r in records}) == 1


def test_sample_pages_count_from_one_and_sections_are_breadcrumbs(sample_run: Any) -> None:
    _, records, _ = sample_run
    text = SAMPLE.read_text(encoding="utf-8")
    starts = detect_pages(text)
    assert starts is not None
    for r in records:  # the pages of the chunk's text, its blank edges left out
        chunk = r["text"]
        first = r["start_index"] + len(chunk) - len(chunk.lstrip())
        last = r["end_index"] - (len(chunk) - len(chunk.rstrip()))
        assert r["page_start"] == _page_of(starts, first)
        assert r["page_end"] == _page_of(starts, last - 1)
    assert records[-1]["page_end"] == len(starts) == 9
    sectioned = [r for r in records if r["section"] is not None]
    assert sectioned  # chunks that start inside a section name its headings, outermost first
    for r in sectioned:  # a chunk that starts with a heading line is in that heading's section
        first_line = r["text"].lstrip("\n").split("\n", 1)[0]
        upto = text[: r["start_index"] + r["text"].index(first_line) + len(first_line) + 1]
        positions = [upto.rindex(f" {heading}\n") for heading in r["section"].split(" > ")]
        assert positions == sorted(positions)


def test_sample_summary_table_names_the_choice(sample_run: Any) -> None:
    _, records, stderr = sample_run
    row = next(line for line in stderr.splitlines() if line.startswith(str(SAMPLE)))
    assert row.split()[1:3] == [records[0]["candidate"], str(len(records))]
    assert "1 document(s)" in stderr
    assert "Loading weights" not in stderr
    size = tqdm.format_sizeof(SAMPLE.stat().st_size)
    assert "100%|" in stderr  # one document moves a bar too (by its bytes, stage by stage)
    assert f"{size}/{size}" in stderr


def test_ids_and_spans_equal_the_langchain_adapters(sample_run: Any) -> None:
    _, records, _ = sample_run
    text = SAMPLE.read_text(encoding="utf-8")
    source = os.path.realpath(SAMPLE)  # the command keys ids by the file's resolved path
    docs = AdaptiveTextSplitter(metrics=FAST[1].split(",")).split_documents(
        [Document(text, metadata={"source": source})]
    )
    assert [d.id for d in docs] == [r["id"] for r in records]
    assert [d.metadata["adaptive_candidate"] for d in docs] == [r["candidate"] for r in records]
    assert [d.metadata["start_index"] for d in docs] == [r["start_index"] for r in records]


def test_folders_are_searched_recursively_and_same_names_kept_apart(tmp_path: Path) -> None:
    for folder in ("a", "b", ".hidden"):
        (tmp_path / "docs" / folder).mkdir(parents=True)
        (tmp_path / "docs" / folder / "x.md").write_text(f"# {folder}\n\nText of {folder}.\n", encoding="utf-8")
    (tmp_path / "docs" / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "docs" / "a" / "y.txt").write_text("Plain text.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    folder = str(tmp_path / "docs")
    assert main(["chunk", folder, str(tmp_path / "docs" / "a" / "x.md"), "--out", str(out), "--quiet", *FAST]) == 0
    records = _records(out)
    paths = [r["path"] for r in records]
    assert paths == [f"{folder}/a/x.md", f"{folder}/a/y.txt", f"{folder}/b/x.md"]  # sorted, the repeat kept once
    assert [r["document"] for r in records] == ["x", "y", "x"]
    assert len({r["id"] for r in records}) == 3
    assert records[0]["text"] == "# a\n\nText of a.\n"
    assert records[0]["section"] is None  # the heading starts the chunk, so no heading encloses it


def test_failures_are_named_with_reasons_and_the_others_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Good\n\nKept.\n", encoding="utf-8")
    files = {
        "binary.txt": b"PK\x03\x04\x00\x00binary",
        "empty.md": b"",
        "blank.txt": b" \n\t\n",
        "latin1.txt": "café".encode("latin-1"),
        "scan.pdf": make_pdf(["", ""]),
        "broken.pdf": b"%PDF-1.4 not really",
        "table.csv": b"a,b\n",
        "other.json": b'{"name": "not CLAIR"}',
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / n) for n in files] + [str(tmp_path / "missing.md"), str(good)]
    out = tmp_path / "out.jsonl"
    assert main(["chunk", *paths, "--out", str(out), *FAST]) == 1
    assert [r["path"] for r in _records(out)] == [str(good)]
    err = capsys.readouterr().err
    expected = {
        "binary.txt": "binary",
        "empty.md": "empty (no text)",
        "blank.txt": "empty (only whitespace)",
        "latin1.txt": "not UTF-8 (byte 0xe9 at offset 3",
        "scan.pdf": "PDF without text",
        "broken.pdf": "unreadable",
        "table.csv": "unsupported",
        "other.json": "not a CLAIR document",
        "missing.md": "unreadable (no such file or folder)",
    }
    for name, reason in expected.items():
        assert f"adaptive-splitters: {tmp_path / name}: {reason}" in err
    assert "1 document(s), 9 failed" in err
    assert "EOF marker" not in err  # pypdf's own warnings stay out of the report


def test_quiet_keeps_failures_but_drops_table_and_progress(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("One.", encoding="utf-8")
    (tmp_path / "b.md").write_text("", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "adaptive_splitters.cli", "chunk", str(tmp_path), "--quiet", *FAST],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"adaptive-splitters: {tmp_path / 'b.md'}: empty (no text)"
    (record,) = [json.loads(line) for line in proc.stdout.splitlines()]  # standard output holds only records
    assert record["text"] == "One."


def test_progress_bar_counts_input_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text(f"Text {name}." * 20, encoding="utf-8")
    assert main(["chunk", str(tmp_path), "--out", str(tmp_path / "o.jsonl"), *FAST]) == 0
    err = capsys.readouterr().err
    assert "280/280" in err  # bytes of both files, not files
    assert "2 document(s)" in err


def test_bom_removed_crlf_kept_and_offsets_index_that_text(tmp_path: Path) -> None:
    body = "First paragraph.\r\n\r\nSecond, with CRLF and é.\r\n"
    source = tmp_path / "crlf.txt"
    source.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(source), "--out", str(out), "--quiet", *FAST]) == 0
    records = _records(out)
    _assert_tiles(records, body)
    assert records[0]["page_start"] is None
    assert records[0]["section"] is None


def test_pdf_offsets_index_the_joined_page_texts(tmp_path: Path) -> None:
    pages = ["Page one says hello.\nIt has two lines.", "", "Page three (the last)."]
    source = tmp_path / "report.pdf"
    source.write_bytes(make_pdf(pages))
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(source), "--out", str(out), "--candidate", "page", "--quiet", *FAST]) == 0
    records = _records(out)
    extracted = [page.extract_text() for page in PdfReader(source).pages]
    assert [t.strip() for t in extracted] == [p.strip() for p in pages]
    joined = PAGE_JOIN.join(extracted)  # the documented text of a PDF
    _assert_tiles(records, joined)
    starts = [0]
    for page in extracted[:-1]:
        starts.append(starts[-1] + len(page) + len(PAGE_JOIN))
    assert records[0]["document"] == "report"
    for r in records:
        assert r["page_start"] == _page_of(starts, r["start_index"])
    assert records[-1]["page_end"] == 3
    holder = next(r for r in records if r["start_index"] <= joined.index("Page three") < r["end_index"])
    assert holder["page_end"] == 3


@pytest.mark.skipif(not EDPS.is_file(), reason="CLAIR corpus not found at ../shared/data/clair")
def test_clair_json_keeps_its_name_pages_and_titles(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(EDPS), "--out", str(out), "--candidate", "page", "--quiet", *FAST]) == 0
    records = _records(out)
    data = json.loads(EDPS.read_text(encoding="utf-8"))
    _assert_tiles(records, data["full_text"])
    assert {r["document"] for r in records} == {data["document_name"]}
    second = len(data["pages"]["1"])
    assert [(r["page_start"], r["page_end"]) for r in records] == [
        (1 if r["start_index"] < second else 2, 1 if r["end_index"] <= second else 2) for r in records
    ]
    assert any(r["section"] for r in records)


def test_lone_surrogates_are_written_escaped_and_read_back(tmp_path: Path) -> None:
    text = "Broken \ud800 surrogate, kept as given."
    source = tmp_path / "odd.json"
    source.write_text(json.dumps({"full_text": text}), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(source), "--out", str(out), "--quiet", *FAST]) == 0
    (record,) = _records(out)
    assert record["text"] == text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["chunk"], "the following arguments are required: PATH"),
        (["chunk", "x.md", "--candidate", "recursve"], "unknown candidate 'recursve'"),
        (["chunk", "x.md", "--chunk-size", "0"], "argument --chunk-size: must be a positive integer (received 0)"),
        (["chunk", "x.md", "--metrics", "SC,XYZ"], "XYZ"),
        (["chunk", "x.md", "--workers", "0"], "argument --workers: must be a positive integer (received 0)"),
    ],
)
def test_bad_usage_exits_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_reader_closing_the_pipe_stops_quietly(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("\n\n".join(f"Paragraph {j} of {i}." for j in range(3000)), "utf-8")
    command = f"{sys.executable} -m adaptive_splitters.cli chunk {tmp_path} --quiet --chunk-size 50 --metrics SC"
    proc = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} | head -n 1"], capture_output=True, text=True, check=False
    )
    assert json.loads(proc.stdout)["chunk_index"] == 0
    assert proc.returncode == 141  # as a writer killed by SIGPIPE, not "some document failed"
    assert proc.stderr == ""


def test_out_naming_an_input_is_bad_usage_and_erases_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a.md"
    source.write_text("Keep me.", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["chunk", str(tmp_path), "--out", str(source), *FAST])
    assert exit_info.value.code == 2
    assert "is also an input" in capsys.readouterr().err
    assert source.read_text(encoding="utf-8") == "Keep me."


def test_links_uppercase_suffixes_and_odd_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs, elsewhere = tmp_path / "docs", tmp_path / "elsewhere"
    docs.mkdir()
    elsewhere.mkdir()
    (elsewhere / "far.md").write_text("Far away.", encoding="utf-8")
    (docs / "LOUD.MD").write_text("Upper-case suffix.", encoding="utf-8")
    (docs / "linked.md").symlink_to(elsewhere / "far.md")  # a link to a file is read
    (docs / "sub").symlink_to(elsewhere, target_is_directory=True)  # a link to a folder is not followed
    (docs / "utf16.txt").write_bytes("Hi".encode("utf-16"))
    os.mkfifo(docs / "pipe.txt")  # would block a reader forever: skipped in folders
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(docs), str(docs / "pipe.txt"), "--out", str(out), "--quiet", *FAST]) == 1
    assert [r["path"] for r in _records(out)] == [str(docs / "LOUD.MD"), str(docs / "linked.md")]
    err = capsys.readouterr().err
    assert f"{docs / 'utf16.txt'}: not UTF-8 (it starts with a UTF-16 byte-order mark" in err
    assert f"{docs / 'pipe.txt'}: unreadable (not a regular file)" in err


def test_encrypted_pdfs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfWriter

    for name, password in (("open.pdf", ""), ("locked.pdf", "secret")):
        writer = PdfWriter(clone_from=BytesIO(make_pdf(["Encrypted page text."])))
        writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
        with (tmp_path / name).open("wb") as handle:
            writer.write(handle)
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(tmp_path / "open.pdf"), str(tmp_path / "locked.pdf"), "--out", str(out), *FAST]) == 1
    (record,) = _records(out)  # an empty user password only restricts permissions: it reads
    assert record["text"].startswith("Encrypted page text.")
    assert f"{tmp_path / 'locked.pdf'}: unreadable (the PDF is encrypted with a password)" in capsys.readouterr().err


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 file name: a lone surrogate in Python
    (tmp_path / name).write_text("Text under an odd name.", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(tmp_path / name), "--out", str(out), "--quiet", *FAST]) == 0
    (record,) = _records(out)
    assert record["path"] == str(tmp_path / name)
    assert record["id"] == chunk_id(os.path.realpath(record["path"]), 0, len(record["text"]))


def test_ids_follow_the_file_however_its_path_is_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    for name in ("a.md", "b.md"):  # same text, two files
        (docs / name).write_text("# Title\n\nThe same words in two files.\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(docs / "a.md")
    runs = iter(range(100))

    def ids(cwd: Path, path: str) -> list[str]:
        monkeypatch.chdir(cwd)
        out = tmp_path / f"o{next(runs)}.jsonl"
        assert main(["chunk", path, "--out", str(out), "--quiet", *FAST]) == 0
        records = _records(out)
        assert {r["path"] for r in records} == {path}  # the record keeps the path as given
        return [r["id"] for r in records]

    a = ids(docs, "a.md")
    assert a == [chunk_id(os.path.realpath(docs / "a.md"), 0, len((docs / "a.md").read_text(encoding="utf-8")))]
    for cwd, path in [
        (docs, "./a.md"),
        (tmp_path, "docs/a.md"),
        (tmp_path, str(docs / "a.md")),
        (docs / "sub", "../a.md"),
        (tmp_path, "link.md"),
        (docs, str(tmp_path / "link.md")),
    ]:
        assert ids(cwd, path) == a, path
    assert not set(ids(docs, "b.md")) & set(a)  # another file never shares them


def test_requested_candidate_that_never_applies_falls_back_and_the_table_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Depends on the engine's fallback (AdaptiveResult.fallback): before it, such a document failed outright.
    plain = tmp_path / "plain.md"
    plain.write_text("No pages here, and no headings either.\n\nJust two paragraphs.\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    args = ["chunk", str(SAMPLE), str(plain), "--candidate", "page", "--candidate", "markdown_sections"]
    assert main([*args, "--out", str(out), *FAST]) == 0
    records = _records(out)
    assert {r["candidate"] for r in records if r["path"] == str(plain)} == {"recursive_128"}  # the default size
    lines = capsys.readouterr().err.splitlines()
    row = next(line for line in lines if line.split() and line.split()[0].endswith("plain.md"))  # long paths shortened
    assert row.split()[1] == "recursive_128*"
    assert next(line for line in lines if line.startswith(str(SAMPLE))).split()[1] in ("page", "markdown_sections")
    (note,) = [line for line in lines if line.startswith("* ")]
    assert note.startswith(f"* {plain}: no requested candidate applies (")
    assert note.endswith("fell back to recursive_128")


def test_skipped_folder_entries_are_counted_in_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("Read me.", encoding="utf-8")
    (docs / "letter.docx").write_bytes(b"PK\x03\x04")
    (docs / "page.html").write_text("<p>Hi</p>", encoding="utf-8")
    (docs / "notes.HTML").write_text("<p>Hi</p>", encoding="utf-8")
    os.mkfifo(docs / "pipe.txt")
    (docs / "gone.md").symlink_to(tmp_path / "missing.md")
    (docs / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    (docs / ".hidden.docx").write_bytes(b"")  # hidden names are passed over without a word, as documented
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(docs), "--out", str(out), *FAST]) == 0  # skipped entries are not failures
    assert [r["path"] for r in _records(out)] == [str(docs / "a.md")]
    err = capsys.readouterr().err
    lines = err.splitlines()
    count = lines.index(
        "skipped 6: 3 unsupported (.docx, .html), 1 not a regular file, 1 broken link, "
        "1 link to a folder (not followed)"
    )
    assert lines[count + 1 : count + 7] == [  # each named, in path order
        f"  {docs / 'elsewhere'}: link to a folder (not followed)",
        f"  {docs / 'gone.md'}: broken link",
        f"  {docs / 'letter.docx'}: unsupported",
        f"  {docs / 'notes.HTML'}: unsupported",
        f"  {docs / 'page.html'}: unsupported",
        f"  {docs / 'pipe.txt'}: not a regular file",
    ]


def test_the_first_ten_skipped_entries_are_named_and_the_rest_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.md").write_text("Read me.", encoding="utf-8")
    for i in range(13):
        (tmp_path / f"sheet{i:02d}.xlsx").write_bytes(b"PK")
    assert main(["chunk", str(tmp_path), "--out", str(tmp_path / "o.jsonl"), *FAST]) == 0
    lines = capsys.readouterr().err.splitlines()
    count = lines.index("skipped 13: 13 unsupported (.xlsx)")
    named = [f"  {tmp_path / f'sheet{i:02d}.xlsx'}: unsupported" for i in range(10)]
    assert lines[count + 1 : count + 12] == [*named, "  and 3 more"]


def test_folder_of_only_unsupported_files_says_so_rather_than_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd, empty = tmp_path / "odd", tmp_path / "empty"
    odd.mkdir()
    empty.mkdir()
    (odd / "letter.docx").write_bytes(b"PK\x03\x04")
    (odd / "page.html").write_text("<p>Hi</p>", encoding="utf-8")
    os.mkfifo(odd / "pipe.md")
    (tmp_path / "named.docx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(odd), str(empty), str(tmp_path / "named.docx"), "--out", str(out), *FAST]) == 1
    err = capsys.readouterr().err
    assert (
        f"adaptive-splitters: {odd}: unsupported (no .txt, .md, .markdown, .json, .pdf files in this folder; "
        "skipped 3: 2 unsupported (.docx, .html), 1 not a regular file)"
    ) in err
    assert f"{odd}: empty" not in err
    assert f"adaptive-splitters: {empty}: empty (no .txt, .md, .markdown, .json, .pdf files in this folder)" in err
    assert f"adaptive-splitters: {tmp_path / 'named.docx'}: unsupported (.docx; expected one of" in err
    assert "0 document(s), 3 failed" in err


def test_folder_given_twice_is_read_once_and_not_called_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("Once.", encoding="utf-8")
    (tmp_path / "docs" / "b.docx").write_bytes(b"PK")
    out = tmp_path / "o.jsonl"
    folder = str(tmp_path / "docs")
    assert main(["chunk", folder, folder + "/", "--out", str(out), *FAST]) == 0
    assert len(_records(out)) == 1
    err = capsys.readouterr().err
    assert "empty" not in err
    assert "skipped 1: 1 unsupported (.docx)" in err.splitlines()


def test_deeply_nested_json_fails_as_not_a_clair_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = 100_000
    (tmp_path / "deep.json").write_text("[" * deep + "]" * deep, encoding="utf-8")
    (tmp_path / "deep_pages.json").write_text(
        '{"full_text": "Text.", "pages": ' + "[" * deep + "]" * deep + "}", encoding="utf-8"
    )
    (tmp_path / "good.md").write_text("Still written.", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["chunk", str(tmp_path), "--out", str(out), "--quiet", *FAST]) == 1
    assert [r["path"] for r in _records(out)] == [str(tmp_path / "good.md")]
    err = capsys.readouterr().err
    for name in ("deep.json", "deep_pages.json"):
        assert f"adaptive-splitters: {tmp_path / name}: not a CLAIR document (JSON nested too deeply to parse)" in err
    assert "RecursionError" not in err


def test_workers_write_the_same_output_in_input_order_and_name_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = SAMPLE.read_text(encoding="utf-8")
    for i in range(4):  # sizes out of order: the largest is worked first, written in its place
        (tmp_path / f"d{i}.md").write_text(sample[: 1500 * (1 + (i * 3) % 4)], encoding="utf-8")
    (tmp_path / "d2b.txt").write_text("", encoding="utf-8")
    missing = tmp_path / "missing.md"
    outs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        assert main(["chunk", str(tmp_path), str(missing), "--out", str(out), "--workers", workers, *FAST]) == 1
        outs[workers] = out.read_bytes()
        err = capsys.readouterr().err
        assert f"adaptive-splitters: {tmp_path / 'd2b.txt'}: empty (no text)" in err
        assert f"adaptive-splitters: {missing}: unreadable (no such file or folder)" in err
        assert "4 document(s), 2 failed" in err
    assert outs["1"] == outs["2"]
    paths = list(dict.fromkeys(r["path"] for r in _records(tmp_path / "out2.jsonl")))
    assert paths == [str(tmp_path / f"d{i}.md") for i in range(4)]


def test_an_empty_out_is_bad_usage_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text("Keep me.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["chunk", "a.md", "--out", "", "--quiet", "--metrics", "SC"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "argument --out: expected a file name, not an empty string" in captured.err
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]  # nothing written, no temporary file left


def test_parent_size_writes_both_levels_linked_by_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "two.jsonl"
    sample = str(resources.files("adaptive_splitters").joinpath("data/sample.md"))
    assert main(["chunk", sample, "--out", str(out), "--parent-size", "400", *FAST]) == 0
    records = _records(out)
    parents = [r for r in records if r["level"] == "parent"]
    chunks = [r for r in records if r["level"] == "chunk"]
    assert parents
    assert chunks
    assert records[: len(parents)] == parents  # parents first
    text = Path(sample).read_text(encoding="utf-8")
    by_id = {p["id"]: p for p in parents}
    for chunk in chunks:
        parent = by_id[chunk["parent_id"]]
        assert parent["start_index"] <= chunk["start_index"] < chunk["end_index"] <= parent["end_index"]
    for parent in parents:
        assert parent["parent_id"] is None
        assert parent["text"] == text[parent["start_index"] : parent["end_index"]]
    assert f"  {len(chunks)} " in capsys.readouterr().err  # the summary counts chunks, not parents
