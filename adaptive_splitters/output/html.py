"""The HTML report: one self-contained file (inline CSS and SVG, no script, no network) saying why each document
was chunked as it was (docs/method.md#selection).

Per document: the candidates against the metrics with the chosen one first and the reason, a chart of the scores
and each candidate's chunk boundaries over the text (:mod:`.boundaries`); for several documents, first the
selection shares and each candidate's mean per metric (the paper's Table 3, per candidate). The comparison page
shows two candidates' boundaries side by side. Everything taken from a document or a candidate is escaped, and the
page's content security policy forbids scripts and every request, so a document holding ``<script>`` shows it as
text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from adaptive_splitters.output.boundaries import boundary_view
from adaptive_splitters.output.charts import colour, score_chart, shares_chart
from adaptive_splitters.output.evaluation import (
    candidate_names,
    metric_means,
    metric_names,
    selection_shares,
    shown_value,
)
from adaptive_splitters.output.terminal import counted

if TYPE_CHECKING:
    from adaptive_splitters.output.evaluation import Evaluated

POLICY = "default-src 'none'; style-src 'unsafe-inline'"
"""The page's content security policy: inline styles only; no script, font, image or request of any kind."""
STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d232a;background:#fff;margin:0 auto;
 max-width:1280px;padding:12px 28px 40px}
h1{font-size:22px;margin:12px 0 4px}h2{font-size:18px;margin:0 0 2px}h3{font-size:15px;margin:16px 0 6px}
.meta,.path{color:#5b6670;margin:0 0 10px}.path{font-size:12px;word-break:break-all}
section{border-top:2px solid #d5dbe1;padding-top:14px;margin-top:24px}
nav ol{columns:2;margin:6px 0;padding-left:22px}
table{border-collapse:collapse;margin:6px 0 8px}
th,td{padding:3px 10px;border-bottom:1px solid #e1e5ea;text-align:right;font-variant-numeric:tabular-nums}
th{background:#f3f5f7;font-weight:600}th.name,td.name{text-align:left}
tr.chosen td{background:#eef6e8;font-weight:600}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.reason{background:#f6f8fa;border-left:3px solid #3b6fb6;padding:6px 10px;margin:8px 0;max-width:110ch}
.skipped{color:#5b6670;margin:4px 0}
.legend{font-size:12px;color:#5b6670;margin:4px 0 8px}
details.candidate{margin:6px 0}details.candidate>summary{cursor:pointer;font-weight:600;padding:3px 0}
.view{white-space:pre-wrap;overflow-wrap:anywhere;font:12.5px/1.55 ui-monospace,Menlo,Consolas,monospace;
 border:1px solid #d5dbe1;border-radius:4px;padding:8px 10px;max-height:70vh;overflow:auto}
.k0{background:#e6effb}.k1{background:#fdf0df}.k2{background:#e5f4e8}.k3{background:#f4e7f4}
.gap{background:#eceff2;color:#8a949e}
.cut{text-decoration:underline wavy #c4473f;text-decoration-skip-ink:none}
.mark{display:inline-block;font:600 10px/1.2 system-ui,sans-serif;color:#fff;background:#39424c;
 border-radius:3px;padding:0 4px;margin:0 3px 0 1px;user-select:none}
.mark.breaks{background:#c4473f}
.more>summary{cursor:pointer;color:#3b6fb6;margin:6px 0;font-family:system-ui,sans-serif}
.side{display:grid;grid-template-columns:1fr 1fr;gap:14px;align-items:start}
.side h3{margin-top:4px}
svg.chart{display:block;margin:6px 0}
svg text{font-family:system-ui,sans-serif;fill:#1d232a}
svg .tick{font-size:10px;text-anchor:end;fill:#5b6670}svg .label{font-size:11px;text-anchor:middle}
svg .na{font-size:9px;fill:#8a949e}svg .name{font-size:12px;text-anchor:end}
svg .count{font-size:12px}svg .axis{stroke:#8a949e}svg .grid{stroke:#eceff2}
"""
LEGEND = (
    '<p class="legend">Each chunk has its own background and its number at its start; '
    '<span class="cut">underlined</span>: a block (paragraph, table, list) that a boundary cuts; '
    '<span class="mark breaks">n</span> a chunk starting inside a block. Hover a number for its offsets '
    "(code points, end excluded).</p>"
)


def evaluation_page(documents: Sequence[Evaluated], title: str = "Adaptive chunking report") -> str:
    """The report of ``documents``: the summary (for several), then each document's section."""
    candidates = candidate_names(documents)
    metrics = metric_names(documents)
    meta = f"{counted(len(documents), 'document')} · metrics {', '.join(metrics)} · candidates {', '.join(candidates)}"
    parts = [f"<h1>{_e(title)}</h1>", f'<p class="meta">{_e(meta)}</p>']
    if len(documents) > 1:
        parts.append(summary_section(documents, candidates))
    parts += [document_section(e, i, candidates) for i, e in enumerate(documents, 1)]
    return page(title, parts)


def comparison_page(documents: Sequence[Evaluated], first: str, second: str) -> str:
    """``first`` and ``second`` side by side on each of ``documents``: their scores and their boundaries."""
    title = f"{first} against {second}"
    candidates = [first, second]
    parts = [f"<h1>{_e(title)}</h1>", f'<p class="meta">{counted(len(documents), "document")}</p>']
    for index, evaluated in enumerate(documents, 1):
        ran = [n for n in candidates if n in evaluated.result.candidates]
        columns = [f"<div><h3>{_e(n)}</h3>{_view(evaluated, n)}</div>" for n in ran]
        parts.append(
            f'<section id="doc-{index}">{_heading(evaluated)}{scores_table(evaluated, ran, candidates)}'
            f'{_reason(evaluated)}{_skipped(evaluated)}{LEGEND}<div class="side">{"".join(columns)}</div></section>'
        )
    return page(title, parts)


def page(title: str, parts: Sequence[str]) -> str:
    """A whole HTML document around ``parts`` (already HTML), with the style and the policy inline."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )


def summary_section(documents: Sequence[Evaluated], candidates: Sequence[str]) -> str:
    """The selection shares (chart) and each candidate's mean per metric (table), and links to the documents."""
    total = len(documents)
    shares = selection_shares(documents)
    metrics = [*metric_names(documents), "score"]
    rows = []
    for name, means in metric_means(documents).items():
        cells = "".join(f"<td>{_e(means[m].shown())}</td>" for m in metrics)
        counts = f"<td>{means[metrics[-1]].of}</td><td>{shares.get(name, 0)}</td>"
        rows.append(f"<tr>{_name_cell(name, candidates)}{counts}{cells}</tr>")
    head = "".join(f"<th>{_e(m)}</th>" for m in metrics)
    links = "".join(
        f'<li><a href="#doc-{i}">{_e(e.name)}</a> → {_e(e.result.chosen)}</li>' for i, e in enumerate(documents, 1)
    )
    return (
        f'<section id="summary"><h2>Summary of {total} documents</h2><h3>Selection shares</h3>'
        f"{shares_chart(shares, total, candidates)}"
        '<h3>Mean per candidate</h3><p class="legend">Over the documents the candidate ran on, where the metric '
        "is defined (their number in parentheses when not all); score: the selection's objective.</p>"
        '<table class="means"><tr><th class="name">candidate</th><th>ran</th><th>chosen</th>'
        f"{head}</tr>{''.join(rows)}</table>"
        f"<h3>Documents</h3><nav><ol>{links}</ol></nav></section>"
    )


def document_section(evaluated: Evaluated, index: int, candidates: Sequence[str]) -> str:
    """One document: its table, reason, chart, and each candidate's boundaries (the chosen one open, first)."""
    result = evaluated.result
    metrics = [*evaluated.metrics, "score"]
    scores = {n: {m: evaluated.score(n, m) for m in metrics} for n in evaluated.order}
    views = []
    for name in evaluated.order:
        chosen = " (chosen)" if name == result.chosen else ""
        counts = f"{counted(len(evaluated.spans(name)), 'chunk')}, {counted(len(evaluated.cut(name)), 'block')} cut"
        summary = f"{name}{chosen}: {counts}"
        opened = " open" if chosen else ""
        views.append(
            f'<details class="candidate"{opened}><summary>{_e(summary)}</summary>{_view(evaluated, name)}</details>'
        )
    return (
        f'<section id="doc-{index}">{_heading(evaluated)}{scores_table(evaluated, evaluated.order, candidates)}'
        f"{_reason(evaluated)}{_skipped(evaluated)}"
        f"{score_chart(scores, metrics, candidates)}<h3>Chunk boundaries</h3>{LEGEND}{''.join(views)}"
        f"{parents_part(evaluated)}</section>"
    )


def parents_part(evaluated: Evaluated) -> str:
    """With two levels: the parent candidates against the metrics that chose them, why the winner won, and the
    parents' boundaries (each a run of whole chunks); nothing with one level."""
    parents = evaluated.result.parents
    if parents is None:
        return ""
    order = [parents.chosen, *(name for name in parents.candidates if name != parents.chosen)]
    metrics = [m for m in next(iter(parents.scores.values())) if any(r[m] is not None for r in parents.scores.values())]
    head = "".join(f"<th>{_e(m)}</th>" for m in metrics)
    rows = []
    for name in order:
        cls = ' class="chosen"' if name == parents.chosen else ""
        values = "".join(f"<td>{shown_value(parents.scores[name][m], '–')}</td>" for m in metrics)
        objective = f"<td>{shown_value(parents.objective.get(name), '–')}</td>"
        rows.append(
            f'<tr{cls}><td class="name">{_e(name)}</td><td>{len(parents.candidates[name])}</td>{values}{objective}</tr>'
        )
    table = (
        f'<table class="scores"><tr><th class="name">parent candidate</th><th>parents</th>{head}<th>score</th></tr>'
        f"{''.join(rows)}</table>"
    )
    why = f'<p class="reason"><strong>Why {_e(parents.chosen)} for the parents:</strong> {_e(parents.reason)}</p>'
    why += "".join(f'<p class="skipped">{_e(n)} did not apply: {_e(w)}</p>' for n, w in parents.skipped.items())
    summary = f"{parents.chosen}: {counted(len(parents.spans), 'parent')} of whole chunks"
    view = boundary_view(evaluated.text, parents.spans, [])
    return (
        f"<h3>Parents (context units)</h3>{table}{why}"
        f'<details class="candidate"><summary>{_e(summary)}</summary>{view}</details>'
    )


def scores_table(evaluated: Evaluated, shown: Sequence[str], candidates: Sequence[str]) -> str:
    """The candidates ``shown`` against the metrics and the selection's score; the chosen row marked."""
    metrics = [*evaluated.metrics, "score"]
    head = "".join(f"<th>{_e(m)}</th>" for m in metrics)
    rows = []
    for name in shown:
        cls = ' class="chosen"' if name == evaluated.result.chosen else ""
        counts = f"<td>{len(evaluated.spans(name))}</td><td>{len(evaluated.cut(name))}</td>"
        values = "".join(f"<td>{shown_value(evaluated.score(name, m), '–')}</td>" for m in metrics)
        rows.append(f"<tr{cls}>{_name_cell(name, candidates)}{counts}{values}</tr>")
    return (
        f'<table class="scores"><tr><th class="name">candidate</th><th>chunks</th><th>blocks cut</th>{head}</tr>'
        f"{''.join(rows)}</table>"
    )


def _heading(evaluated: Evaluated) -> str:
    where = f"{evaluated.path} · {len(evaluated.text):,} characters · RC pairs: {evaluated.result.pairs_source}"
    return f'<h2>{_e(evaluated.name)}</h2><p class="path">{_e(where)}</p>'


def _reason(evaluated: Evaluated) -> str:
    result = evaluated.result
    return f'<p class="reason"><strong>Why {_e(result.chosen)}:</strong> {_e(result.reason)}</p>'


def _skipped(evaluated: Evaluated) -> str:
    items = evaluated.result.skipped.items()
    return "".join(f'<p class="skipped">{_e(name)} did not apply: {_e(why)}</p>' for name, why in items)


def _view(evaluated: Evaluated, name: str) -> str:
    return boundary_view(evaluated.text, evaluated.spans(name), evaluated.cut(name))


def _name_cell(name: str, candidates: Sequence[str]) -> str:
    swatch = f'<span class="swatch" style="background:{colour(name, candidates)}"></span>'
    return f'<td class="name">{swatch}{_e(name)}</td>'


def _e(text: str) -> str:
    return html.escape(text, quote=True)
