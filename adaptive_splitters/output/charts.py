"""Inline SVG charts for the HTML report (no script, no network): a document's scores as grouped bars (one group
per metric and the selection's ``score``, one bar per candidate) and the selection shares as horizontal bars.

Every label is escaped; each bar has a ``<title>`` with its exact value, which the browser shows on hover.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

PALETTE = ("#3b6fb6", "#e08a2c", "#4a9d5b", "#a75aa8", "#c4473f", "#6f7f8f", "#b59b2a", "#2a9fa6")
"""Candidate colours, by the candidate's position in the report's list of candidates."""
BAR = 16
GAP = 14
PLOT = 120
"""Pixels: a bar's width, the gap between groups, the plot's height (a score of 1)."""


def colour(candidate: str, candidates: Sequence[str]) -> str:
    """``candidate``'s colour: the same in every chart and table of one report."""
    index = candidates.index(candidate) if candidate in candidates else len(candidates)
    return PALETTE[index % len(PALETTE)]


def score_chart(
    scores: Mapping[str, Mapping[str, float | None]], metrics: Sequence[str], candidates: Sequence[str]
) -> str:
    """Bars of ``scores`` (candidate -> metric -> value in [0, 1] or ``None``) for ``metrics``, candidates in
    their order in ``scores``; ``n/a`` where a value is undefined."""
    names = list(scores)
    group = len(names) * BAR + GAP
    width, top, height = 40 + group * len(metrics), 10, PLOT + 46
    parts = [f'<line x1="36" y1="{top + PLOT}" x2="{width}" y2="{top + PLOT}" class="axis"/>']
    for tick in (0.0, 0.5, 1.0):
        y = top + PLOT * (1 - tick)
        parts.append(f'<text x="32" y="{y + 4:.0f}" class="tick">{tick:.1f}</text>')
        parts.append(f'<line x1="36" y1="{y:.0f}" x2="{width}" y2="{y:.0f}" class="grid"/>')
    for g, metric in enumerate(metrics):
        left = 40 + g * group
        for i, name in enumerate(names):
            x = left + i * BAR
            parts.append(_bar(x, top, scores[name].get(metric), f"{name} {metric}", colour(name, candidates)))
        middle = left + len(names) * BAR / 2
        parts.append(f'<text x="{middle:.0f}" y="{top + PLOT + 16}" class="label">{html.escape(metric)}</text>')
    return _svg(width, height, "scores per metric", parts)


def _bar(x: float, top: int, number: float | None, label: str, fill: str) -> str:
    if number is None:
        title = f"<title>{html.escape(label)}: undefined</title>"
        middle, bottom = x + BAR / 2 + 3, top + PLOT - 3  # written upwards, so that neighbours do not overlap
        turn = f"rotate(-90 {middle:.0f} {bottom})"
        return f'<text x="{middle:.0f}" y="{bottom}" transform="{turn}" class="na">n/a{title}</text>'
    high = max(1.0, PLOT * min(max(number, 0.0), 1.0))
    y = top + PLOT - high
    title = f"<title>{html.escape(label)}: {number:.4f}</title>"
    return f'<rect x="{x:.0f}" y="{y:.1f}" width="{BAR - 2}" height="{high:.1f}" fill="{fill}">{title}</rect>'


def shares_chart(shares: Mapping[str, int], total: int, candidates: Sequence[str]) -> str:
    """Horizontal bars: how many of ``total`` documents chose each candidate of ``shares``."""
    row, label_width, plot = 22, 150, 300
    parts = []
    for i, (name, count) in enumerate(shares.items()):
        y = 4 + i * row
        length = plot * count / total if total else 0
        text = f"{count} ({count / total:.0%})" if total else "0"
        parts.append(f'<text x="{label_width - 6}" y="{y + 13}" class="name">{html.escape(name)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1):.1f}" height="{row - 6}" '
            f'fill="{colour(name, candidates)}"><title>{html.escape(name)}: {text}</title></rect>'
        )
        parts.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 13}" class="count">{text}</text>')
    return _svg(label_width + plot + 80, 8 + row * len(shares), "selection shares", parts)


def _svg(width: float, height: float, label: str, parts: Sequence[str]) -> str:
    body = "".join(parts)
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{label}">{body}</svg>'
    )
