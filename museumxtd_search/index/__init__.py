"""Stage 3a: the Whoosh index: build it incrementally and atomically, and query it."""
