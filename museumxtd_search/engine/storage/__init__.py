"""The index's bytes: Whoosh's W3 format, written and read.

Every import of ``whoosh`` and every use of its internals (pinned ``whoosh3==3.54.0``)
sits in this package; ``docs/whoosh-fork.md`` lists them with the tests that hold each
one to Whoosh's public API.
"""
