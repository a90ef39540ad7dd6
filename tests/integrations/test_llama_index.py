"""AdaptiveNodeParser: the node parser contract, plus what is ours (ids, metadata, limits, pass-through)."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from typing import Any, ClassVar

import pytest
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.mock import MockLLM
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import Document, MetadataMode
from node_parser_contract import NodeParserContract, generate_setting_params

from adaptive_splitters.integrations.llama_index import AdaptiveNodeParser


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    generate_setting_params(metafunc)


def word_tokens(text: str) -> list[str]:
    """A tokenizer LlamaIndex accepts (one token per whitespace-separated word); module-level, so picklable."""
    return text.split()


class TestAdaptiveNodeParserContract(NodeParserContract):
    variants: ClassVar[dict[str, Any]] = {
        "candidates": ["recursive_50", "page"],
        "weights": {"SC": 1.0, "BI": 0.0, "RC": 0.0, "ICC": 0.0, "DCC": 0.0},
        "embedder": "sentence-transformers/all-MiniLM-L6-v2",
        "tokenizer": "cl100k_base",
        "long_texts": "truncate",
        "selection": "paper",
        "min_tokens": 3,
        "chunk_size": 60,
        "merge_limit": 40,
        "llm_timeout": 5.0,
        "metrics": ["SC", "BI"],
        "pairs": "none",
        "carry_headings": False,
        "keep_separator": "end",
        "include_metadata": False,
        "include_prev_next_rel": False,
    }

    def make_parser(self, **overrides: Any) -> AdaptiveNodeParser:
        settings: dict[str, Any] = {"metrics": ["SC", "BI", "RC"], "chunk_size": 80}
        return AdaptiveNodeParser(**{**settings, **overrides})


class TestSentenceSplitterContract(NodeParserContract):
    """The same contract on LlamaIndex's own SentenceSplitter; what it fails is recorded as expected failures."""

    variants: ClassVar[dict[str, Any]] = {
        "chunk_size": 150,
        "chunk_overlap": 0,
        "separator": "\n",
        "paragraph_separator": "\n\n",
        "secondary_chunking_regex": "[^.]+[.]?",
        "tokenizer": word_tokens,
        "include_metadata": False,
        "include_prev_next_rel": False,
    }
    expected_failures: ClassVar[dict[str, str]] = {
        "test_exact_offsets[repeated]": (
            "_postprocess_parsed_nodes re-derives offsets with str.find from the previous start + 1, so on repeated "
            "text nodes land on earlier copies and ~1,800 non-whitespace characters are in no node's span"
        ),
        "test_exact_offsets[cjk]": "the same str.find placement on repeated CJK sentences loses ~700 characters",
        "test_exact_offsets_async": "the same str.find placement (async path) on repeated text",
        "test_offsets_when_chained_index_the_original": (
            "chained, SOURCE is rewritten to the original document but offsets index the input chunk"
        ),
        "test_parent_metadata_reaches_every_node_unshared": (
            "metadata is merged shallowly: a list in the document's metadata is shared by every node"
        ),
        "test_cache_key_sees_every_setting[tokenizer]": (
            "the tokenizer is a PrivateAttr, absent from to_dict(), so the ingestion cache key ignores it"
        ),
        "test_pickling_keeps_every_setting[tokenizer]": (
            "unpickling calls __init__ with the public fields only, so a custom tokenizer silently becomes tiktoken"
        ),
        "test_to_dict_from_dict_round_trip": (
            "to_dict() writes id_func as {'id_func_name': ...}, which from_dict() rejects (ValidationError)"
        ),
        "test_pickling_base": (
            "pydantic's __eq__ compares private attributes (tokenizer and split functions built per instance), so "
            "two SentenceSplitters with equal settings are never equal"
        ),
    }

    def make_parser(self, **overrides: Any) -> SentenceSplitter:
        settings: dict[str, Any] = {"chunk_size": 80, "chunk_overlap": 10}
        return SentenceSplitter(**{**settings, **overrides})


# -- ours: import cost, metadata, ids, limits, pass-through, settings -------------------------------------------

SAMPLE_TEXT = "# Guide\n\nIntro paragraph about chunking. It has two sentences.\n\n" + "".join(
    f"## Part {i}\n\nThe part {i} explains one idea in a few words, then another.\n\n" for i in range(12)
)


def parser(**overrides: Any) -> AdaptiveNodeParser:
    return AdaptiveNodeParser(**{"metrics": ["SC", "BI", "RC"], "chunk_size": 60, **overrides})


def test_importing_the_package_does_not_import_llama_index() -> None:
    code = (
        "import sys, adaptive_splitters\n"
        "assert 'llama_index.core' not in sys.modules, 'imported eagerly'\n"
        "from adaptive_splitters import AdaptiveNodeParser\n"
        "from llama_index.core.node_parser import NodeParser\n"
        "assert issubclass(AdaptiveNodeParser, NodeParser)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_fields_are_the_engine_options() -> None:
    from adaptive_splitters.core.config import exposed, settings

    # the fields are generated from the one config: every setting an adapter exposes, nothing else of the engine's
    fields = set(AdaptiveNodeParser.model_fields)
    assert {spec.name for spec in exposed(adapter=True)} <= fields
    assert not {"raw", "embedding_cache", "hard_limit"} & fields  # engine-only, or fixed by the parser
    assert {spec.name for spec in settings()} - fields == {"raw", "embedding_cache", "hard_limit"}
    assert AdaptiveNodeParser.class_name() == "AdaptiveNodeParser"


def test_metadata_is_flat_and_adaptive_keys_are_neither_embedded_nor_sent_to_the_llm() -> None:
    from llama_index.core.schema import MetadataMode

    doc = Document(text=SAMPLE_TEXT, metadata={"source": "guide.md", "author": "me"})
    nodes = parser().get_nodes_from_documents([doc])
    assert len(nodes) > 1
    for i, node in enumerate(nodes):
        meta = node.metadata
        assert meta["chunk_index"] == i
        assert meta["author"] == "me"
        assert isinstance(meta["adaptive_candidate"], str)
        assert isinstance(meta["adaptive_objective"], float)
        scores = json.loads(meta["adaptive_scores"])
        assert set(scores) == {"chosen", "objective", "scores"}
        assert meta["adaptive_candidate"] in scores["objective"]
        assert "start_index" not in meta  # start_char_idx says it
        assert all(isinstance(v, (str, int, float, bool)) for v in meta.values())
        for key in ("adaptive_candidate", "adaptive_objective", "adaptive_scores", "chunk_index"):
            assert key in node.excluded_embed_metadata_keys
            assert key in node.excluded_llm_metadata_keys
        for mode in (MetadataMode.EMBED, MetadataMode.LLM):
            content = node.get_content(metadata_mode=mode)
            assert "adaptive_scores" not in content
            assert "author: me" in content
    assert any(n.metadata.get("section") for n in nodes)


def test_ids_follow_the_recipe_and_are_deterministic() -> None:
    from adaptive_splitters.output.ids import chunk_id

    first = parser().get_nodes_from_documents([Document(id_="guide", text=SAMPLE_TEXT, metadata={"source": "g.md"})])
    second = parser().get_nodes_from_documents([Document(id_="guide", text=SAMPLE_TEXT, metadata={"source": "g.md"})])
    assert [n.node_id for n in first] == [n.node_id for n in second]
    assert [n.node_id for n in first] == [chunk_id("guide", n.start_char_idx, n.end_char_idx) for n in first]


def test_ids_never_collide_across_sources_or_pages() -> None:
    docs = [
        Document(text=SAMPLE_TEXT, metadata={"source": "a.md"}),
        Document(text=SAMPLE_TEXT, metadata={"source": "b.md"}),
        Document(text=SAMPLE_TEXT, metadata={"file_path": "c.pdf", "page_label": "1"}),
        Document(text=SAMPLE_TEXT + "more", metadata={"file_path": "c.pdf", "page_label": "2"}),
        Document(text="Other text, same source.", metadata={"source": "a.md"}),
    ]
    nodes = parser().get_nodes_from_documents(docs)
    ids = [n.node_id for n in nodes]
    assert len(set(ids)) == len(ids)
    pages = [(n.metadata["page_start"], n.metadata["page_end"]) for n in nodes if "file_path" in n.metadata]
    assert set(pages) == {("1", "1"), ("2", "2")}


def test_max_tokens_is_a_hard_limit() -> None:
    from adaptive_splitters.text.tokens import TokenCounter

    count = TokenCounter("o200k_base")
    text = ("word " * 400 + "\n\n") * 3 + "x" * 3000
    for candidates in (None, ["recursive_200"], ["page", "recursive_400"]):
        p = parser(chunk_size=50, min_tokens=10, merge_limit=400, candidates=candidates)
        nodes = p.get_nodes_from_documents([Document(text=text)])
        assert max(count(n.text) for n in nodes) <= 50
        assert "".join(n.text for n in nodes) == text


def test_non_text_nodes_pass_through_untouched() -> None:
    from llama_index.core.schema import ImageDocument, ImageNode, IndexNode

    image = ImageNode(text="a caption", image="aGVsbG8=", metadata={"k": 1})
    index = IndexNode(text="see the other index", index_id="other")
    image_doc = ImageDocument(text="alt", image="aGVsbG8=")
    before = [n.model_dump() for n in (image, index, image_doc)]
    doc = Document(text=SAMPLE_TEXT, id_="doc")
    out = parser().get_nodes_from_documents([image, doc, index, image_doc])
    assert out[0] is image
    assert out[-2] is index
    assert out[-1] is image_doc
    assert [n.model_dump() for n in (image, index, image_doc)] == before
    middle = out[1:-2]
    assert all(n.source_node is not None and n.source_node.node_id == "doc" for n in middle)


def test_chunk_without_offsets_gives_none_rather_than_wrong_offsets() -> None:
    from llama_index.core.schema import NodeRelationship, TextNode

    doc = Document(text=SAMPLE_TEXT, id_="doc", metadata={"source": "guide.md"})
    piece = TextNode(text=SAMPLE_TEXT[100:], relationships={NodeRelationship.SOURCE: doc.as_related_node_info()})
    nodes = parser()([piece])
    assert nodes
    assert all(n.start_char_idx is None and n.end_char_idx is None for n in nodes)
    assert all(n.source_node is not None and n.source_node.node_id == "doc" for n in nodes)
    assert "".join(n.text for n in nodes) == piece.text
    assert len({n.node_id for n in nodes}) == len(nodes)


def test_after_sentence_splitter_offsets_are_exact_when_its_offsets_are() -> None:
    text = "".join(f"Paragraph {i} has its own words, numbered {i * 7}.\n\n" for i in range(80))
    doc = Document(text=text, id_="doc")
    first = SentenceSplitter(chunk_size=120, chunk_overlap=0).get_nodes_from_documents([doc])
    nodes = parser(chunk_size=40)(first)
    for node in nodes:
        assert node.source_node is not None
        assert node.source_node.node_id == "doc"
        assert text[node.start_char_idx : node.end_char_idx] == node.text


def test_id_func_is_refused_and_the_default_round_trips() -> None:
    with pytest.raises(ValueError, match="does not take id_func"):
        AdaptiveNodeParser(id_func=lambda i, node: str(i))
    data = parser().to_dict()
    assert data["id_func"]["id_func_name"] == "default_id_func"
    assert AdaptiveNodeParser.from_dict(data) == parser()


def _embed(texts: list[str]) -> list[list[float]]:
    return [[float(len(t)), 1.0] for t in texts]


def test_two_embedder_models_get_two_ingestion_cache_keys(minilm: Any) -> None:
    from llama_index.core.ingestion.pipeline import get_transformation_hash
    from sentence_transformers import SentenceTransformer

    from adaptive_splitters.embeddings.bundled import bundled_model_path

    short = SentenceTransformer(str(bundled_model_path()), local_files_only=True)
    short.max_seq_length = 128  # another window: another default size
    doc = Document(text="Some text to chunk. " * 40, id_="doc")
    full, shortened = AdaptiveNodeParser(embedder=minilm.model), AdaptiveNodeParser(embedder=short)
    assert (full.max_tokens, shortened.max_tokens) == (128, 64)
    assert get_transformation_hash([doc], full) != get_transformation_hash([doc], shortened)
    again = AdaptiveNodeParser(embedder=minilm.model)
    assert get_transformation_hash([doc], again) == get_transformation_hash([doc], full)  # the cache still hits


def test_an_embedder_object_is_recorded_by_type_and_fails_loudly_on_pickling() -> None:
    def local(texts: list[str]) -> list[list[float]]:  # a local function cannot be pickled
        return _embed(texts)

    p = parser(embedder=local)
    assert p.to_dict()["embedder"].startswith("<embedder object builtins.function")
    with pytest.raises(TypeError, match="embedder"):
        pickle.dumps(p)
    with pytest.raises(ValueError, match="cannot be restored"):
        AdaptiveNodeParser.from_dict(p.to_dict())
    again = AdaptiveNodeParser.from_dict(p.to_dict(), embedder=p.embedder)
    assert again == p
    picklable = parser(embedder=_embed)  # a module-level function pickles, and survives
    assert pickle.loads(pickle.dumps(picklable)).embedder is _embed


def test_assigning_a_setting_rebuilds_the_engine() -> None:
    p = parser(chunk_size=200)
    doc = Document(text=SAMPLE_TEXT)
    many_before = len(p.get_nodes_from_documents([doc]))
    p.max_tokens = 30
    assert len(p.get_nodes_from_documents([doc])) > many_before


def test_invalid_settings_fail_at_construction() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValueError, match="nope"):
        parser(candidates=["nope"])
    with pytest.raises(ValidationError):
        parser(long_texts="sideways")
    with pytest.raises(ValueError, match="unknown metric"):
        parser(metrics=["XYZ"])
    with pytest.raises(ValueError, match="tokenizer"):
        parser(tokenizer="gpt2")


def test_empty_document_gives_no_nodes() -> None:
    assert parser().get_nodes_from_documents([Document(text="")]) == []


async def test_acall_matches_call() -> None:
    p = parser()
    doc = Document(text=SAMPLE_TEXT, id_="doc")
    sync = p([doc])
    async_nodes = await p.acall([doc])
    assert [(n.node_id, n.text, n.start_char_idx) for n in async_nodes] == [
        (n.node_id, n.text, n.start_char_idx) for n in sync
    ]


# the llm_regex candidate (llm=) -------------------------------------------------------------------------------


class HeadingLLM(CustomLLM):
    """A LlamaIndex LLM that answers a regex cutting before every heading line."""

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="headings")

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text="Cut before headings: <regex>(?m)^(?=#{1,3} )</regex>")

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        yield self.complete(prompt)


def _check_exact(nodes: list[Any], text: str) -> None:
    assert "".join(n.text for n in nodes) == text
    for n in nodes:
        assert text[n.start_char_idx : n.end_char_idx] == n.text


def test_llm_adds_the_llm_regex_candidate() -> None:
    nodes = parser(llm=HeadingLLM()).get_nodes_from_documents([Document(text=SAMPLE_TEXT, id_="doc")])
    _check_exact(nodes, SAMPLE_TEXT)
    assert "llm_regex" in json.loads(nodes[0].metadata["adaptive_scores"])["objective"]


def test_llm_regex_pattern_is_in_the_metadata_when_it_wins() -> None:
    p = parser(llm=HeadingLLM(), candidates=["llm_regex"])
    nodes = p.get_nodes_from_documents([Document(text=SAMPLE_TEXT, id_="doc")])
    _check_exact(nodes, SAMPLE_TEXT)
    headings = [i for i in range(len(SAMPLE_TEXT)) if SAMPLE_TEXT.startswith("## Part", i)]
    assert set(headings) <= {n.start_char_idx for n in nodes}
    for n in nodes:
        assert n.metadata["adaptive_candidate"] == "llm_regex"
        assert n.metadata["llm_regex_pattern"] == "(?m)^(?=#{1,3} )"
        assert "llm_regex_fallback" not in n.metadata
        assert {"llm_regex_pattern", "llm_regex_fallback"} <= set(n.excluded_embed_metadata_keys)
        assert {"llm_regex_pattern", "llm_regex_fallback"} <= set(n.excluded_llm_metadata_keys)
        assert "llm_regex" not in n.get_content(metadata_mode=MetadataMode.EMBED)


def test_llm_regex_fallback_is_in_the_metadata_for_a_garbage_answer() -> None:
    p = parser(llm=MockLLM(max_tokens=5), candidates=["llm_regex"])  # answers "text text text text text"
    nodes = p.get_nodes_from_documents([Document(text=SAMPLE_TEXT, id_="doc")])
    _check_exact(nodes, SAMPLE_TEXT)
    for n in nodes:
        assert "<regex>" in n.metadata["llm_regex_fallback"]
        assert "llm_regex_pattern" not in n.metadata


def test_an_llm_is_recorded_by_type_passed_back_to_from_dict_and_fails_loudly_on_pickling() -> None:
    p = parser(llm=HeadingLLM(), candidates=["llm_regex"])
    data = p.to_dict()
    assert data["llm"] == f"<llm object {HeadingLLM.__module__}.HeadingLLM>"
    json.dumps(data)
    with pytest.raises(ValueError, match="cannot be restored"):
        AdaptiveNodeParser.from_dict(data)
    again = AdaptiveNodeParser.from_dict(data, llm=p.llm)
    assert again == p
    doc = Document(text=SAMPLE_TEXT, id_="doc")
    expected = [(n.node_id, n.text, n.metadata) for n in p.get_nodes_from_documents([doc])]
    assert [(n.node_id, n.text, n.metadata) for n in again.get_nodes_from_documents([doc])] == expected
    clone = pickle.loads(pickle.dumps(p))  # a module-level LLM class pickles, and survives
    assert isinstance(clone.llm, HeadingLLM)
    assert [(n.node_id, n.text, n.metadata) for n in clone.get_nodes_from_documents([doc])] == expected
    with pytest.raises(TypeError, match="llm"):
        pickle.dumps(parser(llm=lambda prompt: "<regex>^#</regex>"))


# regressions (issue 14) -------------------------------------------------------------------------------------

REPEATED = "Alpha beta gamma delta. " * 5


def test_distinct_documents_with_the_same_text_never_share_node_ids() -> None:
    from hashing_embedders import HashingEmbedding
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.storage.docstore import SimpleDocumentStore

    p = AdaptiveNodeParser(chunk_size=5, metrics=["SC", "BI", "RC"])
    docs = [Document(id_="a", text=REPEATED), Document(id_="b", text=REPEATED)]
    nodes = p.get_nodes_from_documents(docs)
    assert len({n.node_id for n in nodes}) == len(nodes) > 2
    assert [n.node_id for n in nodes] == [n.node_id for n in p.get_nodes_from_documents(docs)]  # every run
    docstore = SimpleDocumentStore()
    docstore.add_documents(nodes)
    assert len(docstore.docs) == len(nodes)
    index = VectorStoreIndex(nodes, storage_context=StorageContext.from_defaults(), embed_model=HashingEmbedding())
    index.delete_ref_doc("b")
    kept = index.vector_store.to_dict()["embedding_dict"]  # type: ignore[attr-defined]
    assert set(kept) == {n.node_id for n in nodes if n.ref_doc_id == "a"}


def test_the_same_document_twice_gets_distinct_node_ids() -> None:
    p = AdaptiveNodeParser(chunk_size=5, metrics=["SC", "BI", "RC"])
    nodes = p.get_nodes_from_documents([Document(id_="a", text=REPEATED), Document(id_="a", text=REPEATED)])
    assert len({n.node_id for n in nodes}) == len(nodes)


def test_chunk_size_is_the_size_and_unknown_settings_raise() -> None:
    with pytest.raises(ValueError, match="foo"):
        AdaptiveNodeParser(chunk_size=200, foo="bar")
    p = AdaptiveNodeParser(chunk_size=40, metrics=["SC", "BI", "RC"])
    assert p.chunk_size == p.max_tokens == 40
    assert AdaptiveNodeParser(max_tokens=40).chunk_size == 40  # the alias
    nodes = p.get_nodes_from_documents([Document(text=SAMPLE_TEXT)])
    counter = p._chunker().counter
    assert max(counter(n.text) for n in nodes) <= 40
    assert AdaptiveNodeParser.from_dict(p.to_dict()) == p


def test_the_default_size_follows_the_embedder_and_survives_serialisation() -> None:
    p = AdaptiveNodeParser(metrics=["SC", "BI", "RC"])
    assert p.chunk_size is None  # the setting: derived from the embedder's window
    assert p.max_tokens == 128  # the size in force: half the bundled model's 256 word pieces
    nodes = p.get_nodes_from_documents([Document(text=SAMPLE_TEXT)])
    assert max(p._chunker().counter(n.text) for n in nodes) <= 128
    assert AdaptiveNodeParser.from_dict(p.to_dict()) == p
    assert AdaptiveNodeParser.from_dict(p.to_dict()).max_tokens == 128


def test_any_positive_chunk_size_works() -> None:
    nodes = AdaptiveNodeParser(max_tokens=1, metrics=["SC"]).get_nodes_from_documents([Document(text="ab cd ef")])
    assert "".join(n.text for n in nodes) == "ab cd ef"


def test_deep_copies_of_the_parser_work() -> None:
    import copy

    p = parser()
    for duplicate in (copy.deepcopy(p), p.model_copy(deep=True)):
        assert duplicate == p
        doc = Document(id_="d", text=SAMPLE_TEXT)
        assert [n.node_id for n in duplicate.get_nodes_from_documents([doc])] == [
            n.node_id for n in p.get_nodes_from_documents([doc])
        ]


def test_lone_surrogates_raise_a_value_error_that_says_so() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        parser().get_nodes_from_documents([Document(text="text \ud800 more. " * 60)])


def test_no_empty_section_is_embedded() -> None:
    text = "Opening words before any heading. " * 20 + "\n\n# Heading\n\n" + "Body under the heading. " * 20
    nodes = parser().get_nodes_from_documents([Document(text=text)])
    assert "section" not in nodes[0].metadata
    assert "section:" not in nodes[0].get_content(metadata_mode=MetadataMode.EMBED)
    assert any(n.metadata.get("section") == "Heading" for n in nodes)


def test_llm_timeout_is_a_field_that_reaches_the_candidate() -> None:
    import time

    def slow(prompt: str) -> str:
        time.sleep(5)
        return "<regex>^#</regex>"

    p = parser(llm=slow, llm_timeout=0.5, candidates=["llm_regex"])
    assert p.to_dict()["llm_timeout"] == 0.5
    began = time.monotonic()
    nodes = p.get_nodes_from_documents([Document(text=SAMPLE_TEXT)])
    assert time.monotonic() - began < 3
    assert "did not answer within 0.5 s" in nodes[0].metadata["llm_regex_fallback"]


def test_the_llama_index_embedding_names_its_model() -> None:
    from adaptive_splitters.integrations.llama_index_embedding import MiniLMEmbedding

    assert MiniLMEmbedding().model_name == "sentence-transformers/all-MiniLM-L6-v2"


def _corpus() -> list[Document]:
    """Documents of different sizes with stable ids; two share a text (their nodes keep apart ids)."""
    texts = [("Rivers and mountains. " * 40 + "\n\n") * (i + 1) + SAMPLE_TEXT for i in range(4)]
    texts.append(texts[1])
    return [Document(text=t, id_=f"doc-{i}", metadata={"source": f"s{i}"}) for i, t in enumerate(texts)]


def _node_identity(nodes: list[Any]) -> list[tuple[Any, ...]]:
    return [(n.node_id, n.text, n.start_char_idx, n.end_char_idx, n.metadata, n.ref_doc_id) for n in nodes]


def test_ingestion_pipeline_with_workers_equals_one_by_one() -> None:
    from hashing_embedders import biased_vectors
    from llama_index.core.ingestion import IngestionPipeline

    parser = AdaptiveNodeParser(chunk_size=150, embedder=biased_vectors)
    docs = _corpus()
    alone = [n for doc in docs for n in parser.get_nodes_from_documents([doc])]
    pipeline = IngestionPipeline(transformations=[parser])
    together = pipeline.run(documents=docs, num_workers=2)
    assert sorted(_node_identity(together)) == sorted(_node_identity(alone))  # the pipeline's batches, any order
    assert _node_identity(parser.get_nodes_from_documents(docs)) == _node_identity(alone)


def test_show_progress_draws_a_bar_over_characters(capsys: pytest.CaptureFixture[str]) -> None:
    docs = [Document(text="Plain words here. " * 100, id_="a"), Document(text="More words. " * 50, id_="b")]
    AdaptiveNodeParser(chunk_size=120, metrics=["SC", "BI", "RC"]).get_nodes_from_documents(docs, show_progress=True)
    err = capsys.readouterr().err
    assert "2.40k/2.40k" in err
