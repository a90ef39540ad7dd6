"""AdaptiveNodeParser: the node parser contract, plus what is ours (ids, metadata, limits, pass-through)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from llama_index.core.node_parser import SentenceSplitter
from node_parser_contract import NodeParserContract, generate_setting_params

from adaptive_splitters.llama_index import AdaptiveNodeParser


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    generate_setting_params(metafunc)


def word_tokens(text: str) -> list[str]:
    """A tokenizer LlamaIndex accepts (one token per whitespace-separated word); module-level, so picklable."""
    return text.split()


class TestAdaptiveNodeParserContract(NodeParserContract):
    variants: ClassVar[dict[str, Any]] = {
        "candidates": ["recursive_50", "page"],
        "weights": {"SC": 1.0, "BI": 0.0, "RC": 0.0, "ICC": 0.0, "DCC": 0.0},
        "embedder": "sentence-transformers/all-MiniLM-L6-v2",
        "tokenizer": "cl100k_base",
        "long_texts": "truncate",
        "selection": "paper",
        "min_tokens": 3,
        "max_tokens": 60,
        "merge_limit": 40,
        "metrics": ["SC", "BI"],
        "include_metadata": False,
        "include_prev_next_rel": False,
    }

    def make_parser(self, **overrides: Any) -> AdaptiveNodeParser:
        settings: dict[str, Any] = {"metrics": ["SC", "BI", "RC"], "max_tokens": 80}
        return AdaptiveNodeParser(**{**settings, **overrides})


class TestSentenceSplitterContract(NodeParserContract):
    """The same contract on LlamaIndex's own SentenceSplitter; what it fails is recorded as expected failures."""

    variants: ClassVar[dict[str, Any]] = {
        "chunk_size": 150,
        "chunk_overlap": 0,
        "separator": "\n",
        "paragraph_separator": "\n\n",
        "secondary_chunking_regex": "[^.]+[.]?",
        "tokenizer": word_tokens,
        "include_metadata": False,
        "include_prev_next_rel": False,
    }
    expected_failures: ClassVar[dict[str, str]] = {}

    def make_parser(self, **overrides: Any) -> SentenceSplitter:
        settings: dict[str, Any] = {"chunk_size": 80, "chunk_overlap": 10}
        return SentenceSplitter(**{**settings, **overrides})
