"""The terminal tables: the winner marked and first, the reason, undefined values, shares and means, 100 columns."""

from __future__ import annotations

import pytest
from evaluations import evaluate

from adaptive_splitters.output.terminal import (
    WIDTH,
    aligned,
    comparison_table,
    document_table,
    evaluation_table,
    shorten,
)


def test_a_document_table_marks_the_winner_first_and_gives_the_reason() -> None:
    shown = document_table(evaluate()).splitlines()
    assert shown[:6] == [
        "doc",
        "docs/doc.md (1,716 chars)",
        "  candidate     chunks  cut     SC     BI     RC  score",
        "--------------  ------  ---  -----  -----  -----  -----",
        "* recursive_60      12    0  1.000  1.000  0.771  0.924",
        "  recursive_30      24   12  1.000  0.000  0.771  0.590",
    ]
    assert shown[6] == "  skipped page: the document has no pages"
    assert shown[7].startswith("reason: fair rule: compared on SC, BI, RC; recursive_60 0.9236 against recursive_30")


def test_undefined_values_show_as_a_dash() -> None:
    shown = document_table(evaluate("One short line.", candidates=["recursive_30"]))
    assert "* recursive_30       1    0  0.000  1.000   -  0.500" in shown.splitlines()  # too short: SC 0


def test_several_documents_add_shares_and_means() -> None:
    documents = [evaluate(), evaluate(path="b.md", name="b", candidates=["recursive_30"])]
    shown = evaluation_table(documents)
    assert shown.count("reason: ") == 2
    summary = shown.split("\n\n")[-1].splitlines()
    assert summary[0] == "chosen in 2 documents: recursive_60 1 (50%), recursive_30 1 (50%)"
    assert summary[2:] == [
        "candidate     ran  chosen     SC     BI     RC  score",
        "------------  ---  ------  -----  -----  -----  -----",
        "recursive_60    1       1  1.000  1.000  0.771  0.924",
        "recursive_30    2       1  1.000  0.000  0.771  0.590",
    ]


def test_long_paths_and_reasons_fit_in_100_columns() -> None:
    path = "/a/very/long/folder/" * 8 + "with a long file name.md"
    shown = evaluation_table([evaluate(path=path), evaluate(path=path, name="b")])
    assert max(len(line) for line in shown.splitlines()) <= WIDTH
    assert "with a long file name.md (1,716 chars)" in shown


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("short", 10, "short"),
        ("abcdefghijklmnopqrstuvwxyz", 10, "abc…uvwxyz"),
        ("abcdefghij", 1, "a"),
    ],
)
def test_shorten_keeps_the_start_and_more_of_the_end(text: str, width: int, shown: str) -> None:
    assert shorten(text, width) == shown
    assert len(shorten(text, width)) <= width


def test_aligned_columns_and_rules() -> None:
    assert aligned([["a", "bb"], ["ccc", "d"]], right=(1,), rule_after=(0,)) == "a    bb\n---  --\nccc   d"


def test_comparison_counts_shared_boundaries_and_names_what_did_not_apply() -> None:
    evaluated = evaluate(candidates=["recursive_60", "recursive_30", "page"])
    shown = comparison_table(evaluated, "recursive_60", "recursive_30").splitlines()
    assert shown[2:5] == [
        "            recursive_60  recursive_30",
        "----------  ------------  ------------",
        "chunks                12            24",
    ]
    assert "blocks cut             0            12" in shown
    assert "boundaries: 11 in common, 0 only in recursive_60, 12 only in recursive_30" in shown
    lone = comparison_table(evaluate(candidates=["recursive_60", "page"]), "recursive_60", "page").splitlines()
    assert lone[-1] == "page did not apply: the document has no pages"
    assert not any(line.startswith("boundaries:") for line in lone)


def test_two_levels_say_which_parents_and_why() -> None:
    from evaluations import evaluate

    from adaptive_splitters.output.terminal import document_table

    table = document_table(evaluate(parent_size=200))
    assert "parents: recursive_200, 2 of whole chunks; fair rule: compared on SC, BI, RC" in " ".join(table.split())
    assert "parents:" not in document_table(evaluate())
