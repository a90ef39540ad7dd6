"""``AdaptiveNodeParser``: a LlamaIndex ``NodeParser`` over the adaptive engine (a thin adapter).

Each text node is chunked by the candidate that scores best on the intrinsic metrics. The nodes it emits:

- slice their source exactly: ``source.text[start_char_idx:end_char_idx] == node.text``. Offsets come from spans,
  never from ``str.find`` (LlamaIndex's own ``_postprocess_parsed_nodes`` searches the text and overwrites offsets,
  so this parser overrides it). When the input node is itself a chunk (a parser ran before this one), SOURCE points
  at the original document and the offsets are shifted by the input's ``start_char_idx``, so they index the
  original text; when that input has no trustworthy offsets, the offsets are ``None`` rather than wrong;
- carry SOURCE, PREVIOUS and NEXT relationships (PREVIOUS/NEXT between neighbours sharing a source);
- carry flat metadata as the LangChain adapter does (:mod:`~adaptive_splitters.output.records`): ``adaptive_candidate``,
  ``adaptive_objective``, ``adaptive_scores`` (a JSON string), ``chunk_index`` and, when known, ``page_start``,
  ``page_end`` and ``section``, merged over the parent's metadata (and ``llm_regex_pattern`` or
  ``llm_regex_fallback`` when the ``llm_regex`` candidate won). The keys in :data:`EXCLUDED_KEYS` are neither
  embedded nor sent to an LLM;
- have deterministic ids, ``uuid5(ID_NAMESPACE, f"{key}|{start}|{end}")``, where ``key`` is the input node's id
  (its SOURCE's id when the input is itself a chunk, with offsets into the original), made unique within a call
  (see :func:`adaptive_splitters.output.records.unique_keys`): distinct documents never share node ids, and the same
  documents (same id and text) get the same node ids on every run. LlamaIndex's ``id_func`` cannot carry this
  recipe (it receives no offsets), so a custom ``id_func`` is rejected. Give documents stable ids
  (``SimpleDirectoryReader(filename_as_id=True)`` or ``Document(id_=...)``): LlamaIndex gives them random ids by
  default, and then node ids change with every load.

Non-text nodes (images, index nodes, multimodal documents) pass through untouched.

Every setting that changes the output is a public pydantic field, so ``to_dict()``, the ``IngestionPipeline``
cache key and the pickling done for ``num_workers > 1`` all see it; ``from_dict(p.to_dict()) == p``. Importing
this module imports ``llama_index.core``; ``import adaptive_splitters`` does not.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import pickle
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.bridge.pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_serializer,
    field_validator,
)
from llama_index.core.node_parser import NodeParser
from llama_index.core.node_parser.node_utils import default_id_func
from llama_index.core.schema import (
    BaseNode,
    Document,
    ImageDocument,
    ImageNode,
    IndexNode,
    MetadataMode,
    Node,
    NodeRelationship,
    RelatedNodeInfo,
    TextNode,
)
from llama_index.core.utils import get_tqdm_iterable
from pydantic import AliasChoices, FieldSerializationInfo

from adaptive_splitters.engine import DEFAULT_LLM_TIMEOUT, AdaptiveChunker
from adaptive_splitters.output.records import Unit, emit_unit, require_picklable, text_key, unique_keys

__all__ = ["EXCLUDED_KEYS", "AdaptiveNodeParser", "MiniLMEmbedding"]

logger = logging.getLogger(__name__)

EXCLUDED_KEYS = (
    "adaptive_candidate",
    "adaptive_objective",
    "adaptive_scores",
    "chunk_index",
    "llm_regex_pattern",
    "llm_regex_fallback",
)
"""Metadata keys added per chunk that are neither embedded nor sent to an LLM (``section`` and pages are)."""

_UNIT_ONLY_KEYS = ("start_index", "end_index")  # the node's start_char_idx/end_char_idx say it (shifted)
_OBJECT_PREFIXES = {"embedder": "<embedder object ", "llm": "<llm object "}


class _Lock:
    """A lock that copies as a new lock, so ``copy.deepcopy`` and ``model_copy(deep=True)`` work."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> bool:
        return self._lock.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._lock.__exit__(*exc)

    def __deepcopy__(self, memo: dict[int, Any]) -> _Lock:
        return _Lock()


class AdaptiveNodeParser(NodeParser):
    """Split each node with the candidate chunker that scores best on the intrinsic metrics.

    Args:
        candidates: candidate names (default ``None``: ``recursive_{chunk_size}``,
            ``recursive_{round(chunk_size*6/11)}`` and ``page``); see :mod:`adaptive_splitters.candidates`.
        weights: metric weights keyed ``SC``, ``BI``, ``RC``, ``ICC``, ``DCC`` (default equal).
        embedder: the embedding model for ICC/DCC, by name or path (serialisable; default the bundled
            all-MiniLM-L6-v2). An object (a sentence-transformers model, a callable) is accepted but is **not
            serialisable**: ``to_dict`` records only its type, so the ingestion cache cannot tell two such objects
            apart, ``from_dict`` refuses to rebuild it, and pickling (``num_workers > 1``) fails loudly when the
            object cannot be pickled, rather than silently replacing it.
        tokenizer: a tiktoken encoding name available offline (``o200k_base`` or ``cl100k_base``).
        long_texts: ``pool`` (block-wise embeddings, pooled) or ``truncate`` (the paper's).
        selection: ``fair`` or ``paper``.
        min_tokens: chunks under this are merged (default ``min(100, round(chunk_size / 11))``).
        chunk_size: the maximum chunk size in tokens, a hard limit: no emitted node exceeds it (``max_tokens``
            is accepted as an alias). Unknown settings raise.
        merge_limit: the merge limit, capped at ``chunk_size``.
        metrics: the metrics to compute (default all five: ``SC``, ``BI``, ``RC``, ``ICC``, ``DCC``).
        pairs: where RC's entity-pronoun pairs come from: ``heuristic`` (offline) or ``none`` (RC undefined).
        llm: a LangChain chat model, a LlamaIndex LLM or a callable (sync or async) prompt -> text: adds the
            ``llm_regex`` candidate (or binds the name ``llm_regex`` in ``candidates``). When it wins, nodes carry
            ``llm_regex_pattern`` or ``llm_regex_fallback``. Like an embedder object it is **not serialisable**:
            ``to_dict`` records only its type, ``from_dict`` refuses to restore it unless it is passed again
            (``AdaptiveNodeParser.from_dict(data, llm=model)``), and pickling fails loudly when it cannot be pickled.
        llm_timeout: seconds to wait for the llm's answer before ``llm_regex`` falls back (default 60).
        include_metadata, include_prev_next_rel: as in every LlamaIndex ``NodeParser``.
    """

    candidates: list[str] | None = Field(
        default=None, description="Candidate chunker names; None for recursive_{max}, recursive_{max*6/11}, page."
    )
    weights: dict[str, float] | None = Field(default=None, description="Metric weights (default equal).")
    embedder: Any = Field(
        default=None,
        description="Embedding model name or path (default: bundled all-MiniLM-L6-v2). Objects are not serialisable.",
    )
    tokenizer: str = Field(default="o200k_base", description="Offline tiktoken encoding name.")
    long_texts: Literal["pool", "truncate"] = Field(default="pool", description="Long-text embedding mode.")
    selection: Literal["fair", "paper"] = Field(default="fair", description="Selection rule.")
    min_tokens: int | None = Field(default=None, description="Minimum chunk size (default min(100, size/11)).")
    chunk_size: int = Field(
        default=1100,
        gt=0,
        validation_alias=AliasChoices("chunk_size", "max_tokens"),
        description="Maximum chunk size in tokens (a hard limit); max_tokens is an alias.",
    )
    merge_limit: int | None = Field(default=None, description="Merge limit, capped at chunk_size.")
    metrics: list[str] | None = Field(default=None, description="Metrics to compute (default all five).")
    pairs: Literal["heuristic", "none"] = Field(
        default="heuristic", description="Where RC's entity-pronoun pairs come from (offline heuristic, or none)."
    )
    llm: Any = Field(
        default=None,
        description="A chat model, LLM or callable prompt -> text adding the llm_regex candidate. Not serialisable.",
    )
    llm_timeout: float = Field(
        default=DEFAULT_LLM_TIMEOUT, gt=0, description="Seconds to wait for the llm's answer before falling back."
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    _engine: AdaptiveChunker | None = PrivateAttr(default=None)
    _engine_key: tuple[Any, ...] | None = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=_Lock)

    @classmethod
    def class_name(cls) -> str:
        return "AdaptiveNodeParser"

    # -- settings ---------------------------------------------------------------------------------------------

    @field_validator("id_func", mode="before")
    @classmethod
    def _only_default_id_func(cls, value: Any) -> Any:
        if value is None or value is default_id_func:
            return default_id_func
        if isinstance(value, Mapping) and value.get("id_func_name") == default_id_func.__name__:
            return default_id_func  # what to_dict() writes for the default
        msg = (
            "AdaptiveNodeParser does not take id_func: node ids are deterministic, "
            'uuid5(ID_NAMESPACE, f"{key}|{start}|{end}"), and id_func receives no offsets'
        )
        raise ValueError(msg)

    @field_validator("embedder", "llm", mode="before")
    @classmethod
    def _restorable_object(cls, value: Any, info: ValidationInfo) -> Any:
        name = str(info.field_name)
        if isinstance(value, str) and value.startswith(_OBJECT_PREFIXES[name]):
            msg = (
                f"this parser was serialised with an {name} object ({value}), which cannot be restored; "
                f"pass it again: AdaptiveNodeParser.from_dict(data, {name}=model)"
            )
            raise ValueError(msg)
        return value

    @field_serializer("embedder", "llm")
    def _serialise_object(self, value: Any, info: FieldSerializationInfo) -> Any:
        if value is None or (info.field_name == "embedder" and isinstance(value, str)):
            return value
        kind = type(value)
        return f"{_OBJECT_PREFIXES[str(info.field_name)]}{kind.__module__}.{kind.__qualname__}>"

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        self._chunker()  # invalid settings fail here, with the engine's message

    def _chunker(self) -> AdaptiveChunker:
        """The engine for the current settings (rebuilt when a field was assigned since the last build)."""
        key = self._settings_key()
        if self._engine is None or self._engine_key != key:
            self._engine = AdaptiveChunker(
                candidates=list(self.candidates) if self.candidates is not None else None,
                weights=self.weights,
                embedder=self.embedder,
                tokenizer=self.tokenizer,
                long_texts=self.long_texts,
                selection=self.selection,
                chunk_size=self.chunk_size,
                min_tokens=self.min_tokens,
                merge_limit=self.merge_limit,
                hard_limit=True,
                metrics=self.metrics,
                pairs=self.pairs,
                llm=self.llm,
                llm_timeout=self.llm_timeout,
            )
            self._engine_key = key
        return self._engine

    def _settings_key(self) -> tuple[Any, ...]:
        embedder = self.embedder if self.embedder is None or isinstance(self.embedder, str) else id(self.embedder)
        return (
            repr(self.candidates),
            repr(self.weights),
            embedder,
            self.tokenizer,
            self.long_texts,
            self.selection,
            self.min_tokens,
            self.chunk_size,
            self.merge_limit,
            repr(self.metrics),
            self.pairs,
            None if self.llm is None else id(self.llm),
            self.llm_timeout,
        )

    @property
    def max_tokens(self) -> int:
        """The alias of :attr:`chunk_size`."""
        return self.chunk_size

    @max_tokens.setter
    def max_tokens(self, value: int) -> None:
        self.chunk_size = value

    def __eq__(self, other: object) -> bool:
        """Equal settings (pydantic's default also compares the private engine, so two equal parsers differed)."""
        if type(other) is not type(self):
            return NotImplemented
        names = [name for name in type(self).model_fields if name != "callback_manager"]
        return all(getattr(self, name) == getattr(other, name) for name in names)

    __hash__ = None  # type: ignore[assignment]  # mutable, like every pydantic model

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the public settings only; the engine is rebuilt from them (``num_workers > 1`` does this).

        Raises ``TypeError`` for an embedder or llm object that cannot be pickled, rather than dropping it silently
        as LlamaIndex's ``BaseComponent`` would (the worker would then use another model, or none).
        """
        if not isinstance(self.embedder, str):
            require_picklable(
                self.embedder, "AdaptiveNodeParser", "embedder", "give the embedder by name or path instead"
            )
        require_picklable(self.llm, "AdaptiveNodeParser", "llm", "give a picklable model or run with num_workers=1")
        state = BaseModel.__getstate__(self)
        fields = dict(state["__dict__"])  # a copy: BaseComponent's version deletes from the live __dict__
        for key, value in list(fields.items()):
            if key in ("embedder", "llm"):
                continue
            try:
                pickle.dumps(value)
            except Exception:  # e.g. a callback manager with unpicklable handlers, as BaseComponent does
                logger.warning("AdaptiveNodeParser: not pickling the unpicklable attribute %s", key)
                del fields[key]
        # the engine, its key and the lock are rebuilt by __init__, which BaseComponent.__setstate__ calls
        return {**state, "__dict__": fields, "__pydantic_private__": None}

    # -- parsing ----------------------------------------------------------------------------------------------

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        """Chunk every text node; relationships, metadata and offsets are final here (see the module docs)."""
        with self._lock:
            engine = self._chunker()
            plans = _plan(nodes)
            out: list[BaseNode] = []
            for node, plan in get_tqdm_iterable(list(zip(nodes, plans, strict=True)), show_progress, "Parsing nodes"):
                if plan is None:
                    out.append(node)  # non-text: untouched
                else:
                    out.extend(self._chunk_node(engine, node, plan))
            if self.include_prev_next_rel:
                _link_neighbours(out, {id(n) for n, p in zip(nodes, plans, strict=True) if p is None})
            return out

    async def _aparse_nodes(
        self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any
    ) -> list[BaseNode]:
        """:meth:`_parse_nodes` in a worker thread, so the event loop is not blocked."""
        return await asyncio.to_thread(self._parse_nodes, nodes, show_progress, **kwargs)

    def _postprocess_parsed_nodes(self, nodes: list[BaseNode], parent_doc_map: dict[str, Document]) -> list[BaseNode]:
        """Nothing left to do: :meth:`_parse_nodes` set exact offsets, metadata and relationships.

        LlamaIndex's version re-derives offsets with ``str.find`` and overwrites them, which is wrong on repeated
        text and for chained parsers; it is deliberately not called.
        """
        return nodes

    def _chunk_node(self, engine: AdaptiveChunker, node: BaseNode, plan: _Plan) -> list[TextNode]:
        text = node.get_content(metadata_mode=MetadataMode.NONE)
        _check_encodable(node, text)
        unit = Unit(text, {}, plan.key, None, plan.page_labels, id_offset=plan.shift or 0)
        emitted = emit_unit(engine, unit)
        parent_info = node.as_related_node_info() if node.source_node is None else None
        source = node.source_node or parent_info
        assert source is not None
        inherited: dict[str, Any] = {}
        if self.include_metadata:  # the parent's values, over the original's when the parent is a chunk
            inherited = {**source.metadata, **node.metadata} if node.source_node is not None else dict(node.metadata)
        excluded_embed = _with_keys(node.excluded_embed_metadata_keys)
        excluded_llm = _with_keys(node.excluded_llm_metadata_keys)
        out = []
        shift = plan.shift
        for e in emitted:
            added = {k: v for k, v in e.metadata.items() if k not in _UNIT_ONLY_KEYS}
            out.append(
                TextNode(
                    id_=e.id,
                    text=e.text,
                    start_char_idx=e.start + shift if shift is not None else None,
                    end_char_idx=e.end + shift if shift is not None else None,
                    metadata={**copy.deepcopy(inherited), **added},
                    excluded_embed_metadata_keys=list(excluded_embed),
                    excluded_llm_metadata_keys=list(excluded_llm),
                    metadata_separator=node.metadata_separator,
                    metadata_template=node.metadata_template,
                    text_template=getattr(node, "text_template", TextNode.model_fields["text_template"].default),
                    relationships={NodeRelationship.SOURCE: source},
                )
            )
        return out


class _Plan:
    """How one text node is chunked: its id key, its page label, and the shift into the original source."""

    __slots__ = ("key", "page_labels", "shift")

    def __init__(self, key: str, shift: int | None, page_labels: tuple[int | str, ...] | None) -> None:
        self.key = key
        self.shift = shift
        self.page_labels = page_labels


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


def _plan(nodes: Sequence[BaseNode]) -> list[_Plan | None]:
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
    plans: list[_Plan | None] = [None] * len(nodes)
    for (i, _, _, shift, labels), key in zip(entries, keys, strict=True):
        plans[i] = _Plan(key, shift, labels)
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


def _with_keys(keys: Sequence[str]) -> list[str]:
    return [*keys, *(k for k in EXCLUDED_KEYS if k not in keys)]


def _link_neighbours(nodes: list[BaseNode], passed: set[int]) -> None:
    """PREVIOUS/NEXT between neighbouring emitted nodes that share a SOURCE (as LlamaIndex does)."""
    infos: list[RelatedNodeInfo | None] = [None if id(n) in passed else n.as_related_node_info() for n in nodes]
    for i in range(len(nodes) - 1):
        a, b = nodes[i], nodes[i + 1]
        info_a, info_b = infos[i], infos[i + 1]
        if info_a is None or info_b is None or a.source_node is None or b.source_node is None:
            continue
        if a.source_node.node_id == b.source_node.node_id:
            a.relationships[NodeRelationship.NEXT] = info_b
            b.relationships[NodeRelationship.PREVIOUS] = info_a


class MiniLMEmbedding(BaseEmbedding):
    """The bundled all-MiniLM-L6-v2 as a LlamaIndex embedding model: offline, CPU, normalised vectors.

    An embedding model for ingestion pipelines that works right after ``pip install``; ``embedded`` counts the
    texts it has embedded (private, so it does not change the ingestion cache key).
    """

    _model: Any = PrivateAttr(default=None)
    _embedded: int = PrivateAttr(default=0)

    @classmethod
    def class_name(cls) -> str:
        """``"MiniLMEmbedding"``."""
        return "MiniLMEmbedding"

    @property
    def embedded(self) -> int:
        """How many texts this model has embedded."""
        return self._embedded

    def _encode(self, texts: list[str]) -> list[list[float]]:
        if self._model is None:
            from adaptive_splitters.embeddings import resolve_embedder

            self._model = resolve_embedder()
        self._embedded += len(texts)
        return [[float(x) for x in row] for row in self._model.embed(list(texts))]  # already unit length

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._encode([text])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._encode([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
