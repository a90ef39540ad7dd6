"""``from adaptive_splitters.llama_index import AdaptiveNodeParser, MiniLMEmbedding``: the LlamaIndex adapter
(:mod:`adaptive_splitters.integrations.llama_index`)."""

from adaptive_splitters.integrations.llama_index import EXCLUDED_KEYS, AdaptiveNodeParser, MiniLMEmbedding

__all__ = ["EXCLUDED_KEYS", "AdaptiveNodeParser", "MiniLMEmbedding"]
