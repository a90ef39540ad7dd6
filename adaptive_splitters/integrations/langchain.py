"""``AdaptiveTextSplitter``: a LangChain ``TextSplitter`` over the adaptive engine (a thin adapter).

Every output ``Document`` is a slice of its source at exact offsets (``start_index``/``end_index`` from spans,
never from ``str.find``), carries flat metadata saying which candidate won and why, and has a deterministic
``id``. Per-page input (one ``Document`` per PDF page with ``source`` and ``page``) is joined per source with
:data:`~adaptive_splitters.output.units.PAGE_SEPARATOR`, so the page candidate and the metrics see the whole document.
See :mod:`adaptive_splitters.output.records` and :mod:`adaptive_splitters.output.ids` for the metadata and id rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, Literal, Self

from langchain_core.documents import Document
from langchain_text_splitters import TextSplitter

from adaptive_splitters.core.config import ChunkerConfig
from adaptive_splitters.engine import AdaptiveChunker
from adaptive_splitters.integrations._pickling import require_picklable
from adaptive_splitters.output.records import emit_units
from adaptive_splitters.output.units import PAGE_SEPARATOR, plan_units
from adaptive_splitters.text.tokens import get_encoding

__all__ = ["AdaptiveTextSplitter"]


class AdaptiveTextSplitter(TextSplitter):
    """Split each document with the candidate chunker that scores best on the intrinsic metrics.

    Args:
        chunk_size: the maximum chunk size in tokens, a hard limit: no emitted chunk exceeds it; it also sizes
            the default candidates (``recursive_{chunk_size}``, ``recursive_{chunk_size*6/11}``, ``page``).
            Default: half the embedder's input window (128 tokens for the bundled all-MiniLM-L6-v2).
        chunk_overlap: must be 0; candidates define their own overlap.
        length_function: a ``str -> int`` token counter (as ``from_huggingface_tokenizer`` passes); an
            alternative to ``tokenizer``.
        keep_separator: ``"start"`` or ``"end"`` is the engine's ``keep_separator`` (where the recursive
            candidates keep the separator they cut at; ``True`` means ``"start"``); ``False``, LangChain's default,
            leaves the engine's default (``"start"``).
        add_start_index: accepted for compatibility and ignored: ``start_index``/``end_index`` are always set.
        strip_whitespace: trim whitespace off each chunk (default False, so chunks tile the text).
        group_pages: join the pages of one source before splitting (default: when every input document has
            ``source`` and ``page`` metadata); each chunk carries the metadata of the page its text starts on.
        page_separator: what joins grouped pages (counted in offsets; belongs to the page before it).
        workers: processes for many documents (default 1: this process; ``None``: one per core for a large
            input, as :meth:`AdaptiveChunker.chunk_many`); the chunks are the same either way.
        show_progress: a progress bar over characters on standard error, moving within each document.
        **settings: the engine's settings (:class:`~adaptive_splitters.core.config.ChunkerConfig`: candidates,
            metrics, weights, min_tokens, merge_limit, tokenizer, embedder, long_texts, selection, pairs, llm,
            llm_timeout); an unknown one raises ``TypeError``. With ``llm``, ``Document``s cut by ``llm_regex``
            carry ``llm_regex_pattern`` or ``llm_regex_fallback``; pickling the splitter pickles the model and
            fails with ``TypeError`` when it cannot be pickled.
    """

    def __init__(
        self,
        chunk_size: int | None = None,
        chunk_overlap: int = 0,
        length_function: Callable[[str], int] | None = None,
        keep_separator: bool | Literal["start", "end"] = False,
        add_start_index: bool = True,
        strip_whitespace: bool = False,
        *,
        group_pages: bool | None = None,
        page_separator: str = PAGE_SEPARATOR,
        workers: int | None = 1,
        show_progress: bool = False,
        **settings: Any,
    ) -> None:
        if chunk_overlap != 0:
            msg = (
                f"chunk_overlap must be 0 (received {chunk_overlap!r}): AdaptiveTextSplitter's candidates define "
                "their own overlap (pass e.g. a RecursiveCandidate with chunk_overlap in candidates)"
            )
            raise ValueError(msg)
        if length_function is not None and settings.get("tokenizer") is not None:
            msg = "give either tokenizer or length_function, not both"
            raise ValueError(msg)
        if length_function is not None:
            settings["tokenizer"] = length_function
        if keep_separator is not False:
            settings["keep_separator"] = "start" if keep_separator is True else keep_separator
        config = ChunkerConfig.from_settings(
            "AdaptiveTextSplitter", {**settings, "chunk_size": chunk_size}, adapter=True, hard_limit=True
        )
        self.chunker = AdaptiveChunker(config)
        super().__init__(
            self.chunker.chunk_size, 0, self.chunker.counter, keep_separator, add_start_index, strip_whitespace
        )
        self.group_pages = group_pages
        self.page_separator = page_separator
        self.workers = workers
        self.show_progress = show_progress

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.chunker.config.changed().items() if k != "hard_limit")
        return f"AdaptiveTextSplitter({settings})"

    @classmethod
    def from_tiktoken_encoder(
        cls,
        encoding_name: str = "o200k_base",
        model_name: str | None = None,
        allowed_special: Literal["all"] | Collection[str] | None = None,
        disallowed_special: Literal["all"] | Collection[str] = "all",
        **kwargs: Any,
    ) -> Self:
        """A splitter counting tokens with a tiktoken encoding, loaded offline (``o200k_base`` or
        ``cl100k_base``; another name raises ``ValueError`` naming those). Special tokens count as text."""
        if model_name is not None:
            import tiktoken

            try:
                encoding_name = tiktoken.encoding_name_for_model(model_name)
            except KeyError as err:
                msg = f"unknown model {model_name!r}; pass encoding_name ('o200k_base' or 'cl100k_base')"
                raise ValueError(msg) from err
        get_encoding(encoding_name)  # a clear error now, naming the offline encodings
        return cls(tokenizer=encoding_name, **kwargs)

    def split_text(self, text: str) -> list[str]:
        """The chunk texts of ``text`` (exact slices; see :meth:`create_documents` for offsets)."""
        return [doc.page_content for doc in self.create_documents([text])]

    def create_documents(self, texts: list[str], metadatas: list[dict[Any, Any]] | None = None) -> list[Document]:
        """One ``Document`` per chunk, with exact offsets, flat adaptive metadata and a deterministic id."""
        return [doc for level, doc in self._documents(texts, metadatas) if level == "chunk"]

    def split_with_parents(
        self, documents: Iterable[Document], id_key: str = "doc_id"
    ) -> tuple[list[Document], list[Document]]:
        """The chunks and, with ``parent_size``, the parents they are grouped into: each chunk carries its
        parent's id under ``id_key`` (and ``adaptive_parent_id``), as LangChain's ``MultiVectorRetriever`` reads
        it (its ``id_key``, default ``doc_id``); store the chunks in its vector store and the parents in its
        docstore under their ids."""
        if self.chunker.config.parent_size is None:
            msg = "split_with_parents needs parent_size (the size of the parents, larger than chunk_size)"
            raise ValueError(msg)
        docs = self._documents(*_texts_and_metadatas(documents))
        parents = [doc for level, doc in docs if level == "parent"]
        chunks = [doc for level, doc in docs if level == "chunk"]
        for chunk in chunks:
            chunk.metadata[id_key] = chunk.metadata["adaptive_parent_id"]
        return chunks, parents

    def _documents(self, texts: list[str], metadatas: list[dict[Any, Any]] | None) -> list[tuple[str, Document]]:
        """Every record of ``texts`` as a ``Document``, with its level (``chunk`` or ``parent``)."""
        if isinstance(texts, str):
            msg = "texts must be a list of strings, not one string"
            raise TypeError(msg)
        texts = list(texts)
        metas = list(metadatas) if metadatas is not None else [{}] * len(texts)
        if len(metas) != len(texts):
            msg = f"{len(metas)} metadatas given for {len(texts)} texts"
            raise ValueError(msg)
        metas = [{} if m is None else m for m in metas]
        units = plan_units(list(zip(texts, metas, strict=True)), self.group_pages, self.page_separator)
        emitted = emit_units(
            self.chunker, units, strip=self._strip_whitespace, workers=self.workers, show_progress=self.show_progress
        )
        return [
            (e.level, Document(page_content=e.text, metadata=e.metadata, id=e.id)) for chunks in emitted for e in chunks
        ]

    def split_documents(self, documents: Iterable[Document]) -> list[Document]:
        """Split ``documents`` (pages of one source are grouped, see ``group_pages``)."""
        return self.create_documents(*_texts_and_metadatas(documents))

    async def atransform_documents(self, documents: Sequence[Document], **kwargs: Any) -> Sequence[Document]:
        """:meth:`transform_documents` in a worker thread, so the event loop is not blocked."""
        return await asyncio.to_thread(self.transform_documents, documents, **kwargs)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle everything; an ``llm`` that cannot be pickled raises ``TypeError`` naming it (never dropped)."""
        require_picklable(
            self.chunker.config.llm,
            "AdaptiveTextSplitter",
            "llm",
            "build the splitter where it runs, or give a picklable model",
        )
        return dict(self.__dict__)


def _texts_and_metadatas(documents: Iterable[Document]) -> tuple[list[str], list[dict[Any, Any]]]:
    texts, metadatas = [], []
    for i, doc in enumerate(documents):
        if not isinstance(doc, Document):
            msg = f"documents[{i}] is {type(doc).__name__}, not a langchain Document"
            raise TypeError(msg)
        texts.append(doc.page_content)
        metadatas.append(doc.metadata)
    return texts, metadatas
