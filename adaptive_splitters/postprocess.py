"""Stage 2, size regularisation on spans (docs/method.md#post-processing): repair gaps, re-split oversize spans,
merge undersize ones, under a hard limit check every span's actual size, and (outside the paper's configuration)
carry headings that end a chunk over to the section they open.

Everything works on offsets; merging two neighbours is ``(start_i, end_j)``, never string concatenation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from adaptive_splitters.candidates.base import Candidate, Split, SplitContext, run_candidate
from adaptive_splitters.core.config import KeepSeparator
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import PAPER_MAX_TOKENS, PAPER_MERGE_LIMIT, PAPER_MIN_TOKENS, SizeLimits
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.recursive import RecursiveSplitter
from adaptive_splitters.text.titles import LINE_ENDS
from adaptive_splitters.text.tokens import TokenCounter

_LINE_END_RE = re.compile(f"[{LINE_ENDS}]")


def candidate_spans(
    candidate: Candidate, doc: SourceDocument, context: SplitContext, *, raw: bool = False
) -> list[Span]:
    """``candidate``'s checked spans over ``doc.text``, post-processed (:func:`postprocess_split`) unless ``raw``.

    Raises :class:`~adaptive_splitters.candidates.base.NotApplicable` when the candidate does not apply.
    """
    split = run_candidate(candidate, doc, context)
    return split.spans if raw else postprocess_split(split, doc, context, resplit=candidate.resplit).spans


def postprocess_split(split: Split, doc: SourceDocument, context: SplitContext, *, resplit: bool) -> Split:
    """``split`` with its spans post-processed by :func:`postprocess` under the context's limits and separators;
    with ``context.carry_headings``, the document's headings (its titles) that end a chunk move to the next one.
    Notes kept."""
    if not doc.text:
        return split
    headings = [t.start for t in doc.titles or ()] if context.carry_headings else None
    spans = postprocess(
        doc.text,
        split.spans,
        context.counter,
        context.limits,
        resplit=resplit,
        headings=headings,
        keep_separator=context.keep_separator,
    )
    return Split(spans, split.notes)


def repair_gaps(spans: Sequence[Span], length: int) -> list[Span]:
    """Close gaps so the spans cover ``[0, length)``: a gap joins the span after it, a tail the last span.

    Overlaps are kept. An empty span list over a non-empty text becomes one span.
    """
    if not spans:
        return [(0, length)] if length else []
    out: list[Span] = []
    frontier = 0
    for start, end in spans:
        start = min(start, frontier)
        out.append((start, end))
        frontier = max(frontier, end)
    if frontier < length:
        start, _ = out[-1]
        out[-1] = (start, length)
    return out


def split_oversized(
    text: str,
    spans: Sequence[Span],
    counter: TokenCounter,
    max_tokens: int = PAPER_MAX_TOKENS,
    keep_separator: KeepSeparator = "start",
) -> list[Span]:
    """Replace every span above ``max_tokens`` tokens by the recursive splitter's spans of it."""
    splitter = RecursiveSplitter(chunk_size=max_tokens, counter=counter, keep_separator=keep_separator)
    out: list[Span] = []
    for start, end in spans:
        if counter(text[start:end]) > max_tokens:
            out.extend(splitter.split_spans(text, start, end))
        else:
            out.append((start, end))
    return out


def merge_undersized(
    text: str,
    spans: Sequence[Span],
    counter: TokenCounter,
    min_tokens: int = PAPER_MIN_TOKENS,
    merge_limit: int = PAPER_MERGE_LIMIT,
) -> list[Span]:
    """Merge spans under ``min_tokens`` into the next span, else the previous one, while the two counts sum
    to at most ``merge_limit``; passes repeat until nothing changes. Spans must be contiguous."""
    spans = list(spans)
    sizes = [counter(text[s:e]) for s, e in spans]
    changed = True
    while changed:
        changed = False
        out: list[Span] = []
        out_sizes: list[int] = []
        i = 0
        while i < len(spans):
            span, tokens = spans[i], sizes[i]
            if tokens < min_tokens:
                if i + 1 < len(spans) and tokens + sizes[i + 1] <= merge_limit:
                    spans[i + 1] = (span[0], spans[i + 1][1])
                    sizes[i + 1] = counter(text[span[0] : spans[i + 1][1]])
                    changed = True
                    i += 1
                    continue
                if out and out_sizes[-1] + tokens <= merge_limit:
                    out[-1] = (out[-1][0], span[1])
                    out_sizes[-1] = counter(text[out[-1][0] : span[1]])
                    changed = True
                    i += 1
                    continue
            out.append(span)
            out_sizes.append(tokens)
            i += 1
        spans, sizes = out, out_sizes
    return spans


def postprocess(
    text: str,
    spans: Sequence[Span],
    counter: TokenCounter,
    limits: SizeLimits | None = None,
    *,
    resplit: bool = True,
    headings: Sequence[int] | None = None,
    keep_separator: KeepSeparator = "start",
) -> list[Span]:
    """The paper's post-processing: gap repair, oversize re-split (when ``resplit``), undersize merge, then,
    under a hard limit (``limits.hard``), the exact size check (:func:`enforce_max_tokens`); with ``headings``
    (heading start offsets), last :func:`carry_headings`. ``keep_separator`` is the re-splits' (the paper's
    ``"start"`` by default).

    Recursive candidates skip the re-split (``resplit=False``), as in the paper. Overlapping spans are never
    merged (merging would need the overlap removed first).
    """
    limits = limits or SizeLimits()
    spans = repair_gaps(spans, len(text))
    if resplit:
        spans = split_oversized(text, spans, counter, limits.max_tokens, keep_separator)
    if not _overlapping(spans):
        spans = merge_undersized(text, spans, counter, limits.min_tokens, limits.merge_limit)
    if limits.hard:
        spans = enforce_max_tokens(text, spans, counter, limits.max_tokens, keep_separator)
    if not headings:
        return spans
    return carry_headings(
        text, spans, headings, counter, limits.max_tokens, min_tokens=limits.min_tokens, keep_separator=keep_separator
    )


def carry_headings(
    text: str,
    spans: Sequence[Span],
    headings: Sequence[int],
    counter: TokenCounter,
    max_tokens: int,
    *,
    min_tokens: int = 0,
    keep_separator: KeepSeparator = "start",
) -> list[Span]:
    """Move each run of headings that ends a span (heading lines and whitespace only, up to the boundary) to the
    start of the next span, so a section's heading is retrieved with its text. The whitespace before the headings
    goes with them (``keep_separator="start"``) or stays at the end of the span (``"end"``).

    A heading stays where it is when its span would keep no other text or fall under ``min_tokens``, or the next
    span would exceed ``max_tokens``. A heading is a title starting a line. Only contiguous neighbours change; the
    spans still cover the same text.
    """
    starts = sorted(set(headings))
    out = list(spans)
    for i in range(len(out) - 1):
        (start, end), (following_start, following_end) = out[i], out[i + 1]
        if end != following_start:
            continue
        first = _heading_run(text, starts, start, end)
        if first is None:
            continue
        cut = first
        while keep_separator == "start" and cut > start and text[cut - 1].isspace():
            cut -= 1
        kept = text[start:cut]
        if kept.strip() and counter(kept) >= min_tokens and counter(text[cut:following_end]) <= max_tokens:
            out[i], out[i + 1] = (start, cut), (cut, following_end)
    return out


def _heading_run(text: str, starts: Sequence[int], low: int, end: int) -> int | None:
    """The start of the headings that close ``text[low:end]`` (nothing but heading lines and whitespace after
    it), or ``None`` when the span does not end with a heading."""
    first = None
    position = end
    index = bisect.bisect_left(starts, end) - 1
    while index >= 0 and starts[index] > low:
        heading = starts[index]
        if text[heading - 1] not in LINE_ENDS:
            break  # a title given mid-line is not a heading line
        line_end = _LINE_END_RE.search(text, heading, position)
        if text[line_end.start() if line_end else position : position].strip():
            break  # text follows this heading within the span
        first = position = heading
        index -= 1
    return first


def enforce_max_tokens(
    text: str, spans: Sequence[Span], counter: TokenCounter, max_tokens: int, keep_separator: KeepSeparator = "start"
) -> list[Span]:
    """``spans`` with every span above ``max_tokens`` tokens re-split (recursively, on its own offsets).

    Token counts are not additive, so packing pieces that each fit can, rarely, exceed the limit; this is the
    check on the actual text, the last step of post-processing under a hard limit. Raises ``ValueError`` when
    one character alone exceeds ``max_tokens``.
    """
    splitter: RecursiveSplitter | None = None
    out: list[Span] = []
    for start, end in spans:
        if counter(text[start:end]) <= max_tokens:
            out.append((start, end))
            continue
        splitter = splitter or RecursiveSplitter(chunk_size=max_tokens, counter=counter, keep_separator=keep_separator)
        for s, e in splitter.split_spans(text, start, end):
            if counter(text[s:e]) <= max_tokens:
                out.append((s, e))
                continue
            for leaf in splitter.leaves(text, s, e, max_tokens):  # leaves are checked on their own text
                if counter(text[leaf[0] : leaf[1]]) > max_tokens:
                    piece = text[leaf[0] : leaf[1]]
                    msg = f"the text at offset {leaf[0]} ({piece!r}) alone exceeds the chunk size ({max_tokens} tokens)"
                    raise ValueError(msg)
                out.append(leaf)
    return out


def _overlapping(spans: Sequence[Span]) -> bool:
    return any(b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False))
