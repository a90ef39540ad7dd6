"""``adaptive-splitters split``: every candidate's spans, offsets into the file's own text, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from adaptive_splitters.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md"
CLAIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "clair" / "parsed"
EDPS = CLAIR / "Norma (légal)_EDPS Generative AI guidelines.json"


def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_split_writes_spans_per_default_candidate(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["split", str(SAMPLE), "--json", str(out)]) == 0
    (doc,) = _report(out)["documents"]
    text = SAMPLE.read_text(encoding="utf-8")
    assert doc["name"] == "sample"
    assert doc["chars"] == len(text)
    assert list(doc["spans"]) == ["recursive_128", "recursive_70", "page"]  # the bundled model's default size
    for spans in doc["spans"].values():
        assert spans[0][0] == 0
        assert spans[-1][1] == len(text)
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_split_keeps_crlf_and_removes_bom(tmp_path: Path) -> None:
    source = tmp_path / "crlf.txt"
    body = "First paragraph.\r\n\r\nSecond paragraph, with CRLF.\r\n"
    source.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    out = tmp_path / "out.json"
    assert main(["split", str(source), "--candidate", "recursive_1100", "--json", str(out)]) == 0
    (doc,) = _report(out)["documents"]
    assert doc["chars"] == len(body)
    assert doc["spans"] == {"recursive_1100": [[0, len(body)]]}


@pytest.mark.skipif(not EDPS.is_file(), reason="CLAIR corpus not found at ../shared/data/clair")
def test_split_reads_clair_json_name_and_pages(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["split", str(EDPS), "--candidate", "page", "--raw", "--json", str(out)]) == 0
    (doc,) = _report(out)["documents"]
    assert doc["name"] == "Norma (légal)_EDPS Generative AI guidelines"
    assert doc["spans"] == {"page": [[0, 1917], [1917, 2695]]}


def test_one_failing_file_exits_1_and_keeps_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Title\n\nSome text.\n", encoding="utf-8")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF")
    out = tmp_path / "out.json"
    assert main(["split", str(bad), str(good), "--json", str(out)]) == 1
    assert [d["name"] for d in _report(out)["documents"]] == ["good"]
    assert "bad.pdf" in capsys.readouterr().err


def test_unknown_candidate_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["split", str(SAMPLE), "--candidate", "recursve", "--json", str(tmp_path / "o.json")])
    assert exit_info.value.code == 2
    assert "unknown candidate 'recursve'" in capsys.readouterr().err


def test_split_imports_neither_torch_nor_llama_index(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from adaptive_splitters.cli import main\n"
        f"assert main(['split', {str(SAMPLE)!r}, '--json', {str(tmp_path / 'o.json')!r}]) == 0\n"
        "heavy = ('torch', 'llama_index', 'sentence_transformers')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.strip() == "[]"


def test_split_names_deeply_nested_json_as_not_a_clair_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["split", str(deep), str(SAMPLE), "--candidate", "recursive_1100", "--json", str(out)]) == 1
    assert [d["name"] for d in _report(out)["documents"]] == ["sample"]
    err = capsys.readouterr().err
    assert f"adaptive-splitters: {deep}: not a CLAIR document (JSON nested too deeply to parse)" in err
    assert "RecursionError" not in err


def test_split_takes_the_engine_size_settings(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert main(["split", str(SAMPLE), "--chunk-size", "300", "--json", str(out)]) == 0
    (doc,) = _report(out)["documents"]
    assert list(doc["spans"]) == ["recursive_300", "recursive_164", "page"]


def test_split_has_no_scoring_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["split", str(SAMPLE), "--metrics", "SC", "--json", str(tmp_path / "o.json")])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --metrics" in capsys.readouterr().err


def test_split_reads_folders_and_writes_json_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a.md").write_text("# T\n\nHello there.\n", encoding="utf-8")
    (docs / "sub" / "b.txt").write_text("x", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["split", "docs", "--candidate", "recursive_1100", "--json", "-"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(d["path"], d["spans"]) for d in report["documents"]] == [
        (str(Path("docs") / "a.md"), {"recursive_1100": [[0, 18]]}),
        (str(Path("docs") / "sub" / "b.txt"), {"recursive_1100": [[0, 1]]}),
    ]
    assert not (tmp_path / "-").exists()


def test_json_naming_an_input_is_bad_usage_and_erases_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "v.txt").write_text("Keep me.", encoding="utf-8")
    (docs / "old.json").write_text("{}", encoding="utf-8")  # a previous report: read as a CLAIR document
    monkeypatch.chdir(tmp_path)
    for paths, out in (
        (["docs/v.txt"], "docs/v.txt"),
        (["docs/v.txt"], "./docs/../docs/v.txt"),  # however the path is typed
        (["docs"], "docs/old.json"),  # a file the folder leads to
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(["split", *paths, "--json", out, "--quiet"])
        assert exit_info.value.code == 2
        assert f"--json {out} is also an input; writing it would erase it" in capsys.readouterr().err
    assert (docs / "v.txt").read_text(encoding="utf-8") == "Keep me."
    assert (docs / "old.json").read_text(encoding="utf-8") == "{}"
    assert main(["split", "docs/v.txt", "--json", "docs/new.json", "--quiet"]) == 0  # not read: written
