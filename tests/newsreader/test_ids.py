import pytest

from newsreader.ids import BIGINT_MAX, MAX_PAGE, parse_id, parse_page


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1), (" 42 ", 42), ("0007", 7), ("000000072156024733796606", 72156024733796606), (7, 7), (str(BIGINT_MAX), BIGINT_MAX),
        # str.isdigit() is true for these, yet they are not ids (int() raises on "²", reads "٣" as 3)
        ("²", None), ("٣", None), ("1²", None), ("１", None),
        # past PostgreSQL's bigint, zero, signs, decimals, empties, other types
        (str(BIGINT_MAX + 1), None), ("99999999999999999999", None), ("9" * 5000, None), ("000", None), (BIGINT_MAX + 1, None),
        ("0", None), (0, None), ("-3", None), ("+3", None), ("3.0", None), ("", None), ("  ", None),
        (None, None), (True, None), (3.0, None), ("PER", None),
    ],
)  # fmt: skip
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3), (str(MAX_PAGE - 1), MAX_PAGE - 1), (str(MAX_PAGE), 1), ("²", 1), ("0", 1), ("", 1), ("x", 1)],
)
def test_parse_page_falls_back_to_the_first_page(value, expected):
    assert parse_page(value) == expected
