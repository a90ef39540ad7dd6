"""``from adaptive_splitters.langchain import AdaptiveTextSplitter, BudgetRetriever``: the LangChain adapters
(:mod:`adaptive_splitters.integrations.langchain`, :mod:`adaptive_splitters.integrations.langchain_retriever`)."""

from adaptive_splitters.integrations.langchain import AdaptiveTextSplitter
from adaptive_splitters.integrations.langchain_retriever import BudgetRetriever

__all__ = ["AdaptiveTextSplitter", "BudgetRetriever"]
