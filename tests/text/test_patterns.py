"""Delimiter families (docs/method.md#structure_pattern): what each family finds, at which offsets, in linear time."""

from __future__ import annotations

from pathlib import Path

import pytest
from bounded import run_bounded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adaptive_splitters.text.patterns import FAMILY_ORDER, PAGE_BREAK, DelimiterFamily, detect_families

ROOT = Path(__file__).resolve().parents[2]
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def found(text: str) -> dict[str, tuple[int, ...]]:
    return {f.name: f.starts for f in detect_families(text)}


def line_starts(text: str, *needles: str) -> tuple[int, ...]:
    """Offsets of the lines of ``text`` that begin with one of ``needles`` (computed line by line)."""
    out, offset = [], 0
    for line in text.split("\n"):
        if line.startswith(needles):
            out.append(offset)
        offset += len(line) + 1
    return tuple(out)


def test_markdown_levels_are_separate_families() -> None:
    text = "# Title\n\n## One\ntext\n## Two\n### Deep\n####### seven\n#nospace\n   ## indented\n"
    families = found(text)
    assert families["markdown_h1"] == (0,)
    assert families["markdown_h2"] == (text.index("## One"), text.index("## Two"), text.index("   ## indented"))
    assert families["markdown_h3"] == (text.index("### Deep"),)
    assert "markdown_h4" not in families  # seven '#' is no level 1-6 heading


@pytest.mark.parametrize(
    ("family", "lines", "not_lines"),
    [
        (
            "article",
            ["Article 12 Scope", "ARTICLE XII", "## Article 5", "**Article 3**", "Article 1er"],
            ["Articles 1"],
        ),
        ("section", ["Section 3", "SECTION 2.1 Fees", "Sec. IV"], ["Sections apply", "Sectional"]),
        ("paragraph_sign", ["§ 4 Scope", "§§ 12 ff.", "§7"], ["§ a"]),
        ("annex", ["ANNEX I", "SCHEDULE 2", "APPENDIX A", "Annex III"], ["Annexed hereto"]),
        ("roman", ["IV. Remedies", "XII) Other"], ["IV.Remedies", "I am here"]),
        ("numbered_1", ["1. Introduction", "12. Fees", "# 3. Scope"], ["1.2 Sub", "25.4.2018 date", "1.5%"]),
        ("numbered_2", ["1.2 Sub", "3.10. Scope"], ["1.2.3 Deep", "1. Top", "25.4.2018 date"]),
        ("numbered_3", ["1.2.3 Deep", "2.10.4. Deeper"], ["1.2 Sub", "1.2.3.4.5"]),
        ("item_alpha", ["(a) first", "  (b) second"], ["(ab) no", "a) no"]),
        ("item_roman", ["(i) first", "(iv) fourth"], ["(1) no", "(v)no"]),
    ],
)
def test_each_family_finds_its_lines_and_only_at_a_line_start(
    family: str, lines: list[str], not_lines: list[str]
) -> None:
    text = "Preamble line.\n" + "\n".join(f"{line}\nbody text\n" for line in [*lines, *not_lines]) + "tail"
    starts = found(text).get(family, ())
    assert starts == line_starts(text, *lines)
    assert found("text " + " text ".join(lines)).get(family, ()) == ()  # mid-line: not a delimiter


def test_all_caps_lines_need_three_letters_and_no_lowercase() -> None:
    text = "DEFINITIONS\nEN\nTHE PARTIES AGREE:\nNot Caps\n| A | B |\n1234 5678\n# CHAPTER ONE\nÉTAT DE L'ART\n"
    caps = found(text)["caps_heading"]
    assert caps == line_starts(text, "DEFINITIONS", "THE PARTIES", "# CHAPTER", "ÉTAT")
    assert "caps_heading" not in found("A" * 121 + "\nB" * 2)  # longer than a heading line


def test_page_breaks_from_form_feeds_markers_or_given_pages() -> None:
    text = "one\x0ctwo\n<!-- PageBreak -->\n\nthree"
    assert found(text)[PAGE_BREAK] == (4, text.index("three"))
    given = detect_families("abc\ndef\nghi", page_starts=[0, 4, 8])
    assert [f.name for f in given] == [PAGE_BREAK]
    assert given[0].starts == (4, 8)


def test_families_come_in_the_fixed_order_with_their_rank() -> None:
    text = "\x0c(a) item\n1. one\n# Head\nARTICLE 1\n"
    families = detect_families(text)
    assert [f.name for f in families] == sorted((f.name for f in families), key=FAMILY_ORDER.index)
    assert all(f.rank == FAMILY_ORDER.index(f.name) for f in families)
    assert DelimiterFamily("markdown_h1", (0,)).rank == 0


def test_the_first_line_and_crlf_lines_count() -> None:
    text = "1. first\r\n2. second\r\n"
    assert found(text)["numbered_1"] == (0, text.index("2."))


def test_a_line_starts_after_any_line_break_block_detection_knows() -> None:
    text = "CHAPTER ONE\x0cCHAPTER TWO\rCHAPTER THREE\u2028# Four\n# Five\n"
    families = found(text)
    assert families["caps_heading"] == (0, text.index("CHAPTER TWO"), text.index("CHAPTER THREE"))
    assert families["markdown_h1"] == (text.index("# Four"), text.index("# Five"))
    assert {text[s - 1] for s in families["caps_heading"][1:]} <= set(LINE_BREAKS)


def test_consecutive_delimiter_lines_are_all_found() -> None:
    text = "#\n#\nABC\nDEF\nGHI"
    assert found(text)["markdown_h1"] == (0, 2)
    assert found(text)["caps_heading"] == (4, 8, 12)


PIECES = ["# H\n", "## S\n", "1. n\n", "1.2 m\n", "(a) i\n", "IV. r\n", "ARTICLE 3\n", "CAPS LINE\n", "text ", "\n"]
PIECES += ["\r\n", "\x0c", "§ 2\n", "ANNEX\n", "   ", "\t", "#", "(", "1.", "日本\n", "\u2028", "x" * 130]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
        st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200),
    )
)
def test_every_delimiter_starts_a_line_and_detection_is_deterministic(text: str) -> None:
    families = detect_families(text)
    for family in families:
        assert list(family.starts) == sorted(set(family.starts))
        assert all(0 <= s < len(text) for s in family.starts)
        if family.name != PAGE_BREAK:
            assert all(s == 0 or text[s - 1] in LINE_BREAKS for s in family.starts), family
    assert detect_families(text) == families


PATHOLOGICAL = (
    '"".join(line for _ in range(200000 // 8) for line in ('
    '"        ############    **" + " " * 40 + "\\n", "1.2.3.4.5.6.7.8.9" * 5 + "\\n", " " * 200 + "x\\n",'
    '"A" * 119 + "a\\n", "((((iiiiii" * 20 + "\\n", "\\u00a7\\u00a7\\u00a7 " * 30 + "\\n",'
    '"ARTICLE" + " " * 300 + "\\n",'
    '"IIIIIIIIIIII.\\t\\t\\t\\t\\n")) + " " * 1000000'
)


def test_detection_on_200000_pathological_lines_is_linear() -> None:
    code = f"""
        import json
        from adaptive_splitters.text.patterns import detect_families
        text = {PATHOLOGICAL}
        families = detect_families(text)
        print(json.dumps({{"lines": text.count(chr(10)), "families": {{f.name: len(f.starts) for f in families}}}}))
        """
    result = run_bounded(code)
    assert result["lines"] == 200000
    assert "numbered_3" not in result["families"]  # 1.2.3.4... is no numbering
