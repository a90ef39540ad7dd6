"""Offline entity-pronoun pairs (heuristic), the pairs option of the engine and the CLI's --pairs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adaptive_splitters.cli import main
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.text.references import heuristic_pairs, resolve_pairs

CHEAP = ("SC", "BI", "RC")


def texts(text: str) -> list[tuple[str, str]]:
    """(entity text, pronoun text) of each heuristic pair, read with inclusive ends."""
    return [(text[e0 : e1 + 1], text[p0 : p1 + 1]) for (e0, e1), (p0, p1) in heuristic_pairs(text)]


def test_pronoun_at_sentence_start_takes_previous_subject() -> None:
    text = "The Commission adopted the guidelines. It will review the rules and publish them."
    pairs = heuristic_pairs(text)
    it = text.index("It")
    rules = text.index("rules")
    them = text.index("them")
    assert pairs == [((4, 13), (it, it + 1)), ((rules, rules + 4), (them, them + 3))]
    assert texts(text) == [("Commission", "It"), ("rules", "them")]


def test_plural_pronoun_prefers_agreeing_subject() -> None:
    text = "Deployers should take technical measures to ensure they use their systems."
    assert texts(text) == [("Deployers", "they"), ("Deployers", "their")]


def test_nearest_agreeing_word_when_subject_disagrees() -> None:
    text = "The report explains how providers document their models."
    assert texts(text) == [("providers", "their")]


def test_capitalised_name_is_one_entity_and_chains() -> None:
    text = "European Data Protection Supervisor issued advice.\nIt published guidance. Its role grows."
    assert texts(text) == [
        ("European Data Protection Supervisor", "It"),
        ("European Data Protection Supervisor", "Its"),
    ]


def test_pronoun_chain_keeps_the_last_explicit_subject() -> None:
    text = (
        "Anthropic released a model.\n\n<!-- PageBreak -->\n\nIt trained it on data. "
        "Its policy changed. They said so.\nIt grew."
    )
    model = text.index("Anthropic")
    pairs = heuristic_pairs(text)
    first_it = text.index("It ")
    its = text.index("Its")
    last_it = text.rindex("It")
    # "They" has no plural referent: no pair; every "it"-class pronoun spans back to "Anthropic" across the markup
    assert [p for e, p in pairs if e == (model, model + 8)] == [
        (first_it, first_it + 1),
        (text.index("it on"), text.index("it on") + 1),
        (its, its + 2),
        (last_it, last_it + 1),
    ]
    assert len(pairs) == 4


def test_new_subject_resets_only_its_class() -> None:
    text = "The agency opened files. Providers answered. They complied. It closed them."
    assert texts(text) == [("Providers", "They"), ("agency opened files", "It"), ("Providers", "them")]


def test_relative_pronouns_pair_with_the_word_before() -> None:
    text = "Providers who deploy models that learn must act."
    assert texts(text) == [("Providers", "who"), ("models", "that")]


def test_uppercase_words_and_non_pronouns_are_ignored() -> None:
    text = "The US and IT sectors grew. Items, Italy and ITS are not pronouns."
    assert heuristic_pairs(text) == []


def test_no_antecedent_no_pair_and_empty_text() -> None:
    assert heuristic_pairs("It rains.") == []
    assert heuristic_pairs("") == []
    with pytest.raises(TypeError):
        heuristic_pairs(b"bytes")  # type: ignore[arg-type]


def test_markup_holds_no_antecedent() -> None:
    text = "<!-- PageHeader: Annual Report -->\nIt is late."
    assert heuristic_pairs(text) == []


def test_ends_are_inclusive_and_inside_the_text() -> None:
    text = "Models are trained on data. They learn patterns from it, and their outputs vary.\n" * 50
    pairs = heuristic_pairs(text)
    assert len(pairs) == 150
    for entity, pronoun in pairs:
        for start, end in (entity, pronoun):
            assert 0 <= start <= end < len(text)
            assert not text[end].isspace()
        assert text[pronoun[0] : pronoun[1] + 1] in {"They", "it", "their"}


def test_long_text_scales() -> None:
    pairs = heuristic_pairs("The agency reviews files. It keeps them. " * 20_000)
    assert len(pairs) == 40_000


def test_engine_uses_heuristic_by_default() -> None:
    text = "The Commission adopted the guidelines.\n\nIt will review them."
    result = AdaptiveChunker(metrics=CHEAP).chunk(text)
    assert result.pairs_source == "heuristic"
    assert result.document.pairs == tuple(heuristic_pairs(text))
    assert all(row["RC"] == 1.0 for row in result.scores.values())


def test_engine_pairs_none_and_given() -> None:
    text = "The Commission adopted the guidelines. It will review them."
    off = AdaptiveChunker(metrics=CHEAP, pairs="none").chunk(text)
    assert off.pairs_source == "none"
    assert all(row["RC"] is None for row in off.scores.values())
    given = AdaptiveChunker(metrics=CHEAP).chunk(text, pairs=[[[4, 13], [39, 40]]])
    assert given.pairs_source == "given"
    assert given.document.pairs == (((4, 13), (39, 40)),)
    with pytest.raises(ValueError, match="pairs must be"):
        AdaptiveChunker(pairs="spacy")


def test_callable_pairs_plug_in_with_inclusive_ends() -> None:
    text = "Alice wrote the report. She signed it."
    seen: list[str] = []

    def coref(source: str) -> list[list[list[int]]]:
        seen.append(source)
        return [[[0, 4], [24, 26]]]  # "Alice" .. "She", inclusive ends

    result = AdaptiveChunker(metrics=CHEAP, pairs=coref).chunk(text)
    assert seen == [text]
    assert result.pairs_source == "callable"
    assert result.document.pairs == (((0, 4), (24, 26)),)
    assert text[0 : 4 + 1] == "Alice"
    assert text[24 : 26 + 1] == "She"


def test_callable_answer_is_checked() -> None:
    text = "Alice wrote it."
    with pytest.raises(ValueError, match="does not fit"):
        resolve_pairs(lambda s: [[[0, 4], [12, len(s)]]], text)  # exclusive end given: past the text
    with pytest.raises(ValueError, match="items"):
        resolve_pairs(lambda s: [[0, 4]], text)
    assert resolve_pairs(lambda s: None, text) == (None, "callable")
    assert resolve_pairs("none", text) == (None, "none")


def test_cli_pairs_option(tmp_path: Path) -> None:
    source = tmp_path / "doc.txt"
    source.write_text("The Commission adopted the guidelines.\n\nIt will review them.\n", encoding="utf-8")
    out = tmp_path / "out.json"
    args = ["evaluate", str(source), "--metrics", "SC,BI,RC", "--json", str(out)]
    assert main([*args, "--mentions", str(tmp_path / "missing")]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))["documents"][0]
    assert doc["pairs_source"] == "heuristic"
    assert main([*args, "--pairs", "none"]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))["documents"][0]
    assert doc["pairs_source"] == "none"
    assert all(c["scores"]["RC"] is None for c in doc["candidates"].values())


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), 4.5, True])
def test_callable_pairs_with_non_integer_offsets_are_named(bad: object) -> None:
    text = "Alice wrote it."
    chunker = AdaptiveChunker(metrics=CHEAP, pairs=lambda s: [[[0, bad], [12, 13]]])
    with pytest.raises(ValueError, match=rf"pairs callable must return .* integer offsets \(received \[\[0, {bad!r}\]"):
        chunker.chunk(text)


def test_callable_pairs_answer_that_is_not_a_sequence_is_named() -> None:
    with pytest.raises(ValueError, match=r"pairs callable must return a sequence of pairs or None \(received int 7\)"):
        resolve_pairs(lambda s: 7, "Alice wrote it.")


def test_numpy_offsets_from_a_callable_are_accepted() -> None:
    np = pytest.importorskip("numpy")
    text = "Alice wrote the report. She signed it."
    pairs, source = resolve_pairs(lambda s: np.array([[[0, 4], [24, 26]]]), text)
    assert (pairs, source) == ([((0, 4), (24, 26))], "callable")
    assert all(type(x) is int for pair in pairs or [] for span in pair for x in span)


def test_markup_masking_and_sentence_starts_keep_their_regex_definitions() -> None:
    """The linear scans find what the regexes they replace found (those are quadratic on blank runs)."""
    import random
    import re

    from adaptive_splitters.text.references import _mask_markup, _sentence_starts

    markup = re.compile(r"<!--.*?-->|<[^<>\n]{1,200}>", re.DOTALL)
    sentence_end = re.compile(r"\n(?![ \t\n]*[a-z(])|[.!?…][\"'”’)\]]*[ \t]+(?=[A-Z0-9\"'“‘(\[])")
    pieces = [
        "\n",
        " ",
        "\t",
        "\r",
        "1",
        "a",
        "B",
        ".",
        "!",
        "…",
        ")",
        "(",
        '"',
        "'",
        "”",
        "[",
        "<",
        "<!--",
        "-->",
        ">",
    ]
    rng = random.Random(14)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert _mask_markup(text) == markup.sub(lambda m: " " * len(m.group()), text), text
        assert _sentence_starts(text) == [m.end() for m in sentence_end.finditer(text)], text
