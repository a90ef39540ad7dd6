"""A sentence-transformers model as an embedder, loaded lazily (once per embedder, under its own lock), with its
input limit for pool mode (docs/method.md#long-texts).

torch and sentence-transformers are imported only on the first embedding, so importing this module stays light.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from adaptive_splitters.embeddings.adapters import DEFAULT_BATCH_SIZE, EmbedderAdapter
from adaptive_splitters.embeddings.bundled import verify_model_files


class SentenceTransformerEmbedder(EmbedderAdapter):
    """A sentence-transformers model, given or loaded lazily from a name or path on the first call.

    Args:
        model: a ``SentenceTransformer`` instance, or ``None`` with ``path`` set.
        path: the model name or local folder to load when ``model`` is ``None``.
        name: the name used in messages and cache keys.
        offline: load from local files only (``local_files_only=True``; the bundled default model and local
            folders), never from the network.
        device: the torch device to load the model on (default: sentence-transformers' choice).
        checksums: file name (relative to ``path``) → SHA-256, checked on this embedder's first load, before any
            file is parsed (:func:`adaptive_splitters.embeddings.bundled.verify_model_files`); the bundled default
            model is loaded with :data:`adaptive_splitters.embeddings.bundled.BUNDLED_MODEL_SHA256`.

    A model loaded from ``path`` is not pickled: a copy reloads it (and checks its files again) on first use.
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
        self._cutter: Any = None
        self._lock = threading.Lock()

    @property
    def spec(self) -> Any:
        """The model object when one was given, else its name or path (without loading it)."""
        return self._model if self._model is not None else self._path

    @property
    def model(self) -> Any:
        """The sentence-transformers model, loaded on first use (once: two threads never both load it)."""
        if self._model is None:
            with self._lock:
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
        with _quiet_loading():
            try:
                return SentenceTransformer(str(self._path), device=self._device, local_files_only=self._offline)
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
        encoding = self._cutting_tokenizer()(text, **_CUTTING)
        offsets = encoding["offset_mapping"]
        try:
            words = encoding.word_ids()
        except (AttributeError, ValueError):  # slow tokenizers have no word ids
            words = [None] * len(offsets)
        return _token_cuts(text, offsets, words, limit)

    def _cutting_tokenizer(self) -> Any:
        """A copy of the model's tokenizer that only :meth:`cut_points` calls, made once.

        A fast tokenizer keeps its truncation setting on itself and every call sets it: sentence-transformers'
        ``encode`` truncates at the window, :meth:`cut_points` must not. Sharing one between threads, a cut could
        read a text truncated by another thread's setting (and lose its later cuts). The copy is set once, before
        any thread sees it, and its calls never change it again."""
        if self._cutter is None:
            tokenizer = self.model.tokenizer
            with self._lock:
                if self._cutter is None:
                    cutter = copy.deepcopy(tokenizer)
                    cutter("", **_CUTTING)  # sets the copy's truncation off now, while no other thread uses it
                    self._cutter = cutter
        return self._cutter

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_lock"]
        state["_cutter"] = None  # copied again from the model, lazily
        if self._path is not None:
            state["_model"] = None  # reloaded (and verified) lazily by the copy
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()


_CUTTING: Mapping[str, Any] = MappingProxyType(
    {"add_special_tokens": False, "return_offsets_mapping": True, "truncation": False, "verbose": False}
)
"""How :meth:`SentenceTransformerEmbedder.cut_points` calls its tokenizer: every token, with offsets."""


def _token_cuts(text: str, offsets: Any, words: Any, limit: int) -> list[int]:
    """Character offsets cutting ``text`` into runs of at most ``limit`` tokens, moved back to word starts."""
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
