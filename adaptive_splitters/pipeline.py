"""Running one candidate on one document: its spans, checked, then post-processed unless raw."""

from __future__ import annotations

from adaptive_splitters.candidates.base import Candidate, SplitContext, validate_spans
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.postprocess import postprocess


def candidate_spans(
    candidate: Candidate, doc: SourceDocument, context: SplitContext, *, raw: bool = False
) -> list[Span]:
    """The candidate's spans over ``doc.text``: raw (as returned, checked), or post-processed.

    Post-processing repairs gaps, re-splits oversize spans (for candidates with ``resplit``) and merges
    undersize ones, as the paper does. Raises :class:`NotApplicable` when the candidate does not apply.
    """
    spans = raw_spans(candidate, doc, context)
    return spans if raw else postprocessed_spans(candidate, doc, spans, context)


def raw_spans(candidate: Candidate, doc: SourceDocument, context: SplitContext) -> list[Span]:
    """The candidate's own spans, checked to lie in order inside the text (none for an empty text)."""
    if not doc.text:
        return []
    return validate_spans(list(candidate.spans(doc, context)), len(doc.text), candidate.name)


def postprocessed_spans(
    candidate: Candidate, doc: SourceDocument, spans: list[Span], context: SplitContext
) -> list[Span]:
    """The paper's post-processing of a candidate's raw spans."""
    if not doc.text:
        return []
    return postprocess(doc.text, spans, context.counter, context.limits, resplit=candidate.resplit)
