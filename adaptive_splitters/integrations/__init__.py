"""Framework adapters (translation only): LangChain's ``TextSplitter`` and LlamaIndex's ``NodeParser``."""
