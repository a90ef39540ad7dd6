"""A reusable contract test kit for LlamaIndex node parsers (LlamaIndex ships none).

Subclass :class:`NodeParserContract` in a ``test_*.py`` module, under a ``Test*`` name, and provide:

- ``make_parser(**overrides)``: the parser under test, sized so that the kit's texts (a few thousand characters)
  give several nodes;
- ``variants``: setting name → a value different from ``make_parser()``'s, for every setting that changes output;
- ``expected_failures`` (optional): test name (or ``name[param]``) → the reason it is expected to fail; those
  tests are marked ``xfail(strict=True)``, so a fix shows up as an unexpected pass.

What it checks, each a promise a RAG pipeline relies on:

- offsets: every text node has ``start_char_idx``/``end_char_idx``, ``source[start:end] == node.text``, nodes come in
  document order, and together they cover every non-whitespace character, on repeated text, CJK and emoji;
  chained after a first parser, offsets still index the original document;
- relationships: SOURCE is the original document (also when chained); PREVIOUS/NEXT link neighbours both ways;
- the ingestion cache key (``get_transformation_hash``) changes with every setting;
- ``from_dict(to_dict())`` and ``from_json(to_json())`` rebuild an equal parser that gives the same nodes;
- pickling (what ``IngestionPipeline(num_workers > 1)`` does) keeps every setting: the same nodes come out.
"""

from __future__ import annotations

import pickle
from typing import Any, ClassVar

import pytest
from llama_index.core.ingestion.pipeline import get_transformation_hash
from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, Document, MetadataMode, NodeRelationship, TextNode

PARAGRAPH = "Repeat after me: the quick brown fox jumps over the lazy dog, and the dog sleeps on.\n\n"
REPEATED = PARAGRAPH * 40 + "A different closing line.\n" + PARAGRAPH * 5
CJK = "日本語の文章です。これは同じ文の繰り返しです。\n\n" * 30 + "中文句子也在这里，重复一次。\n\n" * 30
EMOJI = "Family 👨‍👩‍👧‍👦 and thumbs 👍🏽 in one line; flags 🇫🇷🇯🇵 too.\n\n" * 40 + "Fin 🙂"
MIXED = "".join(f"Section {i}\n\nEmoji 😀 then 漢字 then text {i % 3}.\n\n" for i in range(60))
TEXTS = {"repeated": REPEATED, "cjk": CJK, "emoji": EMOJI, "mixed": MIXED}


def spans_of(nodes: list[BaseNode]) -> list[tuple[int | None, int | None]]:
    return [(getattr(n, "start_char_idx", None), getattr(n, "end_char_idx", None)) for n in nodes]


def contents(nodes: list[BaseNode]) -> list[tuple[str, int | None, int | None]]:
    """What must not change between two equal parsers: text and offsets (ids may be random)."""
    return [(n.get_content(MetadataMode.NONE), *span) for n, span in zip(nodes, spans_of(nodes), strict=True)]


def check_exact_offsets(nodes: list[BaseNode], text: str) -> None:
    """Offsets set, slicing the source, in document order, covering every non-whitespace character."""
    assert nodes, "no nodes"
    covered = [False] * len(text)
    previous = -1
    for i, node in enumerate(nodes):
        assert isinstance(node, TextNode)
        start, end = node.start_char_idx, node.end_char_idx
        assert start is not None, f"node {i} has no start_char_idx"
        assert end is not None, f"node {i} has no end_char_idx"
        assert text[start:end] == node.text, f"node {i}: source[{start}:{end}] is not its text"
        assert start >= previous, f"node {i} starts at {start}, before node {i - 1} ({previous})"
        previous = start
        for k in range(start, end):
            covered[k] = True
    lost = [k for k, ch in enumerate(text) if not ch.isspace() and not covered[k]]
    assert not lost, f"{len(lost)} non-whitespace characters are in no node's span (first at {lost[0]})"


def check_relationships(nodes: list[BaseNode], doc: Document) -> None:
    """SOURCE is ``doc``; PREVIOUS/NEXT link consecutive nodes both ways."""
    for i, node in enumerate(nodes):
        assert node.source_node is not None, f"node {i} has no SOURCE"
        assert node.source_node.node_id == doc.id_, f"node {i}: SOURCE is not the original document"
        nxt = node.relationships.get(NodeRelationship.NEXT)
        prv = node.relationships.get(NodeRelationship.PREVIOUS)
        if i + 1 < len(nodes):
            assert nxt is not None, f"node {i} has no NEXT"
            assert nxt.node_id == nodes[i + 1].node_id  # type: ignore[union-attr]
        else:
            assert nxt is None, "the last node has a NEXT"
        if i > 0:
            assert prv is not None, f"node {i} has no PREVIOUS"
            assert prv.node_id == nodes[i - 1].node_id  # type: ignore[union-attr]
        else:
            assert prv is None, "the first node has a PREVIOUS"


def first_stage(doc: Document, pieces: int) -> list[BaseNode]:
    """``doc`` cut at paragraph breaks into ``pieces`` chunks with exact offsets, as a correct first parser would."""
    text = doc.text
    cuts = [0]
    for k in range(1, pieces):
        cuts.append(text.index("\n\n", len(text) * k // pieces) + 2)
    cuts.append(len(text))
    source = doc.as_related_node_info()
    return [
        TextNode(
            text=text[a:b],
            start_char_idx=a,
            end_char_idx=b,
            metadata=dict(doc.metadata),
            relationships={NodeRelationship.SOURCE: source},
        )
        for a, b in zip(cuts, cuts[1:], strict=False)
    ]


class NodeParserContract:
    """The contract; subclass it (see the module docs)."""

    variants: ClassVar[dict[str, Any]] = {}
    expected_failures: ClassVar[dict[str, str]] = {}

    def make_parser(self, **overrides: Any) -> NodeParser:
        raise NotImplementedError

    @pytest.fixture(autouse=True)
    def _expected_failure(self, request: pytest.FixtureRequest) -> None:
        node = request.node
        reason = self.expected_failures.get(node.name) or self.expected_failures.get(
            getattr(node, "originalname", node.name)
        )
        if reason:
            node.add_marker(pytest.mark.xfail(reason=reason, strict=True))

    def parse(self, parser: NodeParser, text: str, **metadata: Any) -> tuple[Document, list[BaseNode]]:
        doc = Document(text=text, id_="contract-doc", metadata={"source": "contract.txt", **metadata})
        return doc, parser.get_nodes_from_documents([doc])

    # -- offsets ----------------------------------------------------------------------------------------------

    @pytest.mark.parametrize("kind", list(TEXTS))
    def test_exact_offsets(self, kind: str) -> None:
        doc, nodes = self.parse(self.make_parser(), TEXTS[kind])
        check_exact_offsets(nodes, doc.text)

    async def test_exact_offsets_async(self) -> None:
        parser = self.make_parser()
        doc = Document(text=REPEATED, id_="contract-doc")
        nodes = await parser.aget_nodes_from_documents([doc])
        check_exact_offsets(nodes, doc.text)
        assert contents(nodes) == contents(parser.get_nodes_from_documents([doc]))

    def test_offsets_when_chained_index_the_original(self) -> None:
        """Given chunks of a document (exact offsets, SOURCE set), nodes slice the original, whose id is SOURCE."""
        doc = Document(text=REPEATED, id_="contract-doc", metadata={"source": "contract.txt"})
        nodes = self.make_parser()(first_stage(doc, pieces=3))
        check_exact_offsets(nodes, doc.text)
        for node in nodes:
            assert node.source_node is not None
            assert node.source_node.node_id == doc.id_

    # -- relationships and metadata -----------------------------------------------------------------------------

    def test_relationships(self) -> None:
        doc, nodes = self.parse(self.make_parser(), MIXED)
        assert len(nodes) > 1
        check_relationships(nodes, doc)

    def test_parent_metadata_reaches_every_node_unshared(self) -> None:
        doc, nodes = self.parse(self.make_parser(), MIXED, tags=["a"])
        for node in nodes:
            assert node.metadata["source"] == "contract.txt"
        nodes[0].metadata["tags"].append("changed")
        assert doc.metadata["tags"] == ["a"], "a node's metadata shares a mutable value with its document"

    # -- settings -----------------------------------------------------------------------------------------------

    def test_cache_key_sees_every_setting(self, setting: str) -> None:
        doc = Document(text=MIXED, id_="contract-doc")
        base = get_transformation_hash([doc], self.make_parser())
        changed = get_transformation_hash([doc], self.make_parser(**{setting: self.variants[setting]}))
        assert base != changed, f"the ingestion cache key ignores {setting!r}"

    def test_to_dict_from_dict_round_trip(self) -> None:
        parser = self.make_parser()
        cls = type(parser)
        again = cls.from_dict(parser.to_dict())
        assert again == parser
        assert cls.from_json(parser.to_json()) == parser
        doc = Document(text=MIXED, id_="contract-doc")
        assert contents(again.get_nodes_from_documents([doc])) == contents(parser.get_nodes_from_documents([doc]))

    def test_class_name_is_its_own(self) -> None:
        parser = self.make_parser()
        assert parser.to_dict()["class_name"] not in ("base_component", "NodeParser", "TransformComponent")

    def test_pickling_keeps_every_setting(self, setting: str) -> None:
        parser = self.make_parser(**{setting: self.variants[setting]})
        again = pickle.loads(pickle.dumps(parser))
        assert again.to_dict() == parser.to_dict()
        doc = Document(text=MIXED, id_="contract-doc")
        assert contents(again.get_nodes_from_documents([doc])) == contents(parser.get_nodes_from_documents([doc]))

    def test_pickling_base(self) -> None:
        parser = self.make_parser()
        again = pickle.loads(pickle.dumps(parser))
        assert again == parser


def generate_setting_params(metafunc: pytest.Metafunc) -> None:
    """Parametrise ``setting`` over the class's ``variants``; call it from the module's ``pytest_generate_tests``."""
    if "setting" in metafunc.fixturenames and metafunc.cls is not None:
        names = list(getattr(metafunc.cls, "variants", {}))
        metafunc.parametrize("setting", names, ids=names)
