"""Token counting: offline tiktoken encodings, special-token text as text, any counter accepted, memoised."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest
import tiktoken

from adaptive_splitters.text.tokens import OFFLINE_ENCODINGS, TokenCounter, bundled_tiktoken_cache, get_encoding


class TestOfflineEncodings:
    """The bundled o200k and cl100k files load without a network."""

    def test_bundled_cache_is_found(self) -> None:
        folder = bundled_tiktoken_cache()
        assert folder is not None
        assert folder.is_dir()
        assert any(folder.iterdir())

    @pytest.mark.parametrize("name", OFFLINE_ENCODINGS)
    def test_loads_offline(self, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
        counter = TokenCounter(name)
        assert counter.name == name
        assert counter("hello world") == 2
        encoding = counter.encoding()
        assert isinstance(encoding, tiktoken.Encoding)
        assert encoding.name == name

    def test_default_is_o200k(self) -> None:
        counter = TokenCounter()
        assert counter.name == "o200k_base"
        text = "Regulation (EU) 2016/679 of the European Parliament"
        assert counter(text) == len(get_encoding("o200k_base").encode_ordinary(text))

    def test_loading_leaves_the_environment_alone(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
        get_encoding.cache_clear()
        get_encoding("o200k_base")
        import os

        assert "TIKTOKEN_CACHE_DIR" not in os.environ

    @pytest.mark.parametrize("name", OFFLINE_ENCODINGS)
    def test_counts_equal_tiktokens_own_encoding(self, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        folder = bundled_tiktoken_cache()
        assert folder is not None
        ours = get_encoding(name)
        monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(folder))  # tiktoken's own loader reads the same files
        theirs = tiktoken.get_encoding(name)
        assert ours is not theirs
        text = (
            "Regulation (EU) 2016/679, Art. 5(1)(a): data 'shall be' processed lawfully. DON'T we'll they've\n\n"
            "  indented\tTabs\r\nWindows lines   trailing   \n"
            "Zahlen 1234567 und Umlaute: äöü ß; français: déjà vu; Ελληνικά; русский текст; 日本語のテキスト; 中文。"
            "emoji 😀👍🏽 and symbols ©®™ → ≤ ≥ ∑; code: def f(x): return x**2 # comment\n"
            "<|endoftext|> <|endofprompt|> <|fim_prefix|> lone \ud800 surrogate"
        ) * 3
        assert ours.encode_ordinary(text) == theirs.encode_ordinary(text)
        assert len(ours.encode_ordinary(text)) > 100
        assert ours.encode(text, allowed_special="all") == theirs.encode(text, allowed_special="all")
        assert ours.n_vocab == theirs.n_vocab
        assert ours.special_tokens_set == theirs.special_tokens_set

    def test_building_writes_no_tiktoken_cache(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.setenv("DATA_GYM_CACHE_DIR", str(tmp_path / "cache"))
        get_encoding.cache_clear()
        assert TokenCounter("cl100k_base")("hello world") == 2
        assert not (tmp_path / "cache").exists()

    def test_unavailable_encoding_names_the_available_ones(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
        with pytest.raises(ValueError, match="'gpt2'") as info:
            TokenCounter("gpt2")
        for name in OFFLINE_ENCODINGS:
            assert name in str(info.value)


class TestCounting:
    """Every string can be counted; nothing raises."""

    @pytest.fixture
    def counter(self) -> TokenCounter:
        return TokenCounter()

    def test_empty_text_is_zero(self, counter: TokenCounter) -> None:
        assert counter("") == 0

    @pytest.mark.parametrize("text", ["<|endoftext|>", "a <|endofprompt|> b", "<|fim_prefix|><|fim_suffix|>"])
    def test_special_token_text_counts_as_plain_text(self, counter: TokenCounter, text: str) -> None:
        expected = len(get_encoding("o200k_base").encode(text, disallowed_special=()))
        assert counter(text) == expected
        assert counter(text) > 1

    @pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "x\ud83d"])
    def test_lone_surrogates_do_not_raise(self, counter: TokenCounter, text: str) -> None:
        assert counter(text) >= 1

    def test_encoding_objects_count_special_tokens_as_text(self) -> None:
        counter = TokenCounter(get_encoding("o200k_base"))
        assert counter("<|endoftext|>") == TokenCounter()("<|endoftext|>")


class TestUserCounters:
    """Any callable, or any object with encode(), can count."""

    def test_plain_callable(self) -> None:
        counter = TokenCounter(len)
        assert counter("abcd") == 4
        assert counter.name == "len"

    def test_lambda_result_is_an_int(self) -> None:
        counter = TokenCounter(lambda text: 2.0 * len(text))
        result = counter("abc")
        assert result == 6
        assert isinstance(result, int)

    def test_object_with_encode(self) -> None:
        class Words:
            def encode(self, text: str) -> list[str]:
                return text.split()

        assert TokenCounter(Words())("one two three") == 3

    def test_object_with_encode_ordinary_prefers_it(self) -> None:
        class Both:
            def encode(self, text: str) -> list[str]:
                raise AssertionError("encode_ordinary should be used")

            def encode_ordinary(self, text: str) -> list[str]:
                return list(text)

        assert TokenCounter(Both())("abc") == 3

    def test_not_a_tokenizer_raises_type_error(self) -> None:
        with pytest.raises(TypeError, match=r"tokenizer must be .* \(received 3\)"):
            TokenCounter(3)


class TestMemo:
    """Each distinct string is counted once."""

    def test_repeated_strings_are_counted_once(self) -> None:
        calls: list[str] = []

        def count(text: str) -> int:
            calls.append(text)
            return len(text)

        counter = TokenCounter(count)
        for _ in range(3):
            assert counter("abc") == 3
            assert counter("de") == 2
        assert calls == ["abc", "de"]

    def test_empty_text_is_not_counted(self) -> None:
        calls: list[str] = []
        counter = TokenCounter(lambda text: calls.append(text) or 1)
        assert counter("") == 0
        assert calls == []

    def test_pickles_without_the_memo(self) -> None:
        counter = TokenCounter()
        counter("some text")
        clone = pickle.loads(pickle.dumps(counter))
        assert clone.name == "o200k_base"
        assert clone("some text") == counter("some text")


def minus_one(text: str) -> int:
    """A broken tokenizer: always -1."""
    return -1


class TestBadCounts:
    """A tokenizer's answer must be a non-negative integer; anything else names the tokenizer, value and text."""

    def test_negative_count_is_rejected_naming_the_tokenizer(self) -> None:
        from adaptive_splitters.engine import AdaptiveChunker

        chunker = AdaptiveChunker(tokenizer=minus_one, metrics=["SC", "BI", "RC"])
        with pytest.raises(ValueError, match=r"tokenizer 'minus_one' returned -1 for a text of 25000 characters"):
            chunker.chunk("word " * 5000)

    @pytest.mark.parametrize(
        ("value", "error"),
        [(math.nan, ValueError), (math.inf, ValueError), (-3, ValueError), (None, TypeError), (True, TypeError)],
    )
    def test_bad_counts_name_the_tokenizer_and_value(self, value: object, error: type[Exception]) -> None:
        def broken(text: str) -> object:
            return value

        counter = TokenCounter(broken)
        with pytest.raises(error, match=rf"tokenizer '.*broken' returned {value!r}.* for a text of 5 characters"):
            counter("hello")

    def test_a_lambda_is_named_with_where_it_was_defined(self) -> None:
        counter = TokenCounter(lambda text: -1)
        with pytest.raises(ValueError, match=r"'.*<lambda>' \(defined at .*test_tokens.py:\d+\) returned -1"):
            counter("abc")

    def test_bad_counts_surface_through_the_engine(self) -> None:
        from adaptive_splitters.engine import AdaptiveChunker

        def returns_none(text: str) -> None:
            return None

        with pytest.raises(TypeError, match=r"tokenizer '.*returns_none' returned None"):
            AdaptiveChunker(tokenizer=returns_none, metrics=["SC", "BI", "RC"]).chunk("Some text. " * 50)

    def test_numpy_integers_are_accepted(self) -> None:
        np = pytest.importorskip("numpy")
        counter = TokenCounter(lambda text: np.int64(len(text)))
        result = counter("abcd")
        assert result == 4
        assert type(result) is int
