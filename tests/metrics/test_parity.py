"""Our metrics against the reference implementation's numbers on the CLAIR corpus (``reference_minilm.json``).

SC, BI and RC are checked on every document and chunking; ICC and DCC (all-MiniLM-L6-v2, truncate mode, as in the
paper) on the smallest documents by default and on all 12 documents that have them with ``-m slow``.
"""

from __future__ import annotations

import json
import os
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.core.spans import Span
from adaptive_splitters.embeddings import EmbeddingCache, SentenceTransformerEmbedder, SpanVectors
from adaptive_splitters.metrics import (
    block_integrity,
    contextual_coherence,
    intrachunk_cohesion,
    references_completeness,
    size_compliance,
)
from adaptive_splitters.selection import select
from adaptive_splitters.text.tokens import TokenCounter

CLAIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "clair"
REFERENCE = CLAIR / "reference_minilm.json"
pytestmark = pytest.mark.skipif(
    not REFERENCE.is_file(), reason=f"CLAIR reference data not found at {CLAIR.resolve()} (shared/data/clair)"
)

RESPONSIBLE_AI = "Sophia (sciences sociales)_Responsible AI - A competitive edge in the data and GenAI landscape"
POST = ("recursive_1100/post", "recursive_600/post", "page/post")
FAST_EMBEDDING_DOCS = 3  # the smallest documents run by default; the other ICC/DCC documents are marked slow


@cache
def _reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))["documents"]  # type: ignore[no-any-return]


@cache
def _document(name: str) -> SourceDocument:
    parsed = json.loads((CLAIR / "parsed" / f"{name}.json").read_text(encoding="utf-8"))
    mentions = json.loads((CLAIR / "mentions" / f"{name}.json").read_text(encoding="utf-8"))
    return SourceDocument.build(
        parsed["full_text"], blocks=parsed["split_points"], pairs=mentions["entity_pronoun_pairs"], name=name
    )


@cache
def _counter() -> TokenCounter:
    return TokenCounter()


def _spans(chunking: dict[str, Any]) -> list[Span]:
    return [(int(s), int(e)) for s, e in chunking["spans"]]


def _names() -> list[str]:
    return sorted(_reference()) if REFERENCE.is_file() else []


def _embedding_names() -> list[str]:
    if not REFERENCE.is_file():
        return []
    ref = _reference()
    with_icc = [n for n, e in ref.items() if "ICC" in next(iter(e["chunkings"].values()))]
    return sorted(with_icc, key=lambda n: ref[n]["tokens"])


def _embedding_params() -> list[Any]:
    names = _embedding_names()
    return [
        pytest.param(n, id=n[:40], marks=() if i < FAST_EMBEDDING_DOCS else pytest.mark.slow)
        for i, n in enumerate(names)
    ]


def _close(ours: float | None, theirs: float | None, tol: float) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return abs(ours - theirs) <= tol


@pytest.mark.parametrize("name", _names(), ids=lambda n: n[:40])
def test_sc_bi_rc_equal_reference(name: str) -> None:
    doc = _document(name)
    counter = _counter()
    for method, ref in _reference()[name]["chunkings"].items():
        spans = _spans(ref)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the French documents' misaligned pairs warn; used as given
            rc = references_completeness(spans, doc.pairs, text=doc.text)
        sc = size_compliance(doc.text, spans, counter)
        bi = block_integrity(spans, doc.split_points, len(doc.text))
        assert _close(sc, ref["SC"], 1e-12), (method, "SC", sc, ref["SC"])
        assert _close(bi, ref["BI"], 1e-12), (method, "BI", bi, ref["BI"])
        if name == RESPONSIBLE_AI and method == "page/raw":
            continue  # the known deviation, asserted in test_rc_known_deviation_empty_page
        assert _close(rc, ref["RC"], 1e-12), (method, "RC", rc, ref["RC"])


def test_rc_known_deviation_empty_page() -> None:
    """The reference locates RC's chunks with ``text.find(chunk, previous_start + 1)`` (PAPER_SPEC §9.2.7).

    The raw page chunking of this document has an empty page; ``find("")`` "locates" it at the previous chunk's
    start + 1, a spurious boundary inside the previous page that cuts 2 more of its 95 pairs (0.9579). We use the
    spans themselves, where the empty chunk sits on the existing page boundary and cuts nothing new (0.9789).
    """
    ref = _reference()[RESPONSIBLE_AI]["chunkings"]["page/raw"]
    spans = _spans(ref)
    assert any(s == e for s, e in spans), "the raw page chunking has an empty page"
    doc = _document(RESPONSIBLE_AI)
    ours = references_completeness(spans, doc.pairs, text=doc.text)
    assert ref["RC"] == pytest.approx(91 / 95)
    assert ours == pytest.approx(93 / 95)
    # after merging the empty page away, the reference and we agree again
    post = _reference()[RESPONSIBLE_AI]["chunkings"]["page/post"]
    assert references_completeness(_spans(post), doc.pairs, text=doc.text) == pytest.approx(post["RC"])


@pytest.fixture(scope="module")
def truncate_cache(minilm: SentenceTransformerEmbedder) -> EmbeddingCache:
    return EmbeddingCache(minilm, counter=_counter())


def _skip_unless_slow_selected(request: pytest.FixtureRequest) -> None:
    """Slow parameters run only when asked for (``-m slow`` or ``ADAPTIVE_SPLITTERS_SLOW=1``): about 5 minutes on
    2 CPU cores for all 12 documents."""
    if request.node.get_closest_marker("slow") is None:
        return
    if "slow" in (request.config.getoption("markexpr") or "") or os.environ.get("ADAPTIVE_SPLITTERS_SLOW") == "1":
        return
    pytest.skip("slow (embeds a larger document on CPU): run with -m slow or ADAPTIVE_SPLITTERS_SLOW=1")


@pytest.mark.parametrize("name", _embedding_params())
def test_icc_dcc_truncate_equal_reference(
    name: str, truncate_cache: EmbeddingCache, request: pytest.FixtureRequest
) -> None:
    _skip_unless_slow_selected(request)
    doc = _document(name)
    vectors = SpanVectors(doc, truncate_cache, "truncate", _counter())
    ours: dict[str, dict[str, float | None]] = {}
    for method, ref in _reference()[name]["chunkings"].items():
        spans = _spans(ref)
        icc = intrachunk_cohesion(doc, spans, vectors)
        dcc = contextual_coherence(doc, spans, vectors, _counter())
        print(f"{name[:45]:45s} {method:20s} ICC {icc} (ref {ref['ICC']})  DCC {dcc} (ref {ref['DCC']})")
        assert _close(icc, ref["ICC"], 1e-4), (method, "ICC", icc, ref["ICC"])
        assert _close(dcc, ref["DCC"], 1e-4), (method, "DCC", dcc, ref["DCC"])
        ours[method] = {
            "SC": size_compliance(doc.text, spans, _counter()),
            "BI": block_integrity(spans, doc.split_points, len(doc.text)),
            "RC": references_completeness(spans, doc.pairs),
            "ICC": icc,
            "DCC": dcc,
        }
    # the paper's rule over our own scores of the three post-processed candidates picks the reference's choice
    names = [m.split("/")[0] for m in POST]
    chosen = select({m.split("/")[0]: ours[m] for m in POST}, names, rule="paper").chosen
    assert chosen == _reference()[name]["selection_post"]


@pytest.mark.parametrize("name", _embedding_names(), ids=lambda n: n[:40])
def test_paper_selection_on_reference_scores(name: str) -> None:
    entry = _reference()[name]
    scores = {m.split("/")[0]: {k: entry["chunkings"][m][k] for k in ("SC", "BI", "RC", "ICC", "DCC")} for m in POST}
    # the candidates listed in a non-alphabetical order: the paper rule breaks ties by name, not by order
    result = select(scores, ["page", "recursive_600", "recursive_1100"], rule="paper")
    assert result.chosen == entry["selection_post"]


@pytest.mark.parametrize("name", _embedding_names()[:2], ids=lambda n: n[:40])
def test_pool_mode_embeds_each_block_about_once(name: str, minilm: SentenceTransformerEmbedder) -> None:
    """Pool mode embeds block pieces shared by all candidates, chunks and windows: about the document once."""
    doc = _document(name)
    counter = _counter()
    cache = EmbeddingCache(minilm, counter=counter)
    vectors = SpanVectors(doc, cache, "pool", counter)
    for method in POST:
        spans = _spans(_reference()[name]["chunkings"][method])
        icc = intrachunk_cohesion(doc, spans, vectors)
        dcc = contextual_coherence(doc, spans, vectors, counter)
        assert icc is None or 0.0 <= icc <= 1.0
        assert dcc is None or 0.0 <= dcc <= 1.0
    doc_tokens = counter(doc.text)
    ratio = cache.stats.tokens_embedded / doc_tokens
    print(f"{name[:45]}: pool mode embedded {cache.stats.tokens_embedded} tokens for {doc_tokens} ({ratio:.2f}x)")
    print(f"  {cache.stats}")
    assert ratio < 1.5
