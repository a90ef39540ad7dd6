"""``adaptive-splitters evaluate``: scores, choice and order in the JSON report; pairs from mentions."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from adaptive_splitters.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md"
CLAIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "clair" / "parsed"
EDPS = CLAIR / "Norma (légal)_EDPS Generative AI guidelines.json"


PAPER_SIZE = ["--chunk-size", "1100"]  # the output these tests read was written at the paper's size


def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_evaluate_reports_scores_choice_and_order(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    assert main(["evaluate", str(SAMPLE), "--metrics", "SC,BI", "--selection", "paper", "--json", str(out)]) == 0
    (doc,) = _report(out)["documents"]
    assert doc["candidate_order"] == ["recursive_128", "recursive_70", "page"]  # the bundled model's default size
    assert doc["chosen"] in doc["candidate_order"]
    assert doc["reason"]
    assert doc["skipped"] == {}
    for entry in doc["candidates"].values():
        assert set(entry["scores"]) == {"SC", "BI", "RC", "ICC", "DCC"}
        assert entry["scores"]["ICC"] is None  # not requested
        assert 0.0 <= entry["score"] <= 1.0
        assert entry["spans"][-1][1] == doc["chars"]
    assert doc["cost"]["seconds"]["total"] > 0


@pytest.mark.skipif(not EDPS.is_file(), reason="CLAIR corpus not found at ../shared/data/clair")
def test_evaluate_reads_pairs_from_mentions(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    mentions = CLAIR.parent / "mentions"
    args = ["evaluate", str(EDPS), "--metrics", "SC,BI,RC", "--mentions", str(mentions), "--chunk-size", "1100"]
    args += ["--json", str(out)]
    assert main(args) == 0
    (doc,) = _report(out)["documents"]
    assert doc["pairs_source"] == "given"
    # EDPS: every candidate keeps all 12 pairs whole (PAPER_SPEC Appendix A: RC 100 / 100 / 100)
    assert {name: entry["scores"]["RC"] for name, entry in doc["candidates"].items()} == {
        "recursive_1100": 1.0,
        "recursive_600": 1.0,
        "page": 1.0,
    }


def test_evaluate_rejects_unknown_metric(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", str(SAMPLE), "--metrics", "SC,XX", "--json", str(tmp_path / "o.json")])
    assert exit_info.value.code == 2


def test_user_metric_is_scored_without_touching_the_registry(tmp_path: Path) -> None:
    from adaptive_splitters.core.registry import REGISTRY

    before = dict(REGISTRY.metrics)
    out = tmp_path / "eval.json"
    spec = "fewer=test_evaluate_user_metric_module:few_chunks@0.5"
    module = tmp_path / "test_evaluate_user_metric_module.py"
    module.write_text("def few_chunks(doc, spans):\n    return 1 / len(spans)\n", encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        args = ["evaluate", str(SAMPLE), "--metrics", "SC,BI", "--user-metric", spec, "--json", str(out)]
        assert main(args) == 0
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("test_evaluate_user_metric_module", None)
    (doc,) = _report(out)["documents"]
    for entry in doc["candidates"].values():
        assert 0 < entry["scores"]["fewer"] <= 1
        assert entry["scores"]["ICC"] is None
    assert dict(REGISTRY.metrics) == before


def _folder(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "inner").mkdir(parents=True)
    (docs / "a.md").write_text("# A\n\nFirst document. It is short.\n\nIt has two paragraphs.\n", encoding="utf-8")
    (docs / "inner" / "b.txt").write_text("Second document, in a sub-folder.\n", encoding="utf-8")
    (docs / "notes.docx").write_bytes(b"PK\x03\x04")
    return docs


def test_folders_are_searched_and_the_table_goes_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = _folder(tmp_path)
    assert main(["evaluate", str(docs), *PAPER_SIZE, "--metrics", "SC,BI,RC"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "a"
    assert lines[1] == f"{docs / 'a.md'} (58 chars)"
    assert lines[2].split() == ["candidate", "chunks", "cut", "SC", "BI", "RC", "score"]
    assert lines[4].startswith("* recursive_1100 ")
    assert "b" in lines
    assert f"{docs / 'inner' / 'b.txt'} (34 chars)" in lines
    assert "chosen in 2 documents: recursive_1100 2 (100%)" in lines
    assert "skipped 1: 1 unsupported (.docx)" in captured.err
    assert not list(tmp_path.glob("*.json"))  # no --json, no report


def test_the_bar_counts_bytes_and_quiet_drops_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = _folder(tmp_path)
    total = sum(f.stat().st_size for f in (docs / "a.md", docs / "inner" / "b.txt"))
    for command, settings in (("evaluate", ["--metrics", "SC,BI,RC"]), ("split", [])):
        argv = [command, str(docs), *PAPER_SIZE, *settings, "--json", str(tmp_path / "r.json")]
        assert main(argv) == 0
        assert f"100%|██████████| {total:.1f}/{total:.1f} [" in capsys.readouterr().err  # every byte done
        assert main([*argv, "--quiet"]) == 0
        assert capsys.readouterr().err.splitlines() == [  # no bar: the skipped entry alone
            "adaptive-splitters: skipped 1: 1 unsupported (.docx)",
            f"  {docs / 'notes.docx'}: unsupported",
        ]


def test_json_dash_writes_the_report_to_standard_output_and_the_table_to_standard_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["evaluate", str(SAMPLE), *PAPER_SIZE, "--metrics", "SC,BI", "--json", "-"]) == 0
    captured = capsys.readouterr()
    (doc,) = json.loads(captured.out)["documents"]
    assert doc["name"] == "sample"
    assert "* recursive_1100" in captured.err
    assert not (tmp_path / "-").exists()


def test_the_json_report_is_indented_with_rounded_floats(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    assert main(["evaluate", str(SAMPLE), *PAPER_SIZE, "--metrics", "SC,BI,RC", "--json", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith('{\n  "documents": [\n    {\n      "name": "sample",\n')
    assert "\n            [0, 2949],\n" in text  # a span on one line
    floats = re.findall(r"\d+\.\d+", text)
    assert floats
    assert all(len(f.split(".")[1]) <= 4 for f in floats)
    (doc,) = _report(out)["documents"]
    assert doc["metrics"] == ["SC", "BI", "RC"]
    assert doc["candidates"]["recursive_600"]["blocks_cut"] == 1


def test_html_report_is_written_and_names_the_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "out" / "report.html"
    assert main(["evaluate", str(SAMPLE), *PAPER_SIZE, "--metrics", "SC,BI", "--html", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<h2>sample</h2>" in page
    assert page.count('<div class="view">') == 3
    assert "* recursive_1100" in capsys.readouterr().out


def test_an_html_report_that_cannot_be_written_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SAMPLE), "--metrics", "SC", "--html", str(tmp_path)]) == 1
    assert f"adaptive-splitters: cannot write the HTML report {tmp_path}: Is a directory" in capsys.readouterr().err


def test_a_failing_file_is_named_and_the_others_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    assert main(["evaluate", str(empty), str(SAMPLE), "--metrics", "SC", "--json", str(tmp_path / "o.json")]) == 1
    assert f"adaptive-splitters: {empty}: empty" in capsys.readouterr().err
    assert [d["name"] for d in _report(tmp_path / "o.json")["documents"]] == ["sample"]


def test_html_dash_takes_standard_output_and_not_together_with_json_dash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evaluate", str(SAMPLE), *PAPER_SIZE, "--metrics", "SC", "--html", "-"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("<!DOCTYPE html>")
    assert "* recursive_1100" in captured.err
    with pytest.raises(SystemExit) as stopped:
        main(["evaluate", str(SAMPLE), "--html", "-", "--json", "-"])
    assert stopped.value.code == 2
    assert "--json - and --html - cannot both take standard output" in capsys.readouterr().err


def test_a_latin1_file_name_is_escaped_in_json_and_replaced_in_html(tmp_path: Path) -> None:
    import os

    name = os.fsdecode(b"caf\xe9.txt")  # not UTF-8: Python keeps the byte as the lone surrogate \udce9
    (tmp_path / name).write_text("A first paragraph.\n\nA second paragraph.", encoding="utf-8")
    out, report = tmp_path / "o.json", tmp_path / "o.html"
    assert (
        main(["evaluate", str(tmp_path / name), "--metrics", "SC,BI", "--json", str(out), "--html", str(report)]) == 0
    )
    assert "caf\\udce9.txt" in out.read_text(encoding="utf-8")
    assert "caf\ufffd.txt" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("option", ["--json", "--html"])
def test_a_report_naming_an_input_is_bad_usage_and_erases_nothing(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "v.txt"
    source.write_text("Keep me.", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(source)
    for out in (source, link):  # a link to an input is that input
        with pytest.raises(SystemExit) as exit_info:
            main(["evaluate", str(source), "--metrics", "SC", option, str(out)])
        assert exit_info.value.code == 2
        err = capsys.readouterr().err
        assert f"{option} {out} is also an input; writing it would erase it" in err
        assert "* recursive" not in err  # refused before any work: no table
    assert source.read_text(encoding="utf-8") == "Keep me."


@pytest.mark.parametrize("option", ["--json", "--html"])
def test_an_empty_report_path_is_bad_usage(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["evaluate", str(SAMPLE), "--metrics", "SC", option, ""])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert f"argument {option}: expected a file name, not an empty string" in captured.err
    assert captured.out == ""
