"""Page arithmetic shared by the lists people page through (entities, speakers, quotes, search results).

The templates' pagers ask every page object the same three questions; they are answered here once.
"""

import math


def page_count(total: int, page_size: int) -> int:
    """Pages needed for ``total`` items, at least 1: an empty list still shows its one (empty) page."""
    return max(1, math.ceil(total / page_size))


class PageLinks:
    """``has_next`` and ``has_previous`` of a page object that has ``page`` and ``num_pages``."""

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


class CountedPage(PageLinks):
    """A page object with ``total`` items in all and ``page_size`` a page: ``num_pages`` follows from them."""

    @property
    def num_pages(self) -> int:
        return page_count(self.total, self.page_size)
