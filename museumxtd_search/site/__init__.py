"""Stage 3b: the static site: pages rendered with Jinja2 and the client search index."""
