"""One document's evaluation as the reports show it: every candidate's spans and scores, the choice and its reason
(docs/method.md#selection), and what several documents add up to: the selection shares and each candidate's mean
per metric (the paper's Table 3, per candidate).

The terminal table (:mod:`.terminal`), the HTML report (:mod:`.html`) and the JSON report all read these, so the
three show the same numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from adaptive_splitters.metrics.bi import cut_blocks

if TYPE_CHECKING:
    from adaptive_splitters.core.result import AdaptiveResult
    from adaptive_splitters.core.spans import Span

JSON_DIGITS = 4
"""Decimals kept for every float of the JSON report: scores in [0, 1] and seconds read at a glance."""


@dataclass(frozen=True)
class Evaluated:
    """The engine's result for the file at ``path``, with the names of the metrics it was asked for (the report's
    columns: a metric left out is not shown, a metric undefined for a candidate is)."""

    path: str
    result: AdaptiveResult
    metrics: tuple[str, ...]

    @property
    def name(self) -> str:
        """The document's name (CLAIR's ``document_name``, else the file stem)."""
        return self.result.document.name or self.path

    @property
    def text(self) -> str:
        """The text every span indexes."""
        return self.result.document.text

    @property
    def order(self) -> list[str]:
        """The candidates, the chosen one first, then the others in the order they ran."""
        chosen = self.result.chosen
        return [chosen, *(name for name in self.result.candidates if name != chosen)]

    def spans(self, candidate: str) -> list[Span]:
        """``candidate``'s spans."""
        return self.result.spans(candidate)

    def cut(self, candidate: str) -> list[Span]:
        """The blocks ``candidate`` cuts (those Block Integrity counts as broken), in order."""
        return self._cut[candidate]

    @cached_property
    def _cut(self) -> dict[str, list[Span]]:
        """Every candidate's cut blocks, found once (the table, the report and the JSON all ask)."""
        doc = self.result.document
        return {name: cut_blocks(self.spans(name), doc.split_points, len(doc.text)) for name in self.result.candidates}

    def score(self, candidate: str, metric: str) -> float | None:
        """``candidate``'s value of ``metric``, or of the selection's objective for ``metric == "score"``."""
        if metric == "score":
            return self.result.objective.get(candidate)
        return self.result.scores[candidate].get(metric)


def evaluation_record(evaluated: Evaluated) -> dict[str, Any]:
    """The JSON report's fields: ``chosen``, ``reason``, ``metrics``, ``candidates`` (per candidate: ``spans``,
    ``scores``, ``score``, ``chunks``, ``blocks_cut`` and its notes), ``candidate_order``, ``skipped``,
    ``pairs_source`` and ``cost``; floats rounded by :func:`rounded`."""
    result = evaluated.result
    candidates = {
        name: {
            "spans": [list(c.span) for c in chunks],
            "scores": result.scores[name],
            "score": result.objective.get(name),
            "chunks": len(chunks),
            "blocks_cut": len(evaluated.cut(name)),
            **result.notes.get(name, {}),
        }
        for name, chunks in result.candidates.items()
    }
    record = {
        "chosen": result.chosen,
        "reason": result.reason,
        "metrics": list(evaluated.metrics),
        "candidates": candidates,
        "candidate_order": list(result.candidates),
        "skipped": result.skipped,
        "pairs_source": result.pairs_source,
        "cost": result.cost,
    }
    return {key: rounded(item) for key, item in record.items()}


def rounded(value: Any, digits: int = JSON_DIGITS) -> Any:
    """``value`` with every float inside it (dict values, list items) rounded to ``digits`` decimals."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {key: rounded(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(item, digits) for item in value]
    return value


def candidate_names(documents: Sequence[Evaluated]) -> list[str]:
    """Every candidate that ran on some document, in the order first met (each document's own order)."""
    return list(dict.fromkeys(name for e in documents for name in e.result.candidates))


def metric_names(documents: Sequence[Evaluated]) -> list[str]:
    """Every metric some document was scored on, in the order first met."""
    return list(dict.fromkeys(name for e in documents for name in e.metrics))


def selection_shares(documents: Sequence[Evaluated]) -> dict[str, int]:
    """Candidate -> how many documents chose it, most chosen first (ties in :func:`candidate_names`' order)."""
    counts = Counter(e.result.chosen for e in documents)
    names = candidate_names(documents)
    return {name: counts[name] for name in sorted(counts, key=lambda n: (-counts[n], names.index(n)))}


@dataclass(frozen=True)
class Mean:
    """A candidate's mean of one metric over the ``documents`` where it is defined (``value`` ``None`` where
    none), of the ``of`` documents the candidate ran on."""

    value: float | None
    documents: int
    of: int

    def shown(self) -> str:
        """:func:`shown_value`, then the documents in parentheses when fewer than it ran on."""
        number = shown_value(self.value)
        return number if self.documents in (0, self.of) else f"{number} ({self.documents})"


def shown_value(number: float | None, missing: str = "-") -> str:
    """A score as reports show it: three decimals, ``missing`` where undefined."""
    return missing if number is None else f"{number:.3f}"


def metric_means(documents: Sequence[Evaluated]) -> dict[str, dict[str, Mean]]:
    """Candidate -> metric (and ``score``, the selection's objective) -> :class:`Mean` over the documents it ran
    on: the paper's Table 3 with one row per candidate."""
    table: dict[str, dict[str, Mean]] = {}
    metrics = [*metric_names(documents), "score"]
    for candidate in candidate_names(documents):
        ran = [e for e in documents if candidate in e.result.candidates]
        row = {}
        for metric in metrics:
            values = [v for e in ran if (v := e.score(candidate, metric)) is not None]
            row[metric] = Mean(sum(values) / len(values) if values else None, len(values), len(ran))
        table[candidate] = row
    return table
