"""Full-text search over articles (see :mod:`search.selectors` and :mod:`arabic.search_terms`)."""
