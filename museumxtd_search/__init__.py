"""museumxtd-search: French-aware search for Markdown digital gardens.

The data walks one way, and the sub-packages are named after the stages:

``vault``     find and read notes: front matter, Markdown text, wikilinks, the link resolver
``analysis``  the one French/English text pipeline (used by the index, the site and queries)
``index``     the Whoosh index: build it incrementally and atomically, query it
``site``      the static site: pages, the client search index, the browser client
``cli``       the click commands, thin verbs over the library
"""

__version__ = "0.1.0"
