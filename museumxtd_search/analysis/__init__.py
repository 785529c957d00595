"""Stage 2: the one French/English text pipeline, note documents and query parsing."""
