"""Reading documents from files: text and markdown, CLAIR JSON, PDF."""
