"""Reading a row id that arrived as text (a query parameter, a form field, a header).

``str.isdigit()`` is not the test for this: it is true for ``"²"`` and ``"٣"``, which ``int()``
either rejects (a 500) or reads as a number the user never typed, and twenty ASCII digits pass
it yet overflow PostgreSQL's ``bigint`` (a 500 again). Every "id or name" parameter uses
:func:`parse_id` so that such text is simply not an id.
"""

BIGINT_MAX = 2**63 - 1


def parse_id(value) -> int | None:
    """``value`` as a positive id when it is ASCII digits within ``bigint``; otherwise None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= BIGINT_MAX else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0")  # leading zeros are allowed; and int() refuses over 4,300 digits
    if len(digits) > 19:
        return None
    number = int(digits or "0")
    return number if 0 < number <= BIGINT_MAX else None


MAX_PAGE = 10**6


def parse_page(value) -> int:
    """A page number of an HTML list from the query string: 1 unless ``value`` is an id below :data:`MAX_PAGE`.

    (Pages are not worth an error page: a bad number shows the first one.)
    """
    number = parse_id(value)
    return number if number is not None and number < MAX_PAGE else 1
