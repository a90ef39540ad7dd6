"""Every engine setting, declared once: name, default, check and help (docs/method.md#overview).

:class:`ChunkerConfig` is the one place a setting exists. The engine is built from it, the LangChain adapter
passes its keyword settings through :meth:`ChunkerConfig.from_settings`, the LlamaIndex node parser's pydantic
fields and the command line's options are generated from :func:`settings`, so a setting added here appears
everywhere with the same name, default and error message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, get_args

from adaptive_splitters.core import checks

DEFAULT_LLM_TIMEOUT = 60.0
LONG_TEXT_MODES = ("sentences", "pool", "truncate")
SELECTION_RULES = ("fair", "paper")
PAIR_SOURCES = ("heuristic", "none")
KeepSeparator = Literal["start", "end"]
SETTING_ALIASES = MappingProxyType({"max_tokens": "chunk_size"})
"""Other names settings are accepted by (alias -> setting; LlamaIndex's ``max_tokens``), declared once for the
engine, both adapters and the command line."""
KEEP_SEPARATOR: tuple[str, ...] = get_args(KeepSeparator)


def setting(
    default: Any,
    check: checks.Check,
    help: str,
    *,
    cli: str | None = None,
    adapters: bool = True,
    serialisable: bool = True,
) -> Any:
    """A :class:`ChunkerConfig` field with its check and help.

    ``cli`` is the option's value kind on the command line (``int``, ``float``, ``choice``, ``names``, ``object``,
    ``flag``; ``None``: not an option). ``adapters=False`` keeps it off the adapters (they fix it);
    ``serialisable=False`` marks a runtime object that no framework can serialise.
    """
    meta = {"check": check, "help": help, "cli": cli, "adapters": adapters, "serialisable": serialisable}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ChunkerConfig:
    """The settings of one :class:`~adaptive_splitters.engine.AdaptiveChunker`, checked on construction."""

    candidates: tuple[Any, ...] | None = setting(
        None,
        checks.optional(checks.sequence_of_names),
        "candidate names or objects (default: recursive_{chunk_size}, recursive_{chunk_size*6/11}, page)",
        cli="names",
    )
    metrics: tuple[Any, ...] | None = setting(
        None,
        checks.optional(checks.sequence_of_names),
        "metric names or objects (default: SC, BI, RC, ICC, DCC, SR and every registered metric)",
        cli="names",
    )
    weights: dict[str, float] | None = setting(
        None,
        checks.optional(checks.mapping),
        "metric weights keyed by metric name (default: SR alone where defined, else the paper's 0.2 each; other"
        " metrics add their own)",
    )
    chunk_size: int | None = setting(
        None,
        checks.optional(checks.positive_int),
        "the maximum chunk size in tokens (alias: max_tokens; default: half the embedder's input window, at most"
        " 1100: 128 for the bundled model, 256 when the window is unknown)",
        cli="int",
    )
    parent_size: int | None = setting(
        None,
        checks.optional(checks.positive_int),
        "the size in tokens of the context units (parents) the chosen chunks are grouped into, chosen per document"
        " by the paper's five metrics; larger than chunk_size (default: none, one level)",
        cli="int",
    )
    min_tokens: int | None = setting(
        None,
        checks.optional(checks.non_negative_int),
        "chunks under this are merged (default: min(100, size/11))",
        cli="int",
    )
    merge_limit: int | None = setting(
        None,
        checks.optional(checks.positive_int),
        "merging stops at this many tokens (default: chunk_size + 50)",
        cli="int",
    )
    hard_limit: bool = setting(
        False, checks.boolean, "no post-processed chunk exceeds chunk_size (the adapters set it)", adapters=False
    )
    tokenizer: Any = setting("o200k_base", checks.anything, "a tiktoken encoding name or a counting callable")
    embedder: Any = setting(None, checks.anything, "the embedding model for ICC and DCC (default: bundled MiniLM)")
    long_texts: str = setting(
        "sentences",
        checks.one_of(*LONG_TEXT_MODES),
        "how the embedding metrics embed a text: sentences (sentence by sentence, the vectors averaged, so every"
        " candidate shares them), pool (block by block, averaged) or truncate (whole, the model cutting it at its"
        " window, as the paper did)",
        cli="choice",
    )
    selection: str = setting(
        "fair",
        checks.one_of(*SELECTION_RULES),
        "how candidates are compared: fair (weighted mean over the metrics defined for every candidate) or paper "
        "(each candidate's mean over the metrics defined for it, as the paper did)",
        cli="choice",
    )
    pairs: Any = setting(
        "heuristic",
        checks.choice_or_callable(*PAIR_SOURCES),
        "RC's entity-pronoun pairs when the document has none: heuristic, none, or a callable text -> pairs",
        cli="choice",
    )
    keep_separator: KeepSeparator = setting(
        "start",
        checks.one_of(*KEEP_SEPARATOR),
        "where the recursive splitter keeps the separator it cuts at: start (the next chunk starts with it: '. It"
        " ...', as the paper and LangChain do) or end (a chunk ends with its period or line break and the next"
        " starts with a word)",
        cli="choice",
    )
    carry_headings: bool = setting(
        True,
        checks.boolean,
        "move headings that end a chunk to the start of the next, the section they open (the paper's configuration"
        " leaves them)",
        cli="flag",
    )
    raw: bool = setting(False, checks.boolean, "skip post-processing", adapters=False)
    llm: Any = setting(
        None,
        checks.anything,
        "a chat model, LLM or callable prompt -> text: adds the llm_regex candidate",
        cli="object",
    )
    llm_timeout: float = setting(
        DEFAULT_LLM_TIMEOUT, checks.positive_number, "seconds to wait for the llm's answer", cli="float"
    )
    embedding_cache: Any = setting(
        None, checks.anything, "an embedding cache shared across documents", adapters=False, serialisable=False
    )

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            checked = spec.metadata["check"](spec.name, getattr(self, spec.name))
            object.__setattr__(self, spec.name, checked)

    @classmethod
    def from_settings(
        cls, owner: str, settings: Mapping[str, Any], *, adapter: bool = False, **fixed: Any
    ) -> ChunkerConfig:
        """The config of ``owner`` (a class name, for messages) from its keyword ``settings`` and the ``fixed``
        ones it sets itself; ``adapter=True`` refuses the settings adapters do not expose.

        :data:`SETTING_ALIASES` are accepted (``max_tokens`` for ``chunk_size``). Raises ``TypeError`` naming an
        unknown setting.
        """
        values = dict(settings)
        for alias, name in SETTING_ALIASES.items():
            if alias in values:
                value = values.pop(alias)
                if values.get(name) is not None and values[name] != value:
                    msg = f"{owner}: give {name} or its alias {alias}, not both"
                    raise ValueError(msg)
                values[name] = value
        known = {spec.name for spec in exposed(adapter=adapter)} - set(fixed)
        unknown = sorted(set(values) - known)
        if unknown:
            msg = f"{owner} got an unknown setting {unknown[0]!r}; its settings are: {', '.join(sorted(known))}"
            raise TypeError(msg)
        return cls(**values, **fixed)

    @classmethod
    def paper(cls, **overrides: Any) -> ChunkerConfig:
        """The paper's configuration by name (docs/method.md#reproducing-the-paper): its recursive and page
        candidates at 1100 tokens, its five metrics, its selection rule, texts embedded whole, separators kept at
        the start of a chunk and no heading carried; ``overrides`` change any setting (``llm=`` adds its
        LLM-regex candidate)."""
        paper = {
            "candidates": ("recursive_1100", "recursive_600", "page"),
            "metrics": ("SC", "BI", "RC", "ICC", "DCC"),
            "chunk_size": 1100,
            "selection": "paper",
            "long_texts": "truncate",
            "keep_separator": "start",
            "carry_headings": False,
        }
        overridden = {SETTING_ALIASES.get(name, name) for name in overrides}
        kept = {name: value for name, value in paper.items() if name not in overridden}
        return cls.from_settings("ChunkerConfig.paper", {**kept, **overrides})

    def changed(self) -> dict[str, Any]:
        """The settings that differ from their defaults (for reprs)."""
        return {spec.name: getattr(self, spec.name) for spec in settings() if getattr(self, spec.name) != spec.default}


def settings() -> tuple[dataclasses.Field[Any], ...]:
    """Every setting's field: ``name``, ``default`` and ``metadata`` (``check``, ``help``, ``cli``, ...)."""
    return dataclasses.fields(ChunkerConfig)


def exposed(*, adapter: bool) -> list[dataclasses.Field[Any]]:
    """The settings the engine takes (``adapter=False``: all) or an adapter exposes (not ``adapters=False``)."""
    return [spec for spec in settings() if not adapter or spec.metadata["adapters"]]
