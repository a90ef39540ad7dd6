"""Entity-pronoun pairs for References Completeness without a coreference model.

:func:`heuristic_pairs` is the default source of RC's pairs when the caller gives none. It is pure Python, offline
and linear in the text:

1. Pronouns come from a closed, case-sensitive list of third-person forms (``it``, ``its``, ``itself``, ``they``,
   ``them``, ``their``, ``theirs``, ``themselves``, ``he``, ``him``, ``his``, ``himself``, ``she``, ``her``, ``hers``,
   ``herself``), lower case or capitalised (``It``); all-capital words (``IT``, ``US``) are never pronouns, unlike in
   the reference, which lower-cases the text before tagging.
2. Sentences end at line breaks and at ``.``, ``!`` or ``?`` followed by a space and an upper-case letter, a digit
   or an opening quote or bracket. Markup (``<!-- … -->`` comments, ``<tags>``) holds no antecedent.
3. The antecedent is the nearest preceding content word (not a function word, not a number) in the same sentence,
   preferring a word that agrees in number (a plural-looking word for ``they``/``their``…, a capitalised name for
   ``he``/``she``…); when the sentence has no content word before the pronoun (``It aims to …``), it is the subject
   of the previous sentence: its first content word. A run of capitalised words (``European Data Protection
   Supervisor``) is one entity.

The heuristic cannot see antecedents further back than the previous sentence, cataphora (a pronoun before its
entity), first- and second-person or relative pronouns (``we``, ``our``, ``who``, ``that``), or pleonastic ``it``
(``it is important to …``), which it pairs anyway. A real coreference model plugs in as a callable ``text -> pairs``
(``AdaptiveChunker(pairs=callable)``).

Pairs are ``((entity_start, entity_end), (pronoun_start, pronoun_end))`` with **inclusive** ends, as in CLAIR.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

Pair = tuple[tuple[int, int], tuple[int, int]]
"""``((entity_start, entity_end), (pronoun_start, pronoun_end))``, inclusive ends."""
PairsFunction = Callable[[str], Sequence[Any]]

SINGULAR = frozenset({"it", "its", "itself"})
PLURAL = frozenset({"they", "them", "their", "theirs", "themselves"})
PERSONAL = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
FIRST = frozenset({"we", "us", "our", "ours", "ourselves", "you", "your", "yours", "yourself", "yourselves"})
RELATIVE = frozenset({"that", "who", "which", "whom", "whose"})
PRONOUNS = SINGULAR | PLURAL | PERSONAL | FIRST
_REPRESENTATIVE = {"sg": "it", "pl": "they", "person": "he", "first": "we"}
"""The closed list of third-person pronoun forms (lower case); each also counts capitalised (``It``)."""

MAX_LEAD_WORDS = 6
"""The most words a sentence's subject phrase holds."""
MAX_LOOKBACK_WORDS = 60
"""How many words back the antecedent search goes inside one sentence (keeps the work linear)."""

_FUNCTION_WORDS = frozenset(
    (  # noqa: SIM905 - a word list reads better as text
        "a an the this that these those such some any each every no all both either neither other another "
        "of in on at by for with from to into onto upon over under about above below between among through during "
        "within without against across along around after before behind beyond since until via per than as "
        "and or but nor so yet if then else when where while whereas because although though unless whether "
        "which who whom whose what why how there here thus hence however therefore moreover furthermore also "
        "not only just even still already very more most less least much many few several further "
        "is are was were be been being am has have had having do does did doing done "
        "can could may might must shall should will would ought "
        "i me my mine myself we us our ours ourselves you your yours yourself yourselves one "
        "it its itself they them their theirs themselves he him his himself she her hers herself "
        "e.g i.e etc eg ie same own new well often may de la le les des et du en un une est"
    ).split()
)
_WORD_RE = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?")
_MARKUP_RE = re.compile(r"<!--.*?-->|<[^<>\n]{1,200}>", re.DOTALL)
_SENTENCE_END_RE = re.compile(r"\n(?![ \t\n]*[a-z(])|[.!?…][\"'”’)\]]*[ \t]+(?=[A-Z0-9\"'“‘(\[])")


OPT = {"chain": True, "heading": True, "max_chain": 10**9, "relative": False, "first": False, "nearest_first": True}


def _class(form: str) -> str:
    if form in SINGULAR:
        return "sg"
    if form in PLURAL:
        return "pl"
    if form in FIRST:
        return "first"
    return "person"


def heuristic_pairs(text: str) -> list[Pair]:
    """Entity-pronoun pairs of ``text`` found without a model (see the module doc); sorted by pronoun start.

    Raises:
        TypeError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        msg = f"text must be a str (received {type(text).__name__})"
        raise TypeError(msg)
    masked = _MARKUP_RE.sub(lambda m: " " * len(m.group()), text) if "<" in text else text
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(masked)]
    sentence_starts = [m.end() for m in _SENTENCE_END_RE.finditer(masked)]
    pairs: list[Pair] = []
    referent: dict[str, tuple[int, int]] = {}
    lead: tuple[int, int] | None = None
    lead_words: list[str] = []
    lead_set = False  # whether the sentence has had its first content word or pronoun
    heading = False
    sentence_first = 0
    next_start = 0
    chain = OPT["chain"]
    max_chain = OPT["max_chain"]
    relative = OPT["relative"]
    first_person = OPT["first"]
    for i, (start, end, word) in enumerate(words):
        if next_start < len(sentence_starts) and sentence_starts[next_start] <= start:
            while next_start < len(sentence_starts) and sentence_starts[next_start] <= start:
                next_start += 1
            lead, lead_words, lead_set, sentence_first = None, [], False, i
            line = masked.rfind("\n", 0, start) + 1
            heading = OPT["heading"] and masked.startswith("#", line)
        form = _pronoun_form(word)
        if form is None and relative and word in RELATIVE and i > sentence_first:
            prev = words[i - 1]
            if _is_content(prev[2]) and start - prev[1] <= 2:
                pairs.append(((_entity_start(words, i - 1), prev[1] - 1), (start, end - 1)))
            continue
        if form is not None and form in FIRST and not first_person:
            form = None
        if form is None:
            if not lead_set and _is_content(word):
                lead_set = True
                lead, lead_words = _lead(words, i)
                if not heading:
                    for cls in ("sg", "pl", "person"):
                        if _agrees(lead_words[0], _REPRESENTATIVE[cls]):
                            referent[cls] = lead
            continue
        cls = _class(form)
        entity: tuple[int, int] | None
        if not lead_set:
            lead_set = True
            entity = referent.get(cls) if chain else None
        elif lead is not None and lead_words and _agrees(lead_words[0], form):
            entity = lead
        else:
            entity = _nearest(words, sentence_first, i, form) if OPT["nearest_first"] else None
            if entity is None:
                entity = referent.get(cls)
        if entity is not None and start - entity[0] > max_chain:
            entity = None
        if entity is not None:
            referent[cls] = entity
            pairs.append((entity, (start, end - 1)))
    return pairs


def _lead(words: list[tuple[int, int, str]], i: int) -> tuple[tuple[int, int], list[str]]:
    """The noun phrase starting at content word ``i``: the run of content words that follows it (capitalised ones
    after a capitalised word), at most :data:`MAX_LEAD_WORDS`, one space apart."""
    start, end = _entity_start(words, i), words[i][1]
    run = [words[i][2]]
    j = i + 1
    while j < len(words) and len(run) < MAX_LEAD_WORDS:
        w_start, w_end, word = words[j]
        if w_start - end > 1 or not _is_content(word) or _pronoun_form(word) is not None:
            break
        if run[0][0].isupper() and not word[0].isupper():
            break  # a name ends at its last capitalised word
        run.append(word)
        end = w_end
        j += 1
    return (start, end - 1), run


def _nearest(words: list[tuple[int, int, str]], first: int, i: int, form: str) -> tuple[int, int] | None:
    fallback = -1
    for j in range(i - 1, max(first - 1, i - 1 - MAX_LOOKBACK_WORDS), -1):
        word = words[j][2]
        if not _is_content(word):
            continue
        if _agrees(word, form):
            return (_entity_start(words, j), words[j][1] - 1)
        if fallback < 0:
            fallback = j
    return (_entity_start(words, fallback), words[fallback][1] - 1) if fallback >= 0 else None


def resolve_pairs(source: str | PairsFunction, text: str) -> tuple[list[Pair] | None, str]:
    """The pairs of ``text`` from ``source`` (``"heuristic"``, ``"none"`` or a callable) and their source name.

    A callable's answer must hold ``[[e_start, e_end], [p_start, p_end]]`` items with inclusive ends inside the text.

    Raises:
        ValueError: an unknown source name, or a callable answer that is malformed or out of the text.
    """
    if source == "none":
        return None, "none"
    if source == "heuristic":
        return heuristic_pairs(text), "heuristic"
    if not callable(source):
        msg = f"pairs must be 'heuristic', 'none' or a callable text -> pairs (received {source!r})"
        raise ValueError(msg)
    answer = source(text)
    if answer is None:
        return None, "callable"
    return [_checked_pair(item, len(text)) for item in answer], "callable"


def _checked_pair(item: Any, length: int) -> Pair:
    try:
        (es, ee), (ps, pe) = item
        pair = ((int(es), int(ee)), (int(ps), int(pe)))
    except (TypeError, ValueError) as err:
        msg = f"a pairs callable must return [[e_start, e_end], [p_start, p_end]] items (received {item!r})"
        raise ValueError(msg) from err
    for start, end in pair:
        if not 0 <= start <= end < length:
            msg = (
                f"pair {item!r} does not fit the text ({length} characters); "
                "spans must satisfy 0 <= start <= end < len(text), ends inclusive"
            )
            raise ValueError(msg)
    return pair


def _pronoun_form(word: str) -> str | None:
    if word in PRONOUNS:
        return word
    if word[0].isupper() and word[1:].islower():
        lower = word.lower()
        if lower in PRONOUNS:
            return lower
    return None


def _is_content(word: str) -> bool:
    return len(word) > 1 and word.lower() not in _FUNCTION_WORDS


def _agrees(word: str, form: str) -> bool:
    if form in PLURAL:
        lower = word.lower()
        return (lower.endswith("s") and not lower.endswith(("ss", "us", "is"))) or word.isupper()
    if form in PERSONAL:
        return word[0].isupper()
    return not word.lower().endswith("s") or word.lower().endswith(("ss", "us", "is"))


def _entity_start(words: list[tuple[int, int, str]], j: int) -> int:
    """The start of word ``j``, extended back over a run of capitalised words (a name) on the same line."""
    start, _, word = words[j]
    k = j
    while word[0].isupper() and k > 0:
        prev_start, prev_end, prev = words[k - 1]
        if not prev[0].isupper() or start - prev_end != 1 or not _is_content(prev):
            break
        k -= 1
        start = prev_start
    return start
