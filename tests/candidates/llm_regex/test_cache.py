"""The answer cache: one per candidate, bounded (least recently used out), keyed by the prompt's SHA-256, safe
across threads, never pickled or copied, and never holding a failed or timed-out answer."""

from __future__ import annotations

import copy
import gc
import hashlib
import pickle
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from adaptive_splitters.candidates import LLMRegexCandidate, SplitContext
from adaptive_splitters.candidates.llm_regex import candidate as candidate_module
from adaptive_splitters.candidates.llm_regex.cache import DEFAULT_SIZE, AnswerCache
from adaptive_splitters.core.document import SourceDocument

REGEX = r"(?<=\n)(?=#)"
ANSWER = f"<regex>{REGEX}</regex>"
SECTION = "The committee meets every month and publishes its decisions on the notice board.\n\n"
DOC = "# Garden rules\n\n" + SECTION * 3 + "## Plots\n\n" + SECTION * 2 + "## Tools\n\n" + SECTION

_RELEASE = threading.Event()
"""Set at the end of each test: the slow model below waits on it, so its abandoned thread ends."""


@pytest.fixture(autouse=True)
def _release_slow_models() -> Iterator[None]:
    _RELEASE.clear()
    yield
    _RELEASE.set()


class Recorder:
    """A plain callable model that records every prompt it is shown."""

    def __init__(self, answer: str = ANSWER) -> None:
        self.answer = answer
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answer


def _report(candidate: LLMRegexCandidate, text: str = DOC) -> dict[str, Any]:
    split = candidate.split(SourceDocument.build(text), SplitContext())
    assert split.notes is not None
    return dict(split.notes.report)


# AnswerCache --------------------------------------------------------------------------------------------


def test_least_recently_used_entries_go_first() -> None:
    cache: AnswerCache[str] = AnswerCache(2)
    cache.put("a", "A")
    cache.put("b", "B")
    assert cache.get("a") == "A"  # now the most recently used
    cache.put("c", "C")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert len(cache) == 2
    cache.clear()
    assert len(cache) == 0
    assert AnswerCache().size == DEFAULT_SIZE == 256


def test_keys_are_the_prompts_sha256() -> None:
    assert AnswerCache.key("prompt") == hashlib.sha256(b"prompt").hexdigest()
    assert AnswerCache.key("lone \udc80 surrogate") != AnswerCache.key("lone  surrogate")


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, None])
def test_size_must_be_a_positive_integer(bad: Any) -> None:
    with pytest.raises(ValueError, match="size"):
        AnswerCache(bad)


def test_pickled_and_copied_caches_are_empty_with_the_same_size() -> None:
    cache: AnswerCache[str] = AnswerCache(3)
    cache.put("a", "A")
    for clone in (pickle.loads(pickle.dumps(cache)), copy.deepcopy(cache), copy.copy(cache)):
        assert (clone.size, len(clone), clone.get("a")) == (3, 0, None)
        clone.put("b", "B")
        assert cache.get("b") is None
    assert cache.get("a") == "A"


def test_cache_stays_bounded_across_threads() -> None:
    cache: AnswerCache[int] = AnswerCache(8)

    def fill(offset: int) -> None:
        for i in range(500):
            cache.put(f"{offset}-{i}", i)
            cache.get(f"{offset}-{i // 2}")

    threads = [threading.Thread(target=fill, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cache) == 8


# the candidate's cache ----------------------------------------------------------------------------------


def test_answers_are_cached_per_candidate_and_document() -> None:
    model = Recorder()
    candidate = LLMRegexCandidate(model)
    for _ in range(2):
        assert _report(candidate) == {"regex": REGEX, "fallback": None}
    assert len(model.prompts) == 1
    _report(candidate, DOC + "More text.\n")
    assert len(model.prompts) == 2
    _report(LLMRegexCandidate(model))  # another candidate: its own cache
    assert len(model.prompts) == 3
    uncached = Recorder()
    candidate = LLMRegexCandidate(uncached, cache=False)
    for _ in range(2):
        _report(candidate)
    assert len(uncached.prompts) == 2


def test_setting_another_model_empties_the_cache() -> None:
    candidate = LLMRegexCandidate(Recorder())
    _report(candidate)
    candidate.llm = other = Recorder("no idea")
    assert _report(candidate)["fallback"] == "the model's answer has no <regex>…</regex> tags"
    assert len(other.prompts) == 1
    with pytest.raises(TypeError, match="llm must be"):
        candidate.llm = object()


def test_answer_cache_is_bounded_and_keeps_no_model_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(candidate_module, "ANSWER_CACHE_SIZE", 2)
    model = Recorder()
    candidate = LLMRegexCandidate(model)
    texts = [DOC + f"Note {i}.\n" for i in range(3)]
    for text in [*texts, texts[2], texts[0]]:  # texts[0] was dropped (least recently used), texts[2] was kept
        _report(candidate, text)
    assert len(model.prompts) == 4
    alive = weakref.ref(model)
    del candidate, model
    gc.collect()
    assert alive() is None  # no module-level cache holds the model


def test_candidate_pickles_and_copies_with_an_empty_cache() -> None:
    candidate = LLMRegexCandidate(Recorder(), context_tokens=4000)
    _report(candidate)
    for clone in (pickle.loads(pickle.dumps(candidate)), copy.deepcopy(candidate)):
        assert clone.context_tokens == 4000
        assert clone.llm is not candidate.llm
        assert len(clone.llm.prompts) == 1  # the copied model's record
        assert _report(clone)["regex"] == REGEX
        assert len(clone.llm.prompts) == 2  # asked again: the answers were not copied
    _report(candidate)
    assert len(candidate.llm.prompts) == 1


def test_failed_answer_is_not_cached() -> None:
    calls: list[str] = []

    def flaky(prompt: str) -> str:
        calls.append(prompt)
        if len(calls) == 1:
            raise RuntimeError("rate limited")
        return ANSWER

    candidate = LLMRegexCandidate(flaky)
    assert _report(candidate)["fallback"] == "the model raised RuntimeError: rate limited"
    assert _report(candidate)["regex"] == REGEX
    assert _report(candidate)["regex"] == REGEX
    assert len(calls) == 2


def test_timed_out_answer_is_not_cached() -> None:
    slow = threading.Event()
    slow.set()

    def model(prompt: str) -> str:
        if slow.is_set():
            _RELEASE.wait(5)
            return "<regex>(?=ZZZ-late)</regex>"  # the late answer: never used, never cached
        return ANSWER

    candidate = LLMRegexCandidate(model, llm_timeout=0.5)
    assert _report(candidate)["fallback"] == "the model did not answer within 0.5 s"
    slow.clear()
    _RELEASE.set()  # the abandoned first call now answers too: its late answer must not be cached either
    time.sleep(0.05)
    assert _report(candidate) == {"regex": REGEX, "fallback": None}
