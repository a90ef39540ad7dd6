"""The HTML report: self-contained, escaped, the chosen candidate first, a summary for several documents, two
candidates side by side. (The browser's view of it: integration_tests/test_html_report.py.)"""

from __future__ import annotations

import re

from evaluations import evaluate

from adaptive_splitters.output.html import POLICY, comparison_page, evaluation_page

HOSTILE = (
    "<script>document.title='pwned'</script>\n\n"
    '<img src="https://example.com/x.png" onerror="alert(1)">\n\n'
    "</pre></div></details></section><style>body{display:none}</style>\n\n"
    "A name 😀 of a candidate <b>."
)


def test_a_document_with_markup_shows_as_text_and_the_page_loads_nothing() -> None:
    page = evaluation_page([evaluate(HOSTILE, path="<b>path</b>.md", name="<i>name</i>")])
    assert "<script" not in page  # the page has no script of its own either
    assert "<img" not in page
    assert "<b>" not in page
    assert "<i>" not in page
    assert page.count("<style>") == 1  # the page's own
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page
    assert "&lt;i&gt;name&lt;/i&gt;" in page
    assert "&lt;b&gt;path&lt;/b&gt;.md" in page
    assert f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">' in page
    assert "default-src 'none'" in POLICY
    assert not re.search(r"(src|href)=\"(?!#)", page)  # no link or source but in-page anchors


def test_the_chosen_candidate_comes_first_with_its_view_open() -> None:
    page = evaluation_page([evaluate()])
    views = re.findall(r'<details class="candidate"( open)?><summary>([^<]*)</summary>', page)
    assert views == [
        (" open", "recursive_60 (chosen): 12 chunks, 0 blocks cut"),
        ("", "recursive_30: 24 chunks, 12 blocks cut"),
    ]
    rows = re.findall(r'<tr( class="chosen")?><td class="name"><span[^>]*></span>([^<]*)</td>', page)
    assert rows == [(' class="chosen"', "recursive_60"), ("", "recursive_30")]
    assert "<strong>Why recursive_60:</strong> fair rule: compared on SC, BI, RC;" in page
    assert "page did not apply: the document has no pages" in page
    assert page.count('<svg class="chart"') == 1
    assert 'id="summary"' not in page  # one document: no summary


def test_several_documents_get_the_shares_and_the_means_first() -> None:
    page = evaluation_page([evaluate(), evaluate(path="b.md", name="b", candidates=["recursive_30"])])
    summary = page.split('<section id="doc-1">')[0]
    assert "<h2>Summary of 2 documents</h2>" in summary
    assert "recursive_60: 1 (50%)" in summary  # the shares chart's bar title
    means = re.findall(r"<tr><td class=\"name\"><span[^>]*></span>([^<]*)</td>((?:<td>[^<]*</td>)+)</tr>", summary)
    assert [(name, re.findall(r"<td>([^<]*)</td>", cells)) for name, cells in means] == [
        ("recursive_60", ["1", "1", "1.000", "1.000", "0.771", "0.924"]),
        ("recursive_30", ["2", "1", "1.000", "0.000", "0.771", "0.590"]),
    ]
    assert '<a href="#doc-2">b</a> → recursive_30' in summary


def test_undefined_scores_are_marked_in_table_and_chart() -> None:
    page = evaluation_page([evaluate("One short line.", candidates=["recursive_30"])])
    assert "<td>–</td>" in page  # RC: no pair in the text
    assert "<title>recursive_30 RC: undefined</title>" in page


def test_compare_puts_the_two_views_side_by_side() -> None:
    page = comparison_page([evaluate()], "recursive_30", "recursive_60")
    side = page.split('<div class="side">', 1)[1]
    assert re.findall(r"<div><h3>([^<]*)</h3><div class=\"view\">", side) == ["recursive_30", "recursive_60"]
    assert "<title>recursive_30 against recursive_60</title>" in page


def test_compare_names_a_candidate_that_did_not_apply() -> None:
    page = comparison_page([evaluate(candidates=["recursive_60", "page"])], "recursive_60", "page")
    side = page.split('<div class="side">', 1)[1]
    assert re.findall(r"<h3>([^<]*)</h3>", side) == ["recursive_60"]
    assert "page did not apply: the document has no pages" in page


def test_two_levels_show_the_parent_candidates_why_and_the_parents_boundaries() -> None:
    page = evaluation_page([evaluate(parent_size=200)])
    assert "<h3>Parents (context units)</h3>" in page
    rows = re.findall(r'<tr( class="chosen")?><td class="name">([^<]*)</td><td>(\d+)</td>', page)
    assert rows == [(' class="chosen"', "recursive_200", "2")]
    assert "<strong>Why recursive_200 for the parents:</strong> fair rule: compared on SC, BI, RC" in page
    assert "<summary>recursive_200: 2 parents of whole chunks</summary>" in page
    assert "markdown_sections did not apply: the document has no headings" in page
    assert "Parents (context units)" not in evaluation_page([evaluate()])  # one level: no parents part
