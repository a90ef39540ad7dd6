"""Entity-pronoun pairs for References Completeness without a coreference model.

:func:`heuristic_pairs` is the default source of RC's pairs when the caller gives none. It is pure Python, offline
and linear in the text:

1. Pronouns come from a closed, case-sensitive list of third-person forms (``it``, ``its``, ``itself``, ``they``,
   ``them``, ``their``, ``theirs``, ``themselves``, ``he``, ``him``, ``his``, ``himself``, ``she``, ``her``, ``hers``,
   ``herself``), lower case or capitalised (``It``); all-capital words (``IT``, ``US``) are never pronouns, unlike in
   the reference, which lower-cases the text before tagging.
2. Sentences end at line breaks and at ``.``, ``!`` or ``?`` followed by a space and an upper-case letter, a digit
   or an opening quote or bracket. Markup (``<!-- … -->`` comments, ``<tags>``) holds no antecedent.
3. Each agreement class (``it``; ``they``; ``he``/``she``) keeps a current referent. A sentence's subject (its first
   content word, extended to a run of capitalised words or content words: ``European Data Protection Supervisor``)
   becomes the referent of every class it agrees with (a plural-looking word for ``they``, a capitalised one for
   ``he``/``she``, a non-plural one for ``it``).
4. A pronoun that opens its sentence (``It aims to …``) takes its class's referent, so a chain of pronouns
   (``The Commission … It … Its …``) stays paired with the last explicit subject, however far back. Inside a
   sentence a pronoun takes the sentence's subject when it agrees, else the nearest agreeing content word before it,
   else its class's referent. The entity found becomes the class's referent.
5. The relative pronouns ``that``, ``who``, ``whom`` right after a content word are paired with that word
   (``providers who``), as spaCy tags them PRON in the reference.

The heuristic cannot see cataphora (a pronoun before its entity: 827 of CLAIR's 7,796 maverick pairs, 28% of the
pairs the paper's candidates cut), first- and second-person pronouns (``we``, ``our``), the reference's quirks (it
lower-cases the text, so ``US`` and ``IT`` become pronouns; spaCy tags some ``AI``/``GPT-4`` as PRON), coreference
clusters that skip over intermediate mentions, or pleonastic ``it`` (``it is important to …``), which it pairs anyway.
Measured against maverick on CLAIR (``benchmarks/pairs_agreement.py``) the Spearman correlation of RC is about 0.45:
the pairs a boundary cuts are mostly long-range or erroneous links of the model, which no local rule reproduces.
A real coreference model plugs in as a callable ``text -> pairs`` (``AdaptiveChunker(pairs=callable)``).

Pairs are ``((entity_start, entity_end), (pronoun_start, pronoun_end))`` with **inclusive** ends, as in CLAIR.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from adaptive_splitters.core.document import Pair, parse_pair

"""``((entity_start, entity_end), (pronoun_start, pronoun_end))``, inclusive ends."""
PairsFunction = Callable[[str], Sequence[Any]]

SINGULAR = frozenset({"it", "its", "itself"})
PLURAL = frozenset({"they", "them", "their", "theirs", "themselves"})
PERSONAL = frozenset({"he", "him", "his", "himself", "she", "her", "hers", "herself"})
PRONOUNS = SINGULAR | PLURAL | PERSONAL
RELATIVE = frozenset({"that", "who", "whom"})
"""Relative pronouns (lower case only), paired with the content word right before them (``providers who``)."""
_CLASS_NAMES = ("it", "they", "he")
"""The closed list of third-person pronoun forms (lower case); each also counts capitalised (``It``)."""

MAX_LEAD_WORDS = 6
"""The most words a sentence's subject phrase holds."""
MAX_CHAIN_CHARS = 8_000
"""How far back (in characters) a pronoun chain may reach (about the 2,000-token context of the reference's model)."""
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
_TAG_RE = re.compile(r"<[^<>\n]{1,200}>")
_NEWLINE_RUN_RE = re.compile(r"\n[ \t\n]*+")
_PUNCTUATION_END_RE = re.compile(r"[.!?…][\"'”’)\]]*+[ \t]++(?=[A-Z0-9\"'“‘(\[])")
_LOWER_START = frozenset("abcdefghijklmnopqrstuvwxyz(")


_CLASSES = {**dict.fromkeys(SINGULAR, "it"), **dict.fromkeys(PLURAL, "they"), **dict.fromkeys(PERSONAL, "he")}
"""Pronoun form → its agreement class, named by a representative form (``it``, ``they``, ``he``)."""


def heuristic_pairs(text: str) -> list[Pair]:
    """Entity-pronoun pairs of ``text`` found without a model (see the module doc); sorted by pronoun start.

    Raises:
        TypeError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        msg = f"text must be a str (received {type(text).__name__})"
        raise TypeError(msg)
    masked = _mask_markup(text) if "<" in text else text
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(masked)]
    sentence_starts = _sentence_starts(masked)
    pairs: list[Pair] = []
    referent: dict[str, tuple[int, int]] = {}  # agreement class -> its current referent (the chain's entity)
    lead: tuple[int, int] | None = None  # the subject of the current sentence
    lead_classes: set[str] = set()  # the agreement classes the subject can stand for
    opened = False  # whether the sentence has had its first content word or pronoun
    sentence_first = 0  # index of the first word of the current sentence
    next_start = 0  # index into sentence_starts
    for i, (start, end, word) in enumerate(words):
        if next_start < len(sentence_starts) and sentence_starts[next_start] <= start:
            while next_start < len(sentence_starts) and sentence_starts[next_start] <= start:
                next_start += 1
            lead, lead_classes, opened, sentence_first = None, set(), False, i
        form = _pronoun_form(word)
        if form is None:
            if word in RELATIVE and i > sentence_first:
                previous = words[i - 1]
                if _is_content(previous[2]) and start - previous[1] <= 2:  # "an organisation that", "persons who"
                    pairs.append(((_entity_start(words, i - 1), previous[1] - 1), (start, end - 1)))
            elif not opened and _is_content(word):
                opened = True
                lead, lead_words = _lead(words, i)
                lead_classes = {cls for cls in _CLASS_NAMES if _agrees(lead_words[0], cls)}
                for cls in lead_classes:
                    referent[cls] = lead  # an explicit subject resets the referent of its class
            continue
        cls = _CLASSES[form]
        entity: tuple[int, int] | None
        if not opened:
            opened = True
            entity = referent.get(cls)  # a sentence-initial pronoun continues its class's chain
            lead, lead_classes = entity, {cls}  # ... and its entity is the sentence's subject
        elif lead is not None and cls in lead_classes:
            entity = lead  # the sentence's subject, when it agrees
        else:
            agreeing, nearest = _nearest(words, sentence_first, i, form)
            entity = agreeing or referent.get(cls) or nearest
        if entity is not None and start - entity[0] > MAX_CHAIN_CHARS:
            entity = None  # a referent too far back is forgotten
            referent.pop(cls, None)
        if entity is not None:
            referent[cls] = entity
            pairs.append((entity, (start, end - 1)))
    return pairs


def _mask_markup(text: str) -> str:
    """``text`` with ``<!-- … -->`` comments and ``<tags>`` (at most 200 characters, on one line) blanked out.

    The same as substituting ``<!--.*?-->|<[^<>\\n]{1,200}>`` (DOTALL) left to right, in linear time: a regex engine
    would look for the end of every unclosed ``<!--`` up to the end of the text.
    """
    parts: list[str] = []
    done = 0  # text[:done] is in parts
    position = 0
    closable = True  # False once no "-->" remains after some "<!--": then none after a later one either
    while (start := text.find("<", position)) >= 0:
        end = -1
        if closable and text.startswith("<!--", start):
            close = text.find("-->", start + 4)
            if close >= 0:
                end = close + 3
            else:
                closable = False
        if end < 0:
            tag = _TAG_RE.match(text, start)
            end = tag.end() if tag else -1
        if end < 0:
            position = start + 1
            continue
        parts.extend((text[done:start], " " * (end - start)))
        done = position = end
    parts.append(text[done:])
    return "".join(parts)


def _sentence_starts(text: str) -> list[int]:
    """The offsets where sentences start, in order: after a line break not followed (past blanks and further line
    breaks) by a lower-case letter or ``(``, and after ``.``, ``!``, ``?`` or ``…`` (with closing quotes or
    brackets) and spaces followed by an upper-case letter, a digit or an opening quote or bracket.

    Each run of blanks and line breaks is scanned once: all its line breaks look ahead to the same character.
    """
    starts = [m.end() for m in _PUNCTUATION_END_RE.finditer(text)]
    for run in _NEWLINE_RUN_RE.finditer(text):
        if text[run.end() : run.end() + 1] not in _LOWER_START:
            base = run.start()
            starts.extend(base + k + 1 for k, char in enumerate(run.group()) if char == "\n")
    starts.sort()
    return starts


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


def _nearest(
    words: list[tuple[int, int, str]], first: int, i: int, form: str
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """In one scan back from word ``i`` through its sentence (at most :data:`MAX_LOOKBACK_WORDS`): the nearest
    content word that agrees with ``form``, and the nearest content word at all (each ``None`` if there is none)."""
    nearest: tuple[int, int] | None = None
    for j in range(i - 1, max(first - 1, i - 1 - MAX_LOOKBACK_WORDS), -1):
        word = words[j][2]
        if not _is_content(word):
            continue
        agrees = _agrees(word, form)
        if agrees or nearest is None:
            span = (_entity_start(words, j), words[j][1] - 1)
            if agrees:
                return span, nearest or span
            nearest = span
    return None, nearest


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
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Iterable):
        msg = f"a pairs callable must return a sequence of pairs or None (received {type(answer).__name__} {answer!r})"
        raise ValueError(msg)
    return [_checked_pair(item, len(text)) for item in answer], "callable"


def _checked_pair(item: Any, length: int) -> Pair:
    pair = parse_pair(item)
    if pair is None:
        msg = (
            "a pairs callable must return [[e_start, e_end], [p_start, p_end]] items with integer offsets "
            f"(received {item!r})"
        )
        raise ValueError(msg)
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
