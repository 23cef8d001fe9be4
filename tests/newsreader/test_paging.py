from dataclasses import dataclass

import pytest

from newsreader.paging import CountedPage, PageLinks, page_count


@pytest.mark.parametrize(("total", "size", "pages"), [(0, 10, 1), (1, 10, 1), (10, 10, 1), (11, 10, 2), (100, 25, 4)])
def test_page_count_is_at_least_one(total, size, pages):
    assert page_count(total, size) == pages


@dataclass
class Counted(CountedPage):
    total: int
    page: int
    page_size: int


@pytest.mark.parametrize(
    ("total", "page", "pages", "has_next", "has_previous"),
    [(0, 1, 1, False, False), (25, 1, 3, True, False), (25, 2, 3, True, True), (25, 3, 3, False, True)],
)
def test_a_counted_page_knows_its_neighbours(total, page, pages, has_next, has_previous):
    counted = Counted(total=total, page=page, page_size=10)
    assert (counted.num_pages, counted.has_next, counted.has_previous) == (pages, has_next, has_previous)


def test_page_links_read_a_num_pages_field():
    @dataclass
    class Fixed(PageLinks):
        page: int
        num_pages: int

    assert (Fixed(page=2, num_pages=2).has_next, Fixed(page=2, num_pages=2).has_previous) == (False, True)
