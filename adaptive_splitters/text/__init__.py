"""Text utilities: token counting and document structure (pages, blocks, titles)."""
