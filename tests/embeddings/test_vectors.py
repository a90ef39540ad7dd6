"""SpanVectors: the long-text modes (docs/method.md#long-texts), pool pieces shared across candidates."""

from __future__ import annotations

import numpy as np
import pytest
from hashing_embedders import hashed_vectors

from adaptive_splitters import AdaptiveChunker
from adaptive_splitters.core.document import SourceDocument
from adaptive_splitters.embeddings.cache import EmbeddingCache
from adaptive_splitters.embeddings.sentence_transformer import SentenceTransformerEmbedder
from adaptive_splitters.embeddings.vectors import SpanVectors


def letters(texts: list[str]) -> np.ndarray:
    return np.array([[t.count("a") + 1.0, t.count("b"), len(t)] for t in texts])


def test_span_vectors_validate_mode() -> None:
    with pytest.raises(ValueError, match="one of sentences, pool, truncate"):
        SpanVectors(SourceDocument.build("ab"), EmbeddingCache(letters), "mean")


def test_pool_pieces_are_shared_across_candidates() -> None:
    text = "".join(f"Block {i} " + "ab" * 10 + "\n" for i in range(10))
    block = len(text) // 10
    doc = SourceDocument.build(text, blocks=[block * i for i in range(1, 10)])
    cache = EmbeddingCache(letters, counter=len)
    vectors = SpanVectors(doc, cache, "pool", counter=len)
    vectors.of([(0, block * 5), (block * 5, len(text))])
    assert cache.stats.texts_embedded == 10  # the ten blocks
    vectors.of([(0, block * 3), (block * 3, block * 8), (block * 8, len(text))])
    vectors.of_joined([[(0, len(text))]])
    assert cache.stats.texts_embedded == 10  # same blocks: nothing new to embed
    vectors.of([(0, block + 3)])
    assert cache.stats.texts_embedded == 11  # a partial block is a new piece
    assert vectors.pieces((block - 2, block + 3)) == [(block - 2, block), (block, block + 3)]
    assert vectors.pieces((4, 4)) == []


def test_truncate_mode_embeds_each_span_whole() -> None:
    text = "aaa bbb\nab ab ab\n"
    doc = SourceDocument.build(text, blocks=[8])
    cache = EmbeddingCache(letters, counter=len)
    rows = SpanVectors(doc, cache, "truncate").of_joined([[(0, 8), (8, len(text))], [(0, 3)]])
    assert rows.shape == (2, 3)
    assert {t for _, t in cache.store} == {text, "aaa"}


def test_real_model_pool_mode_splits_an_over_long_block(minilm: SentenceTransformerEmbedder) -> None:
    text = "Intro paragraph.\n" + " ".join(["The regulation applies to providers of AI systems."] * 80)
    doc = SourceDocument.build(text, blocks=[17])
    cache = EmbeddingCache(minilm, counter=len)
    vectors = SpanVectors(doc, cache, "pool")
    pieces = vectors.pieces((0, len(text)))
    assert pieces[0] == (0, 17)
    assert len(pieces) >= 3  # the long block is cut at the model's limit
    assert pieces[-1][1] == len(text)
    pooled = vectors.of([(0, len(text))])
    assert pooled.shape == (1, 384)
    assert np.linalg.norm(pooled[0]) == pytest.approx(1.0, abs=1e-5)
    truncated = SpanVectors(doc, cache, "truncate").of([(0, len(text))])
    assert float(pooled[0] @ truncated[0]) > 0.5


def test_sentences_mode_cuts_at_sentences_and_long_sentences_at_commas() -> None:
    from hashing_embedders import hashed_vectors

    from adaptive_splitters.core.document import SourceDocument
    from adaptive_splitters.embeddings import EmbeddingCache

    long = "First clause here, second clause there, third clause everywhere. "
    text = "A short sentence. " + long + "\n\nAnother paragraph."
    doc = SourceDocument.build(text, blocks=[text.index("Another")])
    whole = SpanVectors(doc, EmbeddingCache(hashed_vectors), "sentences")
    pieces = [text[a:b] for a, b in whole.pieces((0, len(text)))]
    assert pieces == ["A short sentence. ", long + "\n\n", "Another paragraph."]  # spaces after a sentence are its own
    cut = SpanVectors(doc, EmbeddingCache(hashed_vectors), "sentences", clause_tokens=5)
    clauses = [text[a:b] for a, b in cut.pieces((0, len(text)))]
    assert clauses == [
        "A short sentence. ",
        "First clause here",
        ", second clause there",
        ", third clause everywhere. \n\n",
        "Another paragraph.",
    ]
    # a chunk cut just before a sentence's last period stands for the whole sentence (the same text, embedded once)
    end = text.index(". ") + 0
    assert whole.pieces((0, end)) == [(0, len("A short sentence. "))]


@pytest.mark.parametrize("text", ["€" * 30, "😀" * 30, "— — —\n\n***"])
def test_a_text_without_word_characters_never_sends_an_empty_text_to_the_embedder(text: str) -> None:
    # hosted embedders reject an empty input; the default mode must not ask for one
    asked: list[str] = []

    def strict(texts: list[str]) -> np.ndarray:
        asked.extend(texts)
        if any(not t for t in texts):
            raise ValueError("empty input")
        return hashed_vectors(texts)

    result = AdaptiveChunker(embedder=strict, chunk_size=40).chunk(text)
    assert "".join(c.text for c in result.chunks) == text
    assert asked  # the vectors were asked for...
    assert "" not in asked  # ...never of an empty text
