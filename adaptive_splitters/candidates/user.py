"""User candidates: any callable ``text -> spans or strings`` becomes a named candidate.

Strings are mapped to spans by :func:`adaptive_splitters.text.locate.spans_from_strings` (one anchored forward
search from the previous chunk; a string not in the text raises ``ValueError`` naming the candidate and the
chunk index). Gaps between the chunks are repaired by post-processing, so no character is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from adaptive_splitters.candidates.base import Split, SplitContext, register_candidate
from adaptive_splitters.core import checks
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.limits import SizeLimits
from adaptive_splitters.core.registry import REGISTRY
from adaptive_splitters.core.spans import Span
from adaptive_splitters.text.locate import spans_from_strings

UserFunction = Callable[[str], Sequence[Span] | Sequence[str]]


@dataclass
class FunctionCandidate:
    """A candidate wrapping ``fn(text) -> list[(start, end)] | list[str]``.

    Args:
        name: the candidate's name in reports and selection.
        fn: the chunking function.
        resplit: whether post-processing re-splits oversize chunks (True, like the paper's page candidate).
    """

    name: str
    fn: UserFunction
    resplit: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            msg = f"a user candidate needs a non-empty name (received {self.name!r})"
            raise ValueError(msg)
        if not callable(self.fn):
            msg = f"user candidate {self.name!r}: fn must be callable (received {self.fn!r})"
            raise TypeError(msg)

    def split(self, doc: SourceDocument, context: SplitContext) -> Split:
        """The function's chunks of ``doc.text`` as spans."""
        return Split(self._spans(doc.text))

    def _spans(self, text: str) -> list[Span]:
        result = self.fn(text)
        if result is None or isinstance(result, str | bytes) or not isinstance(result, Iterable):
            msg = f"candidate {self.name!r} returned {type(result).__name__}, not a list of spans or strings"
            raise TypeError(msg)
        items: list[Any] = list(result)
        if all(isinstance(item, str) for item in items):
            return spans_from_strings(text, items, self.name)
        spans: list[Span] = []
        for index, item in enumerate(items):
            if not isinstance(item, tuple | list) or len(item) != 2 or not all(checks.is_integer(x) for x in item):
                msg = (
                    f"candidate {self.name!r} returned chunk {index} ({item!r}); expected all (start, end) "
                    "integer pairs or all strings"
                )
                raise TypeError(msg)
            spans.append((item[0], item[1]))
        return spans


@dataclass(frozen=True)
class _Registered:
    """The registry's factory for a user candidate: always that candidate (equal for the same name and function,
    so registering it again is a no-op)."""

    candidate: FunctionCandidate

    def __call__(self, limits: SizeLimits) -> FunctionCandidate:
        return self.candidate


def register_user_candidate(name: str, fn: UserFunction, *, resplit: bool = True) -> FunctionCandidate:
    """Register ``fn`` as the candidate ``name`` (usable wherever candidate names are) and return it.

    Registering the same function under the same name again is a no-op; another candidate under a taken name
    raises ``ValueError``.
    """
    factory = _Registered(FunctionCandidate(name, fn, resplit))
    register_candidate(name, factory)
    registered: _Registered = REGISTRY.candidates[name]  # type: ignore[assignment]  # the first, equal one
    return registered.candidate
