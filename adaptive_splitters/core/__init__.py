"""The framework-free core: spans, the source document, size limits, settings, the result type."""
