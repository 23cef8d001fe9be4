"""An entity's page (entities/entity_page.py): counts, months, variants, co-occurrence, articles and sentences."""

from __future__ import annotations

from datetime import date

from entities.entity_page import (
    CONTEXT_CHARS,
    entity_article_ids,
    entity_cooccurring,
    entity_page,
    entity_summary,
)
from tests.entities.conftest import entity_of


def test_summary_counts_months_and_variants(marked):
    biden = entity_of(marked["biden_visit"])
    summary = entity_summary(None, biden)
    assert (summary.mentions, summary.articles, summary.quotes) == (3, 2, 2)
    assert [(m.month, m.articles, m.mentions) for m in summary.months] == [
        (date(2024, 1, 1), 1, 2),
        (date(2024, 2, 1), 0, 0),  # the gap is filled for the chart
        (date(2024, 3, 1), 1, 1),
    ]
    assert summary.undated is None and summary.peak == 1
    kadhimi = entity_summary(None, entity_of(marked["kadhimi_visit"]))
    assert (kadhimi.mentions, kadhimi.articles) == (4, 4)
    assert kadhimi.undated.articles == 1
    assert kadhimi.variants == [("الكاظمي", 3), ("بالكاظمي", 1)]


def test_articles_newest_first_and_paged(marked, articles):
    kadhimi = entity_of(marked["kadhimi_visit"]).pk
    order = [articles[n].pk for n in ("washington", "reception", "visit", "undated")]  # undated last
    assert entity_article_ids(None, kadhimi, limit=10) == order
    assert entity_article_ids(None, kadhimi, limit=2, offset=2) == order[2:]


def test_cooccurrence(marked, other_user, articles, mark):
    biden = entity_of(marked["biden_visit"])
    found, windowed = entity_cooccurring(None, biden.pk)
    names = [(c.name, c.label, c.articles) for c in found]
    assert names[0] == ("الكاظمي", "PER", 2)
    assert set(names[1:]) == {("بغداد", "LOC", 1)}
    assert not windowed
    # what counts for everyone is counted over the entity's newest articles, whatever the user's window
    assert entity_cooccurring(None, biden.pk, window=1)[0] == found
    # a user's own annotations are added within the entity's newest articles
    mark(other_user, articles["visit"], "العراق", label="LOC", visibility="private")
    mine, windowed = entity_cooccurring(other_user, biden.pk)
    assert windowed and ("العراق", 1) in [(c.name, c.articles) for c in mine]
    newest_only, _ = entity_cooccurring(other_user, biden.pk, window=1)  # the visit is Biden's older article
    assert "العراق" not in [c.name for c in newest_only]
    assert "العراق" not in [c.name for c in entity_cooccurring(None, biden.pk)[0]]
def test_cooccurrence_is_counted_in_the_newest_articles_only(marked, monkeypatch):
    """Counted when read, bounded: no table of pairs grows with the square of an article's entities."""
    biden = entity_of(marked["biden_visit"])
    monkeypatch.setattr("entities.entity_page.PUBLIC_COOCCURRENCE_ARTICLES", 1)
    found, _ = entity_cooccurring(None, biden.pk)
    # Biden's newest article is the one in Washington: only al-Kadhimi is there with him.
    assert [(c.name, c.articles) for c in found] == [("الكاظمي", 1)]


def test_sentences_around_mentions(marked, articles):
    biden = entity_of(marked["biden_visit"])
    page = entity_page(None, biden, page=1)
    assert page.name == "بايدن" and page.label.code == "PER"
    assert [a.article.pk for a in page.articles] == [articles["washington"].pk, articles["visit"].pk]
    visit = page.articles[1]
    assert visit.mentions == 2 and visit.more == 0
    assert [str(c.html) for c in visit.contexts] == [
        "وصل الرئيس الأميركي جو <mark>بايدن</mark> إلى بغداد اليوم.",
        "وقال <mark>بايدن</mark> إن العراق شريك مهم للولايات المتحدة.",
    ]
    assert [c.block for c in visit.contexts] == ["paragraph", "paragraph"]


def test_a_long_sentence_is_cut_around_the_mention(user, agency, mark):
    from tests.factories import make_article

    long_sentence = " ".join(["كلمة"] * 150) + " التقى ماكرون الوفد " + " ".join(["كلمة"] * 150) + "."
    article = make_article(source=agency, title="عنوان", body=long_sentence)
    macron = entity_of(mark(user, article, "ماكرون"))
    html = str(entity_page(None, macron).articles[0].contexts[0].html)
    assert html.startswith("… ") and html.endswith(" …") and "<mark>ماكرون</mark>" in html
    assert len(html) < CONTEXT_CHARS + 40


def test_contexts_escape_the_text(user, agency, mark):
    from tests.factories import make_article

    article = make_article(source=agency, title="عنوان", body="قال <b>سامي</b> & رحل.")
    sami = entity_of(mark(user, article, "سامي"))
    html = str(entity_page(None, sami).articles[0].contexts[0].html)
    # escaped; Latin runs isolated (<bdi>) so they keep their order in right-to-left text
    assert html == "قال &lt;<bdi>b</bdi>&gt;<mark>سامي</mark>&lt;/<bdi>b</bdi>&gt; &amp; رحل."


def test_an_entity_nobody_may_see_has_no_page(user, other_user, articles, mark):
    secret = entity_of(mark(user, articles["visit"], "بايدن", occurrence=1, visibility="private"))
    assert entity_page(other_user, secret) is None
    assert entity_page(None, secret) is None
    assert entity_page(user, secret).summary.mentions == 1
