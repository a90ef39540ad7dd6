"""MiniLMEmbeddings: the bundled model as LangChain embeddings, the vectors the engine's embedder gives, in a real
vector store."""

from __future__ import annotations

import pickle
import threading

import numpy as np
from langchain_core.documents import Document
from langchain_core.vectorstores import InMemoryVectorStore

from adaptive_splitters.embeddings import SentenceTransformerEmbedder
from adaptive_splitters.langchain import MiniLMEmbeddings

TEXTS = ["Chlorine is added before the clearwell.", "Annual leave is 25 days.", ""]


def test_vectors_are_the_bundled_models_unit_vectors(minilm: SentenceTransformerEmbedder) -> None:
    embeddings = MiniLMEmbeddings()
    got = np.array(embeddings.embed_documents(TEXTS[:2]))
    assert got.shape == (2, 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.allclose(got, minilm.embed(TEXTS[:2]), atol=1e-6)
    assert np.allclose(embeddings.embed_query(TEXTS[0]), got[0], atol=1e-6)
    assert embeddings.embed_documents([]) == []


def test_one_instance_loads_once_across_threads_and_pickles_without_the_model() -> None:
    embeddings = MiniLMEmbeddings()
    threads = [threading.Thread(target=embeddings.embed_query, args=("water",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    model = embeddings.source._model
    assert model is not None
    embeddings.embed_query("again")
    assert embeddings.source._model is model
    copy = pickle.loads(pickle.dumps(embeddings))
    assert copy.source._model is None
    assert np.allclose(copy.embed_query("water"), embeddings.embed_query("water"), atol=1e-6)


def test_a_vector_store_finds_the_matching_text() -> None:
    store = InMemoryVectorStore.from_documents([Document(page_content=t) for t in TEXTS[:2]], MiniLMEmbeddings())
    assert store.similarity_search("How many days of leave?", k=1)[0].page_content == TEXTS[1]
