"""``from adaptive_splitters.llama_index import AdaptiveNodeParser, BudgetRetriever, ContextualEmbedding,
MiniLMEmbedding, TokenBudgetPostprocessor``: the LlamaIndex adapters
(:mod:`adaptive_splitters.integrations.llama_index`, :mod:`adaptive_splitters.integrations.llama_index_retriever`,
:mod:`adaptive_splitters.integrations.llama_index_embedding`)."""

from adaptive_splitters.integrations.llama_index import EXCLUDED_KEYS, AdaptiveNodeParser, MiniLMEmbedding
from adaptive_splitters.integrations.llama_index_embedding import ContextualEmbedding
from adaptive_splitters.integrations.llama_index_retriever import BudgetRetriever, TokenBudgetPostprocessor

__all__ = [
    "EXCLUDED_KEYS",
    "AdaptiveNodeParser",
    "BudgetRetriever",
    "ContextualEmbedding",
    "MiniLMEmbedding",
    "TokenBudgetPostprocessor",
]
