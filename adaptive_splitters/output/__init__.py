"""Stage 5, framework-free: from the chosen candidate's scored spans to records (units, ids, metadata, JSON lines)."""
