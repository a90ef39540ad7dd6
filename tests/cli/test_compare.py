"""``adaptive-splitters compare``: two candidates side by side on the terminal and in HTML; exactly two asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adaptive_splitters.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "adaptive_splitters" / "data" / "sample.md"


def test_compare_summarises_two_candidates_and_writes_the_side_by_side_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "compare.html"
    args = [
        "compare",
        str(SAMPLE),
        "--candidate",
        "recursive_600",
        "--candidate",
        "page",
        "--metrics",
        "SC,BI",
        "--chunk-size",
        "1100",
    ]
    assert main([*args, "--html", str(report)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "sample"
    assert lines[2].split() == ["recursive_600", "page"]
    assert lines[4].split() == ["chunks", "12", "9"]
    assert lines[5].split() == ["blocks", "cut", "1", "0"]
    assert re.fullmatch(r"boundaries: \d+ in common, \d+ only in recursive_600, \d+ only in page", lines[9])
    page = report.read_text(encoding="utf-8")
    assert re.findall(r"<div><h3>([^<]*)</h3><div class=\"view\">", page) == ["recursive_600", "page"]


@pytest.mark.parametrize("candidates", [["page"], ["page", "page"], ["page", "sentence", "recursive_600"]])
def test_compare_needs_two_different_candidates(candidates: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["compare", str(SAMPLE), *(a for c in candidates for a in ("--candidate", c))])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: adaptive-splitters compare ")
    assert "compare needs two different candidates: --candidate A --candidate B (given: " in err


def test_compare_json_naming_an_input_is_bad_usage_and_erases_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "v.txt"
    source.write_text("Keep me.", encoding="utf-8")
    candidates = ["--candidate", "recursive_10", "--candidate", "recursive_20", "--metrics", "SC"]
    for option in ("--json", "--html"):
        with pytest.raises(SystemExit) as exit_info:
            main(["compare", str(tmp_path), *candidates, option, str(source)])
        assert exit_info.value.code == 2
        captured = capsys.readouterr()
        assert f"{option} {source} is also an input; writing it would erase it" in captured.err
        assert captured.out == ""  # refused before any work: no summary
    assert source.read_text(encoding="utf-8") == "Keep me."
