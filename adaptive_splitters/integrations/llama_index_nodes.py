"""LlamaIndex nodes from emitted chunks: which input nodes are text, their id keys and offsets, the TextNodes
with relationships, and PREVIOUS/NEXT links (the node parser's translation, kept apart to keep it short)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from llama_index.core.schema import (
    BaseNode,
    ImageDocument,
    ImageNode,
    IndexNode,
    MetadataMode,
    Node,
    NodeRelationship,
    RelatedNodeInfo,
    TextNode,
)

from adaptive_splitters.output.ids import text_key, unique_keys
from adaptive_splitters.output.records import ADAPTIVE_KEYS, LEVEL_KEYS, NEIGHBOUR_KEYS, Emitted
from adaptive_splitters.output.units import Unit

EXCLUDED_KEYS = ADAPTIVE_KEYS
"""Metadata keys added per chunk that are neither embedded nor sent to an LLM (with the winner's notes, such as
``llm_regex_pattern``); ``section`` and pages are."""

LEVEL = "adaptive_level"
"""The metadata key of a parent's level; chunks have none."""
_UNIT_ONLY_KEYS = ("start_index", "end_index", "adaptive_source", "adaptive_parent_id", *NEIGHBOUR_KEYS)
"""Record keys a node says otherwise: ``start_char_idx``, ``end_char_idx``, ``ref_doc_id``, PARENT, PREVIOUS and
NEXT."""


@dataclass(frozen=True)
class Plan:
    """How one text node is chunked: its id key, its page label, and the shift into the original source."""

    key: str
    shift: int | None
    page_labels: tuple[int | str, ...] | None


def _check_encodable(node: BaseNode, text: str) -> None:
    """Raise ``ValueError`` for text LlamaIndex cannot hash (lone surrogates), naming the node and the offset."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        msg = (
            f"node {node.node_id!r} has a lone surrogate ({text[err.start]!r}) at offset {err.start}: LlamaIndex "
            "hashes node text as UTF-8 (node.hash, docstores, ingestion caches) and cannot take it; replace it "
            "first, e.g. text.encode('utf-8', 'replace').decode()"
        )
        raise ValueError(msg) from err


def _is_text(node: BaseNode) -> bool:
    if isinstance(node, (ImageNode, IndexNode, ImageDocument)):
        return False
    if isinstance(node, TextNode):
        return True
    if isinstance(node, Node):  # Document and the multimodal Node: text only when no other media
        return node.image_resource is None and node.audio_resource is None and node.video_resource is None
    return False


def plan_nodes(nodes: Sequence[BaseNode]) -> list[Plan | None]:
    """A plan per text node (``None`` for a non-text node).

    The id key is the node's own id, or its SOURCE's when the node is a chunk of a document (with the offsets
    then shifted into the original), made unique within the call by :func:`~.output.records.unique_keys`:
    distinct documents never share node ids, and the same documents give the same ids on every run.
    """
    entries: list[tuple[int, str, str, int | None, tuple[int | str, ...] | None]] = []
    for i, node in enumerate(nodes):
        if not isinstance(node, BaseNode):
            msg = f"nodes[{i}] is {type(node).__name__}, not a LlamaIndex node"
            raise TypeError(msg)
        if not _is_text(node):
            continue
        text = node.get_content(metadata_mode=MetadataMode.NONE)
        metadata = node.metadata
        page = metadata.get("page", metadata.get("page_label"))
        labels: tuple[int | str, ...] | None = None
        if isinstance(page, (int, str)) and not isinstance(page, bool):
            labels = (page,)
        shift = _shift(node, text)
        origin = node.source_node.node_id if node.source_node is not None else node.node_id
        key = origin if shift is not None else f"{origin}#sha256={text_key(text)}"
        entries.append((i, key, text, shift, labels))
    keys = unique_keys([(key, text, shift or 0) for _, key, text, shift, _ in entries])
    plans: list[Plan | None] = [None] * len(nodes)
    for (i, _, _, shift, labels), key in zip(entries, keys, strict=True):
        plans[i] = Plan(key, shift, labels)
    return plans


def _shift(node: BaseNode, text: str) -> int | None:
    """The offset of ``node``'s text in its SOURCE's text, when the node is a chunk whose offsets hold."""
    if node.source_node is None:
        return 0
    start = getattr(node, "start_char_idx", None)
    end = getattr(node, "end_char_idx", None)
    if start is None or end is None or end - start != len(text):
        return None
    return int(start)


def _with_keys(keys: Sequence[str], notes: Sequence[str]) -> list[str]:
    return [*keys, *(k for k in (*EXCLUDED_KEYS, *notes) if k not in keys)]


def link_neighbours(nodes: list[BaseNode], passed: set[int]) -> None:
    """PREVIOUS/NEXT between neighbouring emitted nodes of one level that share a SOURCE (as LlamaIndex does): each
    level is linked in its own order, so two levels interleaved per input node keep one chain each."""
    last: dict[Any, BaseNode] = {}
    for node in nodes:
        if id(node) in passed or node.source_node is None:
            last.clear()  # a node passed through (not chunked) ends every chain, as it did with one level
            continue
        level = node.metadata.get(LEVEL)
        before = last.get(level)
        if (
            before is not None
            and before.source_node is not None
            and before.source_node.node_id == node.source_node.node_id
        ):
            before.relationships[NodeRelationship.NEXT] = node.as_related_node_info()
            node.relationships[NodeRelationship.PREVIOUS] = before.as_related_node_info()
        last[level] = node


def node_unit(node: BaseNode, plan: Plan) -> Unit:
    """The unit one text node is chunked as: its text (checked to be hashable by LlamaIndex), keyed by the plan."""
    text = node.get_content(metadata_mode=MetadataMode.NONE)
    _check_encodable(node, text)
    return Unit(text, {}, plan.key, None, plan.page_labels, id_offset=plan.shift or 0)


def chunk_node(node: BaseNode, plan: Plan, emitted: Sequence[Emitted], *, include_metadata: bool) -> list[TextNode]:
    """The TextNodes of one text node from its unit's emitted chunks (:func:`node_unit`,
    :func:`~adaptive_splitters.output.records.emit_units`): exact (shifted) offsets, SOURCE relationship,
    inherited metadata."""
    source = node.source_node or node.as_related_node_info()
    inherited: dict[str, Any] = {}
    if include_metadata:  # the parent's values, over the original's when the parent is a chunk
        inherited = {**source.metadata, **node.metadata} if node.source_node is not None else dict(node.metadata)
    for key in LEVEL_KEYS:  # an input that was one of our parents: its chunks are no parents
        inherited.pop(key, None)
    out = [_text_node(node, e, plan.shift, source, inherited) for e in emitted]
    by_id = {n.node_id: n for n in out}
    for e, child in zip(emitted, out, strict=True):  # two levels: PARENT and CHILD as HierarchicalNodeParser sets them
        if e.parent is not None:
            parent = by_id[e.parent]
            child.relationships[NodeRelationship.PARENT] = _bare(parent)
            children = parent.relationships.setdefault(NodeRelationship.CHILD, [])
            children.append(_bare(child))  # type: ignore[union-attr]
    return out


def _bare(node: BaseNode) -> RelatedNodeInfo:
    """A link to ``node`` without a copy of its metadata (a parent of twenty chunks would carry twenty copies)."""
    return RelatedNodeInfo(node_id=node.node_id, node_type=node.get_type(), hash=node.hash)


def _text_node(
    node: BaseNode, e: Emitted, shift: int | None, source: RelatedNodeInfo, inherited: dict[str, Any]
) -> TextNode:
    added = {k: v for k, v in e.metadata.items() if k not in _UNIT_ONLY_KEYS}
    notes = [k for k in e.note_keys if k not in inherited]
    return TextNode(
        id_=e.id,
        text=e.text,
        start_char_idx=e.start + shift if shift is not None else None,
        end_char_idx=e.end + shift if shift is not None else None,
        metadata={**copy.deepcopy(inherited), **added},
        excluded_embed_metadata_keys=_with_keys(node.excluded_embed_metadata_keys, notes),
        excluded_llm_metadata_keys=_with_keys(node.excluded_llm_metadata_keys, notes),
        metadata_separator=node.metadata_separator,
        metadata_template=node.metadata_template,
        text_template=getattr(node, "text_template", TextNode.model_fields["text_template"].default),
        relationships={NodeRelationship.SOURCE: source},
    )
