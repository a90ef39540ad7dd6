"""``from adaptive_splitters.langchain import AdaptiveTextSplitter``: the LangChain adapter
(:mod:`adaptive_splitters.integrations.langchain`)."""

from adaptive_splitters.integrations.langchain import AdaptiveTextSplitter

__all__ = ["AdaptiveTextSplitter"]
