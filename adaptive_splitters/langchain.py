"""``from adaptive_splitters.langchain import AdaptiveTextSplitter, BudgetRetriever, ContextualEmbeddings,
MiniLMEmbeddings``: the LangChain adapters (:mod:`adaptive_splitters.integrations.langchain`,
:mod:`adaptive_splitters.integrations.langchain_retriever`,
:mod:`adaptive_splitters.integrations.langchain_embedding`)."""

from adaptive_splitters.integrations.langchain import AdaptiveTextSplitter
from adaptive_splitters.integrations.langchain_embedding import ContextualEmbeddings, MiniLMEmbeddings
from adaptive_splitters.integrations.langchain_retriever import BudgetRetriever

__all__ = ["AdaptiveTextSplitter", "BudgetRetriever", "ContextualEmbeddings", "MiniLMEmbeddings"]
