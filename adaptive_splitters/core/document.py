"""The source document every stage reads: text plus optional pages, blocks, titles and reference pairs.

Inputs are validated once here, so candidates and metrics can trust offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from adaptive_splitters.core.checks import is_integer
from adaptive_splitters.core.spans import Span

Pair = tuple[tuple[int, int], tuple[int, int]]
"""An entity-pronoun pair: ``((entity_start, entity_end), (pronoun_start, pronoun_end))`` with inclusive ends."""


@dataclass(frozen=True, slots=True)
class Title:
    """A heading: its text (e.g. ``"## Scope"``), start offset, the end of its section, and level (1-12)."""

    title: str
    start: int
    end: int
    level: int


@dataclass(frozen=True)
class SourceDocument:
    """One document as the engine sees it. Build it with :meth:`build`, which validates pages, blocks and titles.

    Attributes:
        text: the source text; every span indexes it.
        page_starts: start offset of each page (first is 0), or ``None`` when pages are unknown.
        page_numbers: the label of each page (1-based by default).
        split_points: block boundaries, strictly increasing inside ``(0, len(text))``, or ``None``.
        titles: headings with their section ranges, or ``None``.
        pairs: entity-pronoun pairs (inclusive ends), or ``None`` when none were given.
        name: a name for messages and reports.
    """

    text: str
    page_starts: tuple[int, ...] | None = None
    page_numbers: tuple[int, ...] | None = None
    split_points: tuple[int, ...] | None = None
    titles: tuple[Title, ...] | None = None
    pairs: tuple[Pair, ...] | None = None
    name: str = ""

    @classmethod
    def build(
        cls,
        text: str,
        *,
        pages: Sequence[str] | Sequence[int] | None = None,
        page_numbers: Sequence[int] | None = None,
        blocks: Sequence[int] | Sequence[Span] | None = None,
        titles: Sequence[Title | dict[str, Any]] | None = None,
        pairs: Sequence[Any] | None = None,
        name: str = "",
    ) -> SourceDocument:
        """Validate the inputs and build the document.

        Args:
            text: the document text.
            pages: page texts that concatenate to ``text``, or page-start offsets (the first must be 0).
            page_numbers: labels for the pages (default 1, 2, ...).
            blocks: block split points, or ``(start, end)`` block spans.
            titles: headings, as :class:`Title` or CLAIR's ``{"title", "start", "end", "level"}`` dicts.
            pairs: entity-pronoun pairs ``[[e_start, e_end], [p_start, p_end]]`` with inclusive ends.
            name: the document's name.

        Raises:
            TypeError: ``text`` is not a string; ``pages`` or ``blocks`` is not a sequence or holds offsets that are
                not integers (``bool`` is not; numpy integers are); ``pairs`` is not a sequence.
            ValueError: pages that do not fit the text, split points out of order or outside it, a pair that is not
                two pairs of integer offsets.
        """
        if not isinstance(text, str):
            msg = f"text must be a str (received {type(text).__name__})"
            raise TypeError(msg)
        starts = page_starts(text, pages) if pages is not None else None
        numbers = None
        if starts is not None:
            numbers = tuple(page_numbers) if page_numbers is not None else tuple(range(1, len(starts) + 1))
            if len(numbers) != len(starts):
                msg = f"{len(numbers)} page numbers given for {len(starts)} pages"
                raise ValueError(msg)
        return cls(
            text=text,
            page_starts=starts,
            page_numbers=numbers,
            split_points=split_points(text, blocks) if blocks is not None else None,
            titles=tuple(_title(t, len(text)) for t in titles) if titles is not None else None,
            pairs=_pairs(pairs) if pairs is not None else None,
            name=name,
        )

    def page_spans(self) -> list[Span]:
        """One span per page, in order; an empty page gives an empty span."""
        if self.page_starts is None:
            return []
        ends = [*self.page_starts[1:], len(self.text)]
        return list(zip(self.page_starts, ends, strict=True))


def page_starts(text: str, given: Sequence[str] | Sequence[int]) -> tuple[int, ...]:
    """Page-start offsets from page texts (which must concatenate to ``text``) or from offsets."""
    if isinstance(given, str):
        msg = "pages must be a list of page texts or page-start offsets, not one string"
        raise TypeError(msg)
    pages = _as_list(given, "pages", "page texts or page-start offsets")
    if not pages:
        msg = "pages is empty; give None when pages are unknown"
        raise ValueError(msg)
    if all(isinstance(p, str) for p in pages):
        starts = [0]
        for page in pages[:-1]:
            starts.append(starts[-1] + len(page))
        if "".join(pages) != text:
            msg = (
                f"pages do not concatenate to the text ({sum(len(p) for p in pages)} characters "
                f"in {len(pages)} pages against {len(text)}); the first difference is at page "
                f"{_first_bad_page(text, pages)}"
            )
            raise ValueError(msg)
        return tuple(starts)
    if not all(is_offset(p) for p in pages):
        msg = "pages must be all page texts (str) or all page-start offsets (int)"
        raise TypeError(msg)
    pages = [int(p) for p in pages]
    if pages[0] != 0:
        msg = f"the first page must start at offset 0 (received {pages[0]})"
        raise ValueError(msg)
    for i, (a, b) in enumerate(zip(pages, pages[1:], strict=False), start=1):
        if b < a:
            msg = f"page starts must not decrease (page {i + 1} starts at {b}, before {a})"
            raise ValueError(msg)
    if pages[-1] > len(text):
        msg = f"page start {pages[-1]} lies past the end of the text ({len(text)} characters)"
        raise ValueError(msg)
    return tuple(pages)


def is_offset(value: object) -> bool:
    """Whether ``value`` can be a character offset: an integer (numpy integers too), not a ``bool``."""
    return is_integer(value)


def split_points(text: str, given: Sequence[int] | Sequence[Span]) -> tuple[int, ...]:
    """Validated block split points from split points or ``(start, end)`` block spans.

    Raises:
        TypeError: ``given`` is not a sequence, or an offset is not an integer.
        ValueError: a block span that is not two offsets inside the text, split points out of order or outside
            the text's interior.
    """
    blocks = _as_list(given, "blocks", "split points or (start, end) block spans")
    if blocks and all(isinstance(b, (tuple, list)) for b in blocks):
        for i, b in enumerate(blocks):
            if len(b) != 2:
                msg = f"blocks: block span {i} must be two offsets (start, end) (received {b!r})"
                raise ValueError(msg)
            if not all(is_offset(x) for x in b):
                msg = f"blocks: block span {i} must hold integer offsets (received {b!r})"
                raise TypeError(msg)
            if not 0 <= b[0] <= b[1] <= len(text):
                msg = f"blocks: block span {tuple(b)} (received) lies outside the text [0, {len(text)}]"
                raise ValueError(msg)
        return tuple(sorted({int(x) for b in blocks for x in b} - {0, len(text)}))
    for i, p in enumerate(blocks):
        if not is_offset(p):
            msg = f"blocks: split point {i} must be an int (received {p!r})"
            raise TypeError(msg)
        if not 0 < p < len(text):
            msg = f"blocks: split point {i} ({p}) lies outside the text's interior (0, {len(text)})"
            raise ValueError(msg)
        if i and p <= blocks[i - 1]:
            msg = f"blocks: split points must be strictly increasing (split point {i} is {p} after {blocks[i - 1]})"
            raise ValueError(msg)
    return tuple(int(p) for p in blocks)


def _as_list(given: Any, argument: str, expected: str) -> list[Any]:
    """``given`` as a list, or a ``TypeError`` naming ``argument`` when it is a string or not iterable."""
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        msg = f"{argument} must be a sequence of {expected} (received {type(given).__name__} {given!r})"
        raise TypeError(msg)
    return list(given)


def _first_bad_page(text: str, pages: Sequence[str]) -> int:
    offset = 0
    for number, page in enumerate(pages, start=1):
        if text[offset : offset + len(page)] != page:
            return number
        offset += len(page)
    return len(pages)


def _title(item: Title | dict[str, Any], length: int) -> Title:
    try:
        title = (
            item
            if isinstance(item, Title)
            else Title(str(item["title"]), int(item["start"]), int(item["end"]), int(item["level"]))
        )
    except (KeyError, TypeError, ValueError) as err:
        msg = f"a title needs 'title', 'start', 'end' and 'level' (received {item!r})"
        raise ValueError(msg) from err
    if not 0 <= title.start <= title.end <= length or title.level < 1:
        msg = f"title {title!r} does not fit the text ({length} characters) or has a level below 1"
        raise ValueError(msg)
    return title


def _pairs(given: Any) -> tuple[Pair, ...]:
    items = _as_list(given, "pairs", "entity-pronoun pairs [[e_start, e_end], [p_start, p_end]]")
    return tuple(_pair(item) for item in items)


def _pair(item: Any) -> Pair:
    """A pair as given; offsets are not range-checked (CLAIR's misaligned pairs are used as given, with a warning
    from References Completeness)."""
    pair = parse_pair(item)
    if pair is None:
        msg = (
            "pairs: an entity-pronoun pair must be [[e_start, e_end], [p_start, p_end]] with integer offsets "
            f"(received {item!r})"
        )
        raise ValueError(msg)
    return pair


def parse_pair(item: Any) -> Pair | None:
    """``item`` as ``((e_start, e_end), (p_start, p_end))`` when it is two pairs of integer offsets (numpy integers
    too, not ``bool``), else ``None``."""
    try:
        (es, ee), (ps, pe) = item
    except (TypeError, ValueError):
        return None
    if not all(is_offset(x) for x in (es, ee, ps, pe)):
        return None
    return ((int(es), int(ee)), (int(ps), int(pe)))
