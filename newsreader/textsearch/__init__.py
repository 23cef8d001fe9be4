"""The full-text search engine shared by the article search (``search``) and the quote search (``entities``).

Below both apps, so that neither imports the other for it: the search box's syntax
(:mod:`~newsreader.textsearch.query`, pure Python), the ``tsquery`` of a parsed query and the
PostgreSQL configuration both sides stem with (:mod:`~newsreader.textsearch.tsquery`), what that
configuration makes of a search key (:mod:`~newsreader.textsearch.lexemes`, cached) and the
highlighted titles and snippets (:mod:`~newsreader.textsearch.snippets`, pure Python).
"""
