"""Stage 3: the search engine, split by question.

``storage``   where the index's bytes are read and written: the only code that knows
              Whoosh's file format and internals (Whoosh stays the store)
``queries``   the query trees the searcher builds (terms, phrases, alternatives)
``scoring``   how a score is computed: BM25F, added in one declared order
``ranking``   how results are ordered: the product's ranking rules
``search``    a query's text to ranked results with excerpts
"""
