"""Plain-text tables for a terminal of :data:`WIDTH` columns: the ``evaluate`` table (per document the candidates
against the metrics, the winner marked, the reason; then the selection shares and the means per candidate) and
the ``compare`` summary. Undefined values show as ``-`` (docs/method.md#selection)."""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from adaptive_splitters.output.evaluation import metric_means, metric_names, selection_shares, shown_value

if TYPE_CHECKING:
    from adaptive_splitters.output.evaluation import Evaluated

WIDTH = 100
"""The columns a table is kept within (paths are shortened in the middle to fit)."""
CHOSEN_MARK = "*"
"""Marks the chosen candidate's row."""
ELLIPSIS = "…"


def aligned(rows: Sequence[Sequence[str]], *, right: Collection[int] = (), rule_after: Collection[int] = ()) -> str:
    """``rows`` as columns two spaces apart, the columns in ``right`` right-aligned, a rule of dashes after the
    rows in ``rule_after``; trailing spaces dropped."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        lines.append("  ".join(cells).rstrip())
        if index in rule_after:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis in place of what is left out: a third of the room for its
    start, the rest for its end, so that a path's file name stays readable."""
    if len(text) <= width:
        return text
    if width <= len(ELLIPSIS):
        return text[:width]
    head = (width - len(ELLIPSIS)) // 3
    tail = width - len(ELLIPSIS) - head
    return text[:head] + ELLIPSIS + text[len(text) - tail :]


def counted(number: int, noun: str) -> str:
    """``1 chunk``, ``2 chunks``: ``number`` and ``noun``, plural unless one."""
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def evaluation_table(documents: Sequence[Evaluated], width: int = WIDTH) -> str:
    """Per document a table of its candidates against its metrics and the selection's ``score`` (the chosen
    candidate first, marked :data:`CHOSEN_MARK`), its skipped candidates and the reason; for several documents
    the selection shares and each candidate's means."""
    parts = [document_table(e, width) for e in documents]
    if len(documents) > 1:
        parts.append(summary_table(documents, width))
    return "\n\n".join(parts)


def document_table(evaluated: Evaluated, width: int = WIDTH) -> str:
    """One document's block of :func:`evaluation_table`."""
    result = evaluated.result
    metrics = [*evaluated.metrics, "score"]
    rows = [["  candidate", "chunks", "cut", *metrics]]
    for name in evaluated.order:
        mark = CHOSEN_MARK if name == result.chosen else " "
        chunks, cut = str(len(result.candidates[name])), str(len(evaluated.cut(name)))
        rows.append([f"{mark} {name}", chunks, cut, *(shown_value(evaluated.score(name, m)) for m in metrics)])
    chars = f"{len(evaluated.text):,} chars"
    lines = [
        shorten(evaluated.name, width),
        shorten(f"{evaluated.path} ({chars})", width) if evaluated.path != evaluated.name else chars,
        aligned(rows, right=range(1, len(rows[0])), rule_after=(0,)),
    ]
    lines += [shorten(f"  skipped {name}: {why}", width) for name, why in result.skipped.items()]
    lines.append(wrapped("reason: ", result.reason, width))
    if result.parents is not None:  # two levels: the parents chosen, and why
        parents = result.parents
        lines.append(
            wrapped("parents: ", f"{parents.chosen}, {len(parents.spans)} of whole chunks; {parents.reason}", width)
        )
    return "\n".join(lines)


def summary_table(documents: Sequence[Evaluated], width: int = WIDTH) -> str:
    """The selection shares, then each candidate's mean per metric over the documents where it is defined."""
    shares = selection_shares(documents)
    total = len(documents)
    listed = ", ".join(f"{name} {n} ({n / total:.0%})" for name, n in shares.items())
    means = metric_means(documents)
    metrics = [*metric_names(documents), "score"]
    rows = [["candidate", "ran", "chosen", *metrics]]
    for name, row in means.items():
        ran = row[metrics[-1]].of
        rows.append([name, str(ran), str(shares.get(name, 0)), *(row[m].shown() for m in metrics)])
    return "\n".join(
        [
            wrapped(f"chosen in {total} documents: ", listed, width),
            "mean per candidate over the documents it ran on (in parentheses: where defined, when not all):",
            aligned(rows, right=range(1, len(rows[0])), rule_after=(0,)),
        ]
    )


def comparison_table(evaluated: Evaluated, first: str, second: str, width: int = WIDTH) -> str:
    """Two candidates side by side on one document: chunks, blocks cut, boundaries in common and apart, and the
    metrics; a candidate that did not apply is named with its reason."""
    result = evaluated.result
    lines = [shorten(evaluated.name, width), shorten(f"{evaluated.path} ({len(evaluated.text):,} chars)", width)]
    ran = [name for name in (first, second) if name in result.candidates]
    if ran:
        rows = [["", *ran]]
        rows.append(["chunks", *(str(len(result.candidates[n])) for n in ran)])
        rows.append(["blocks cut", *(str(len(evaluated.cut(n))) for n in ran)])
        rows += [[m, *(shown_value(evaluated.score(n, m)) for n in ran)] for m in [*evaluated.metrics, "score"]]
        lines.append(aligned(rows, right=range(1, len(ran) + 1), rule_after=(0,)))
    if len(ran) == 2:
        a, b = ({s for s, _ in evaluated.spans(n)[1:]} for n in ran)
        lines.append(f"boundaries: {len(a & b)} in common, {len(a - b)} only in {first}, {len(b - a)} only in {second}")
        lines.append(wrapped("reason: ", result.reason, width))
    lines += [shorten(f"{name} did not apply: {why}", width) for name, why in result.skipped.items()]
    return "\n".join(lines)


def wrapped(label: str, text: str, width: int) -> str:
    """``label`` then ``text`` wrapped to ``width``, continuation lines indented under the text."""
    return textwrap.fill(text, width, initial_indent=label, subsequent_indent=" " * len(label), break_on_hyphens=False)
