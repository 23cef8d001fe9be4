import pytest

from newsreader.document import SEPARATOR, compose


def test_blocks_cover_exactly_their_parts():
    doc = compose(title=" عنوان ", subtitle="مقدمة", caption="", body="فقرة ١\r\n\r\nفقرة ٢\n")
    assert doc.text == SEPARATOR.join(["عنوان", "مقدمة", "فقرة ١", "فقرة ٢"])
    assert [b["kind"] for b in doc.blocks] == ["title", "subtitle", "paragraph", "paragraph"]
    for block, part in zip(doc.blocks, ["عنوان", "مقدمة", "فقرة ١", "فقرة ٢"]):
        assert doc.text[block["start"] : block["end"]] == part


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("بايدن\u200b", "بايدن"),  # zero-width space
        ("\ufeffبايدن", "بايدن"),  # BOM
        ("جو\u00a0بايدن", "جو بايدن"),  # no-break space
        ("جو  \t بايدن", "جو بايدن"),
        ("\u200fبايدن\u200e", "بايدن"),  # stray bidi marks
        ("ه\u0651\u064e", "ه\u064e\u0651"),  # NFC reorders shadda and fatha
    ],
)
def test_compose_cleans_title(raw, clean):
    assert compose(title=raw, body="x").title == clean


def test_compose_is_stable():
    doc = compose(title="عنوان", body="أ\nب")
    again = compose(title=doc.title, body=list(doc.paragraphs))
    assert again.text == doc.text and again.text_hash == doc.text_hash
