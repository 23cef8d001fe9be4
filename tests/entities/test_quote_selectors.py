"""The quote search (entities/quote_selectors.py)."""

from __future__ import annotations

from datetime import date

from entities.quote_selectors import QuoteFilter, quote_search, speakers_named
from newsreader.textsearch.query import parse_query
from tests.entities.conftest import entity_of


def test_quote_search_by_speaker_and_words(marked):
    biden = entity_of(marked["biden_visit"])
    everything = quote_search(None, QuoteFilter())
    assert everything.total == 3
    about_iraq = quote_search(None, QuoteFilter(entity_ids=(biden.pk,), query=parse_query("والعراق")))
    assert about_iraq.total == 2
    assert "<mark>العراق</mark>" in str(about_iraq.items[0].html)
    indirect = quote_search(None, QuoteFilter(entity_ids=(biden.pk,), quote_type="indirect"))
    assert [i.annotation_id for i in indirect.items] == [marked["q_biden_2"].pk]
    elections = quote_search(None, QuoteFilter(query=parse_query("انتخابات")))
    assert [i.speaker_name for i in elections.items] == ["الكاظمي"]
    january = quote_search(None, QuoteFilter(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31)))
    assert january.total == 2
    assert quote_search(None, QuoteFilter(entity_ids=())).total == 0
    assert speakers_named(None, "بايدن")[0].id == biden.pk


def test_quote_html_is_escaped(user, agency, say):
    from tests.factories import make_article

    article = make_article(source=agency, title="عنوان", body='قال: "<script>x</script> العراق".')
    quote = say(user, article, "<script>x</script> العراق")
    html = str(quote_search(None, QuoteFilter(query=parse_query("العراق"))).items[0].html)
    assert html == "&lt;<bdi>script</bdi>&gt;<bdi>x</bdi>&lt;/<bdi>script</bdi>&gt; <mark>العراق</mark>" and quote
