"""``AdaptiveNodeParser``: a LlamaIndex ``NodeParser`` over the adaptive engine (a thin adapter).

Each text node is chunked by the candidate that scores best on the intrinsic metrics. The nodes it emits:

- slice their source exactly: ``source.text[start_char_idx:end_char_idx] == node.text``. Offsets come from spans,
  never from ``str.find`` (LlamaIndex's own ``_postprocess_parsed_nodes`` searches the text and overwrites offsets,
  so this parser overrides it). When the input node is itself a chunk, SOURCE points at the original document
  and the offsets index the original text; when that input has no trustworthy offsets, they are ``None``;
- carry SOURCE, PREVIOUS and NEXT relationships (PREVIOUS/NEXT between neighbours sharing a source);
- carry the flat metadata of :mod:`adaptive_splitters.output.records` merged over the parent's; the keys in
  :data:`EXCLUDED_KEYS` and the winner's notes are neither embedded nor sent to an LLM;
- have deterministic ids keyed by the input document's id (:mod:`adaptive_splitters.output.ids`): distinct
  documents never share node ids, and the same documents get the same ids on every run. A custom ``id_func`` is
  rejected (it receives no offsets). Give documents stable ids: LlamaIndex's default ids are random.

Non-text nodes pass through untouched. The settings are pydantic fields generated from
:class:`~adaptive_splitters.core.config.ChunkerConfig` (the same names, defaults and checks as the engine; an
unknown one raises), so ``to_dict()``, the ingestion cache key and the pickling for ``num_workers > 1`` all see
them. A setting holding an object (an embedder, a model, a callable) is not serialisable: ``to_dict`` records its
type (an embedder also by its model name and input window, so the ingestion cache tells named models apart),
``from_dict`` asks for it again (``AdaptiveNodeParser.from_dict(data, llm=model)``), and pickling fails
loudly when it cannot be pickled. ``import adaptive_splitters`` does not import this module.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from llama_index.core.bridge.pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    create_model,
    field_validator,
    model_serializer,
    model_validator,
)
from llama_index.core.node_parser import NodeParser
from llama_index.core.node_parser.node_utils import default_id_func
from llama_index.core.schema import BaseNode, Document
from pydantic import AliasChoices

from adaptive_splitters.core import config
from adaptive_splitters.core.config import ChunkerConfig
from adaptive_splitters.embeddings.resolve import embedder_label
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.integrations._pickling import require_picklable
from adaptive_splitters.integrations.llama_index_embedding import MiniLMEmbedding
from adaptive_splitters.integrations.llama_index_nodes import (
    EXCLUDED_KEYS,
    chunk_node,
    link_neighbours,
    node_unit,
    plan_nodes,
)
from adaptive_splitters.output.records import emit_units

__all__ = ["EXCLUDED_KEYS", "AdaptiveNodeParser", "MiniLMEmbedding"]

logger = logging.getLogger(__name__)
SETTINGS = tuple(spec.name for spec in config.exposed(adapter=True))
"""The engine settings that are this parser's fields."""
_PLAIN = (str, int, float, bool, type(None))


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


class _AdaptiveNodeParser(NodeParser):
    """Split each node with the candidate chunker that scores best on the intrinsic metrics (see the module)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    _engine: AdaptiveChunker | None = PrivateAttr(default=None)
    _engine_key: tuple[Any, ...] | None = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=_Lock)

    @classmethod
    def class_name(cls) -> str:
        return "AdaptiveNodeParser"

    @field_validator("id_func", mode="before")
    @classmethod
    def _only_default_id_func(cls, value: Any) -> Any:
        if value is None or value is default_id_func:
            return default_id_func
        if isinstance(value, Mapping) and value.get("id_func_name") == default_id_func.__name__:
            return default_id_func  # what to_dict() writes for the default
        msg = "AdaptiveNodeParser does not take id_func: node ids are deterministic, and id_func receives no offsets"
        raise ValueError(msg)

    @model_validator(mode="before")
    @classmethod
    def _restorable_objects(cls, data: Any) -> Any:
        for name, value in data.items() if isinstance(data, Mapping) else ():
            if name in SETTINGS and isinstance(value, str) and value.startswith(f"<{name} object "):
                msg = (
                    f"this parser was serialised with a {name} object ({value}), which cannot be restored; "
                    f"pass it again: AdaptiveNodeParser.from_dict(data, {name}=...)"
                )
                raise ValueError(msg)
        return data

    @model_serializer(mode="wrap")
    def _serialise(self, handler: Any) -> Any:
        data = handler(self)
        for name in SETTINGS:
            value = getattr(self, name)
            if not _serialisable(value):
                kind = type(value)
                label = f" {embedder_label(value)}" if name == "embedder" else ""  # two models: two cache keys
                data[name] = f"<{name} object {kind.__module__}.{kind.__qualname__}{label}>"
        return data

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        self._chunker()  # invalid settings fail here, with the engine's message

    def _chunker(self) -> AdaptiveChunker:
        """The engine for the current settings (rebuilt when a field was assigned since the last build).

        Only this build is locked: the engine itself is shared by every thread that parses with this parser."""
        values = {name: getattr(self, name) for name in SETTINGS}
        key = tuple(v if isinstance(v, _PLAIN) else (repr(v) if _serialisable(v) else id(v)) for v in values.values())
        with self._lock:
            if self._engine is None or self._engine_key != key:
                settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in values.items()}
                config = ChunkerConfig.from_settings("AdaptiveNodeParser", settings, hard_limit=True)
                self._engine = AdaptiveChunker(config)
                self._engine_key = key
            return self._engine

    @property
    def max_tokens(self) -> int:
        """The alias of ``chunk_size``: the size in force (derived from the embedder when ``chunk_size`` is
        ``None``)."""
        return self._chunker().chunk_size

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

        Raises ``TypeError`` for a setting object that cannot be pickled, rather than dropping it silently as
        LlamaIndex's ``BaseComponent`` would (the worker would then run with another model, or none).
        """
        for name in SETTINGS:
            require_picklable(getattr(self, name), "AdaptiveNodeParser", name, "give it by name or num_workers=1")
        state = BaseModel.__getstate__(self)
        fields = dict(state["__dict__"])  # a copy: BaseComponent's version deletes from the live __dict__
        for key, value in list(fields.items()):
            if key in SETTINGS:
                continue
            try:
                pickle.dumps(value)
            except Exception:  # e.g. a callback manager with unpicklable handlers, as BaseComponent does
                logger.warning("AdaptiveNodeParser: not pickling the unpicklable attribute %s", key)
                del fields[key]
        # the engine, its key and the lock are rebuilt by __init__, which BaseComponent.__setstate__ calls
        return {**state, "__dict__": fields, "__pydantic_private__": None}

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        """Chunk every text node (a corpus run: identical texts once, a bar over characters with ``show_progress``);
        relationships, metadata and offsets are final here (see the module docs)."""
        engine = self._chunker()
        plans = plan_nodes(nodes)
        units = {i: node_unit(nodes[i], plan) for i, plan in enumerate(plans) if plan is not None}
        chunks = emit_units(engine, list(units.values()), show_progress=show_progress)
        emitted = dict(zip(units, chunks, strict=True))
        out: list[BaseNode] = []
        for i, (node, plan) in enumerate(zip(nodes, plans, strict=True)):
            if plan is None:
                out.append(node)  # non-text: untouched
            else:
                out.extend(chunk_node(node, plan, emitted[i], include_metadata=self.include_metadata))
        if self.include_prev_next_rel:
            link_neighbours(out, {id(n) for n, p in zip(nodes, plans, strict=True) if p is None})
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


def _serialisable(value: Any) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (list, tuple)):
        return all(_serialisable(v) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _serialisable(v) for k, v in value.items())
    return False


def _field(spec: Any) -> tuple[Any, Any]:
    help_text = spec.metadata["help"]
    aliases = [alias for alias, name in config.SETTING_ALIASES.items() if name == spec.name]
    if aliases:
        choices = AliasChoices(spec.name, *aliases)
        return (Any, Field(default=spec.default, validation_alias=choices, description=help_text))
    return (Any, Field(default=spec.default, description=help_text))


_FIELDS: dict[str, Any] = {spec.name: _field(spec) for spec in config.exposed(adapter=True)}
AdaptiveNodeParser = create_model(  # the fields are the engine's settings, declared once in ChunkerConfig
    "AdaptiveNodeParser", __base__=_AdaptiveNodeParser, __module__=__name__, **_FIELDS
)
AdaptiveNodeParser.__doc__ = _AdaptiveNodeParser.__doc__
