"""The paper's split-then-merge recursive splitter (docs/method.md#recursive_n-split-then-merge), on spans.

Pass 1 cuts the text top-down with an ordered list of regex separators until every leaf fits ``chunk_size``
tokens; pass 2 packs the leaves greedily (``to_chunk_size``) or only merges the small ones (``small_only``).
Separators start the piece after them (the paper's ``keep_separator="start"``), or with ``"end"`` the closing ones
end the piece before them (see :func:`split_at_pattern`). Without overlap the spans tile the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from adaptive_splitters.core import checks
from adaptive_splitters.core.config import KEEP_SEPARATOR, KeepSeparator
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.separators import (
    OPENING_SEPARATORS,
    SEPARATORS,
    split_at_pattern,
)
from adaptive_splitters.text.tokens import TokenCounter

Merging = Literal["to_chunk_size", "small_only"]
Order = Literal["forward", "backward"]


@dataclass
class RecursiveSplitter:
    """Split-then-merge recursive splitter producing spans.

    Args:
        chunk_size: the size limit in tokens.
        chunk_overlap: tokens repeated from the end of one chunk at the start of the next (0: spans tile).
        separators: regex separators, coarsest first; ``""`` means single characters.
        merging: ``"to_chunk_size"`` packs leaves greedily; ``"small_only"`` merges leaves under ``min_chunk_tokens``.
        merging_order: ``"forward"`` packs from the start, ``"backward"`` from the end.
        min_chunk_tokens: the small-leaf threshold of ``small_only``.
        counter: the token counter (``o200k_base`` by default).
        keep_separator: ``"start"`` (the paper's): a separator starts the piece after it; ``"end"``: a closing one
            ends the piece before it (see the module docs).
    """

    chunk_size: int = 1100
    chunk_overlap: int = 0
    separators: Sequence[str] = SEPARATORS
    merging: Merging = "to_chunk_size"
    merging_order: Order = "forward"
    min_chunk_tokens: int = 100
    counter: TokenCounter = field(default_factory=TokenCounter)
    keep_separator: KeepSeparator = "start"

    def __post_init__(self) -> None:
        _validate(self.chunk_size, self.chunk_overlap, self.min_chunk_tokens, self.merging, self.merging_order)
        checks.one_of(*KEEP_SEPARATOR)("keep_separator", self.keep_separator)
        try:
            self._patterns = [re.compile(sep) if sep else None for sep in self.separators]
        except re.error as err:
            msg = f"invalid separator regex: {err}"
            raise ValueError(msg) from err
        self._opening = [sep in OPENING_SEPARATORS for sep in self.separators]
        self._counted_text: str | None = None
        self._counts: dict[Span, int] = {}

    def split_spans(self, text: str, start: int = 0, end: int | None = None) -> list[Span]:
        """Spans of ``text[start:end]`` (absolute offsets); without overlap they tile that range."""
        end = len(text) if end is None else end
        leaves = self.leaves(text, start, end, self.chunk_size)
        if self.merging == "small_only":
            return self._merge_small(text, leaves)
        packed = (
            self._pack_backward(text, leaves) if self.merging_order == "backward" else self._pack_forward(text, leaves)
        )
        return packed if self.chunk_overlap else self._refit(text, packed, leaves)

    def split_text(self, text: str) -> list[str]:
        """The chunk strings (``text[s:e]`` for each span)."""
        return [text[s:e] for s, e in self.split_spans(text)]

    # pass 1 -----------------------------------------------------------------------------------------------

    def leaves(self, text: str, start: int, end: int, max_len: int) -> list[Span]:
        """Pass 1: cut ``[start, end)`` until every piece has at most ``max_len`` tokens."""
        if start >= end:
            return []
        if self._fits(text, start, end, max_len):
            return [(start, end)]
        return self._split_oversized(text, start, end, 0, max_len)

    def _fits(self, text: str, start: int, end: int, max_len: int) -> bool:
        """``tokens(text[start:end]) <= max_len``; a span too long to fit is not counted, and each span once."""
        if self.counter.surely_exceeds(end - start, max_len):
            return False
        return self._tokens(text, start, end) <= max_len

    def _tokens(self, text: str, start: int, end: int) -> int:
        """The token count of ``text[start:end]``, cached by span for the text being split."""
        if text is not self._counted_text:
            self._counted_text, self._counts = text, {}
        found = self._counts.get((start, end))
        if found is None:
            found = self._counts[(start, end)] = self.counter(text[start:end])
        return found

    def _split_oversized(self, text: str, start: int, end: int, level: int, max_len: int) -> list[Span]:
        pattern = self._patterns[level] if level < len(self._patterns) else None
        if pattern is None:
            return self._split_characters(text, start, end, max_len)
        pieces = split_at_pattern(
            text[start:end], pattern, start, keep_separator=self.keep_separator, opening=self._opening[level]
        )
        out: list[Span] = []
        for s, e in pieces:
            if self._fits(text, s, e, max_len):
                out.append((s, e))
            else:
                out.extend(self._split_oversized(text, s, e, level + 1, max_len))
        return out

    def _split_characters(self, text: str, start: int, end: int, max_len: int) -> list[Span]:
        """Repeatedly take the longest prefix of at most ``max_len`` tokens (at least one character)."""
        out: list[Span] = []
        guess = 0  # the previous cut's length sizes the next guess's window
        while start < end:
            guess = self._longest_prefix(text, start, end, max_len, guess)
            out.append((start, start + guess))
            start += guess
        return out

    def _longest_prefix(self, text: str, start: int, end: int, max_len: int, previous: int = 0) -> int:
        """Largest ``n >= 1`` with ``tokens(text[start:start+n]) <= max_len`` (token counts assumed to grow with
        ``n``): galloping from a guess, then bisection."""
        size = end - start

        def fits(n: int) -> bool:
            return not self.counter.surely_exceeds(n, max_len) and self.counter(text[start : start + n]) <= max_len

        guess = min(size, max(1, self._prefix_guess(text, start, end, max_len, previous)))
        if fits(guess):  # lo fits; search upwards for hi that does not (or the whole rest)
            lo, step = guess, 1
            while lo < size and fits(min(size, lo + step)):
                lo, step = min(size, lo + step), step * 2
            if lo == size:
                return size
            hi = min(size, lo + step)
        else:  # hi does not fit; search downwards for lo that does (at least 1 character)
            hi, step = guess, 1
            while hi > 1 and not fits(max(1, hi - step)):
                hi, step = max(1, hi - step), step * 2
            if hi == 1:
                return 1
            lo = max(1, hi - step)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if fits(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def _prefix_guess(self, text: str, start: int, end: int, max_len: int, previous: int = 0) -> int:
        """About how many characters of ``text[start:end]`` the first ``max_len`` tokens cover."""
        encoding = self.counter.encoding()
        if encoding is None:
            return previous or max_len
        window = min(end - start, previous + previous // 4 + 64 if previous else 8 * max(1, max_len))
        while True:
            piece = text[start : start + window]
            tokens = encoding.encode_ordinary(piece)
            if len(tokens) > max_len or window == end - start:
                break
            window = min(end - start, window * 2)
        try:
            raw = piece.encode("utf-8")
        except UnicodeEncodeError:
            return max_len
        covered = len(encoding.decode_bytes(tokens[:max_len]))
        return len(raw[:covered].decode("utf-8", errors="ignore"))

    # pass 2 -----------------------------------------------------------------------------------------------

    def _pack_forward(self, text: str, leaves: list[Span]) -> list[Span]:
        size, overlap = self.chunk_size, self.chunk_overlap
        chunks: list[Span] = []
        parts: list[Span] = []
        current = 0
        for leaf in leaves:
            tokens = self._tokens(text, *leaf)
            if parts and current + tokens > size:
                chunks.append((parts[0][0], parts[-1][1]))
                parts = [*self._overlap_tail(text, parts), leaf] if overlap else [leaf]
                current = self.counter(text[parts[0][0] : leaf[1]]) if len(parts) > 1 else tokens
            else:
                parts.append(leaf)
                current += tokens
        if parts:
            chunks.append((parts[0][0], parts[-1][1]))
        return chunks

    def _refit(self, text: str, chunks: list[Span], leaves: list[Span]) -> list[Span]:
        """Chunks of several leaves whose text counts more than ``chunk_size`` although their leaves' counts sum
        within it, packed again counting the joined text. A tokenizer can merge characters across leaf edges into
        fewer tokens than the parts, or the reverse: o200k reads five Windows line ends as one token and ten as
        three. On ordinary text no chunk is touched (the CLAIR parity tests)."""
        out: list[Span] = []
        i = 0
        for start, end in chunks:
            parts = []
            while i < len(leaves) and leaves[i][1] <= end:
                parts.append(leaves[i])
                i += 1
            if len(parts) < 2 or self._fits(text, start, end, self.chunk_size):
                out.append((start, end))
                continue
            for a, b in parts[1:]:
                if not self._fits(text, start, b, self.chunk_size):
                    out.append((start, a))
                    start = a
            out.append((start, end))
        return out

    def _pack_backward(self, text: str, leaves: list[Span]) -> list[Span]:
        size, overlap = self.chunk_size, self.chunk_overlap
        chunks: list[Span] = []
        parts: list[Span] = []  # in document order
        current = 0
        for leaf in reversed(leaves):
            tokens = self._tokens(text, *leaf)
            if parts and current + tokens > size:
                chunks.append((parts[0][0], parts[-1][1]))
                parts = [leaf, *self._overlap_head(text, parts)] if overlap else [leaf]
                current = self.counter(text[leaf[0] : parts[-1][1]]) if len(parts) > 1 else tokens
            else:
                parts.insert(0, leaf)
                current += tokens
        if parts:
            chunks.append((parts[0][0], parts[-1][1]))
        chunks.reverse()
        return chunks

    def _merge_small(self, text: str, leaves: list[Span]) -> list[Span]:
        """``small_only``: merge groups under ``min_chunk_tokens`` into the next, else the previous, group."""
        groups = [[leaf] for leaf in leaves]
        sizes = [self._tokens(text, s, e) for s, e in leaves]
        if self.merging_order == "backward":
            groups.reverse()
            sizes.reverse()
        changed = True
        while changed:
            changed = False
            out_groups: list[list[Span]] = []
            out_sizes: list[int] = []
            i = 0
            while i < len(groups):
                group, tokens = groups[i], sizes[i]
                if tokens < self.min_chunk_tokens:
                    if i + 1 < len(groups) and tokens + sizes[i + 1] <= self.chunk_size:
                        groups[i + 1] = group + groups[i + 1]
                        sizes[i + 1] += tokens
                        changed = True
                        i += 1
                        continue
                    if out_groups and out_sizes[-1] + tokens <= self.chunk_size:
                        out_groups[-1] = out_groups[-1] + group
                        out_sizes[-1] += tokens
                        changed = True
                        i += 1
                        continue
                out_groups.append(group)
                out_sizes.append(tokens)
                i += 1
            groups, sizes = out_groups, out_sizes
        if self.merging_order == "backward":
            groups = [sorted(g) for g in reversed(groups)]
        if not self.chunk_overlap:
            return [(g[0][0], g[-1][1]) for g in groups]
        spans: list[Span] = []
        tail: list[Span] = []
        for group in groups:
            parts = [*tail, *group]
            spans.append((parts[0][0], parts[-1][1]))
            tail = self._overlap_tail(text, parts)
        return spans

    # overlap ----------------------------------------------------------------------------------------------

    def _overlap_tail(self, text: str, parts: list[Span]) -> list[Span]:
        """The trailing parts (or sub-parts) of a chunk repeated at the start of the next one."""
        overlap = self.chunk_overlap
        min_overlap = int(0.5 * overlap)
        taken: list[Span] = []
        total = 0
        for index in range(len(parts) - 1, -1, -1):
            s, e = parts[index]
            tokens = self._tokens(text, s, e)
            if tokens > overlap and (index == len(parts) - 1 or total < min_overlap):
                for sub in reversed(self.leaves(text, s, e, overlap - total)):
                    sub_tokens = self._tokens(text, *sub)
                    if total + sub_tokens > overlap:
                        break
                    taken.insert(0, sub)
                    total += sub_tokens
                break
            if total + tokens > overlap:
                break
            taken.insert(0, (s, e))
            total += tokens
        return taken

    def _overlap_head(self, text: str, parts: list[Span]) -> list[Span]:
        """Backward order: the leading parts of the later chunk repeated at the end of the earlier one."""
        overlap = self.chunk_overlap
        min_overlap = int(0.5 * overlap)
        taken: list[Span] = []
        total = 0
        for index, (s, e) in enumerate(parts):
            tokens = self._tokens(text, s, e)
            if tokens > overlap and (index == 0 or total < min_overlap):
                for sub in self.leaves(text, s, e, overlap - total):
                    sub_tokens = self._tokens(text, *sub)
                    if total + sub_tokens > overlap:
                        break
                    taken.append(sub)
                    total += sub_tokens
                break
            if total + tokens > overlap:
                break
            taken.append((s, e))
            total += tokens
        return taken


def _validate(chunk_size: int, chunk_overlap: int, min_chunk_tokens: int, merging: str, order: str) -> None:
    checks.positive_int("chunk_size", chunk_size)
    checks.non_negative_int("chunk_overlap", chunk_overlap)
    checks.non_negative_int("min_chunk_tokens", min_chunk_tokens)
    if chunk_overlap >= chunk_size:
        msg = f"chunk_overlap ({chunk_overlap}) must be smaller than chunk_size ({chunk_size})"
        raise ValueError(msg)
    checks.one_of("to_chunk_size", "small_only")("merging", merging)
    checks.one_of("forward", "backward")("merging_order", order)
