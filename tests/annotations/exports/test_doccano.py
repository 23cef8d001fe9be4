"""doccano JSON Lines: the line's shape, and reading doccano's own sequence-labeling and relation files."""

from __future__ import annotations

import json

import pytest

from annotations.exports import doccano, import_file
from annotations.exports.import_records import ImportFailed
from annotations.models import Annotation
from tests.annotations.conftest import span_of
from tests.annotations.exports.conftest import OFFICIAL_QUOTE, QUOTE, run_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(annotated, user):
    (only,) = run_export("doccano", user=user).decode().splitlines()
    return json.loads(only)


def test_one_line_per_article(annotated, user, seed_article, source):
    from tests.factories import make_article

    make_article(source=source, title="خبر آخر", body="فقرة.")
    lines = run_export("doccano", user=user).decode().splitlines()
    assert len(lines) == 2
    assert {json.loads(x)["id"] for x in lines} == {seed_article.pk, seed_article.pk + 1}


def test_line_shape(line, annotated, seed_article, text):
    assert line["id"] == seed_article.pk and line["text"] == text
    # Sequence labeling: the entities only.
    assert sorted(line["label"]) == sorted(
        [a.start, a.end, a.label.code] for a in (annotated[k] for k in ("joe", "kadhimi", "iraq", "biden"))
    )
    for start, end, _label in line["label"]:
        assert text[start:end] in ("جو بايدن", "مصطفى الكاظمي", "العراق", "بايدن")
    entities = {e["id"]: e for e in line["entities"]}
    quote = entities[annotated["quote"].pk]
    assert quote["label"] == "QUOTE_DIRECT" and text[quote["start_offset"] : quote["end_offset"]] == QUOTE
    assert entities[annotated["official"].pk]["label"] == "QUOTE_PARTIAL"
    cue = next(e for e in line["entities"] if e["label"] == "CUE")
    assert text[cue["start_offset"] : cue["end_offset"]] == "قال"
    assert sorted((r["type"], r["from_id"], r["to_id"]) for r in line["relations"]) == [
        ("CUE", annotated["quote"].pk, cue["id"]),
        ("SPEAKER", annotated["quote"].pk, annotated["biden"].pk),
    ]
    extras = line["meta"]["annotations"]
    assert extras[str(annotated["official"].pk)] == {
        "note": "=SUM(A1) not a formula",
        "speaker_name": "مسؤول كبير في الإدارة الأميركية",
    }
    assert str(annotated["joe"].pk) not in extras  # defaults are left out
    assert line["meta"]["article"]["text_sha256"] == seed_article.current_revision.text_hash
    assert "text" not in line["meta"]["article"]  # it is the line's text already


def test_offsets_are_code_points(line):
    text = line["text"]
    for entity in line["entities"]:
        # Python slices count code points: what doccano counts too.
        assert len(text[entity["start_offset"] : entity["end_offset"]]) == entity["end_offset"] - entity["start_offset"]


# --- reading doccano's own files ------------------------------------------------------------------


def test_reads_a_sequence_labeling_export(seed_article, text, user):
    joe, iraq = span_of(text, "جو بايدن"), span_of(text, "العراق")
    raw = json.dumps({"id": 1, "text": text, "label": [[*joe, "PER"], [*iraq, "loc"]], "Comments": []}, ensure_ascii=False)
    result = import_file("doccano", raw.encode(), user=user)
    assert result.created == 2
    assert sorted(Annotation.objects.values_list("exact", "label__code")) == [("العراق", "LOC"), ("جو بايدن", "PER")]


def test_reads_a_relation_extraction_export_drawn_either_way(seed_article, text, user):
    """doccano users draw the arrow from the speaker to the quote as often as the other way."""
    biden = span_of(text, "بايدن", 3)
    quote = span_of(text, QUOTE)
    record = {
        "text": text,
        "entities": [
            {"id": 7, "label": "PER", "start_offset": biden[0], "end_offset": biden[1]},
            {"id": 8, "label": "quote", "start_offset": quote[0], "end_offset": quote[1]},
        ],
        "relations": [{"id": 1, "from_id": 7, "to_id": 8, "type": "speaker"}],
    }
    import_file("doccano", json.dumps(record).encode(), user=user)
    imported = Annotation.objects.get(kind="quote")
    assert imported.quote_type == "direct" and imported.speaker.exact == "بايدن"


def test_old_doccano_data_key(seed_article, text, user):
    record = {"data": text, "label": [[*span_of(text, "واشنطن"), "LOC"]]}
    assert import_file("doccano", json.dumps(record).encode(), user=user).created == 1


def test_line_with_another_text_is_re_anchored(seed_article, text, user):
    """A line whose text is an edited copy of the article (named with article=): the spans are found again."""
    edited = "مقدمة جديدة.\n\n" + text
    quote = span_of(edited, QUOTE)
    biden = span_of(edited, "بايدن", 3)
    cue = (biden[0] - 4, biden[0] - 1)
    assert edited[cue[0] : cue[1]] == "قال"
    record = {
        "text": edited,
        "entities": [
            {"id": 1, "label": "PER", "start_offset": biden[0], "end_offset": biden[1]},
            {"id": 2, "label": "QUOTE_DIRECT", "start_offset": quote[0], "end_offset": quote[1]},
            {"id": 3, "label": "CUE", "start_offset": cue[0], "end_offset": cue[1]},
        ],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "SPEAKER"}, {"id": 2, "from_id": 2, "to_id": 3, "type": "CUE"}],
    }
    import_file("doccano", json.dumps(record).encode(), user=user, article=seed_article)
    imported = Annotation.objects.get(kind="quote")
    assert (imported.start, imported.end) == span_of(text, QUOTE)
    assert text[imported.cue_start : imported.cue_end] == "قال" and imported.cue_start == span_of(text, "بايدن", 3)[0] - 4
    assert imported.speaker.start == span_of(text, "بايدن", 3)[0]


def errors_of(raw: str | bytes, **options) -> list[tuple]:
    with pytest.raises(ImportFailed) as failed:
        import_file("doccano", raw.encode() if isinstance(raw, str) else raw, **options)
    return [(e.get("line"), e["field"], e["code"]) for e in failed.value.errors]


def test_errors_name_the_line_and_field(seed_article, text, user):
    good = json.dumps({"text": text, "label": [[*span_of(text, "واشنطن"), "LOC"]]})
    lines = [
        good,
        "",  # blank lines are fine
        "{broken",
        json.dumps({"text": text, "label": [[5, 2, "PER"]]}),
        json.dumps({"text": text, "entities": [{"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 5}]}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"label": []}),
    ]
    assert errors_of("\n".join(lines), user=user) == [
        (3, None, "malformed_json"),
        (4, "label[0][0]", "out_of_range"),
        (5, "entities[0].label", "unknown_label"),  # found by the services, reported with the rest
        (6, None, "invalid"),
        (7, "text", "required"),
    ]
    assert not Annotation.objects.exists()  # line 1 was fine, but nothing is saved


def test_relation_errors(seed_article, text, user):
    quote = span_of(text, QUOTE)
    base = {
        "text": text,
        "entities": [
            {"id": 1, "label": "PER", "start_offset": 0, "end_offset": 5},
            {"id": 2, "label": "QUOTE_DIRECT", "start_offset": quote[0], "end_offset": quote[1]},
            {"id": 3, "label": "CUE", "start_offset": quote[0] - 10, "end_offset": quote[0] - 5},
        ],
    }
    cases = {
        "unknown relation": ([{"from_id": 2, "to_id": 1, "type": "LOCATED_IN"}], ("relations[0].type", "invalid_choice")),
        "missing entity": ([{"from_id": 2, "to_id": 9, "type": "SPEAKER"}], ("relations[0].to_id", "does_not_exist")),
        "speaker not an entity": ([{"from_id": 2, "to_id": 3, "type": "SPEAKER"}], ("relations[0]", "invalid")),
    }
    for name, (relations, expected) in cases.items():
        record = dict(base, relations=relations + [{"from_id": 2, "to_id": 3, "type": "CUE"}])
        assert errors_of(json.dumps(record), user=user) == [(1, *expected)], name
    # A cue linked to no quote.
    assert errors_of(json.dumps(dict(base, relations=[])), user=user) == [(1, "entities[2]", "orphan_cue")]


def test_unknown_quote_label(seed_article, text, user):
    quote = span_of(text, QUOTE)
    record = {"text": text, "entities": [{"id": 1, "label": "QUOTE_MAYBE", "start_offset": quote[0], "end_offset": quote[1]}]}
    assert errors_of(json.dumps(record), user=user) == [(1, "entities[0].label", "invalid_choice")]


def test_service_errors_point_into_the_file(seed_article, text, user):
    """A rule of the services (here: a span starting on a diacritic) comes back with the file's field name."""
    mark = text.index("ّ")  # a shadda: a combining mark
    record = {"text": text, "entities": [{"id": 4, "label": "PER", "start_offset": mark, "end_offset": mark + 3}]}
    with pytest.raises(ImportFailed) as failed:
        import_file("doccano", json.dumps(record).encode(), user=user)
    (error,) = failed.value.errors
    assert (error["line"], error["field"], error["position"]) == (1, "entities[0].start_offset", mark)


def test_empty_file_and_bad_encoding(user):
    assert errors_of("\n\n", user=user) == [(None, None, "empty")]
    assert errors_of(b"\xff\xfe{", user=user) == [(None, None, "invalid_encoding")]


def test_an_unknown_article_is_named(user, db):
    record = {"text": "نص لا يعرفه أحد.\n\nفقرة.", "label": [[0, 2, "PER"]]}
    ((line, field, code),) = errors_of(json.dumps(record), user=user)
    assert (line, field, code) == (1, "meta.article", "unknown_article")


def test_a_bare_doccano_text_creates_its_article(user, db):
    """Without meta: the first block is the title, the others paragraphs (the offset contract's separator)."""
    text = "عنوان الخبر\n\nقال الوزير إن الاجتماع ناجح."
    record = {"text": text, "label": [[*span_of(text, "الوزير"), "PER"]]}
    result = import_file("doccano", json.dumps(record).encode(), user=user, create_articles=True)
    (outcome,) = result.articles
    assert outcome.article_created and outcome.title == "عنوان الخبر"
    assert Annotation.objects.get().exact == "الوزير"
    assert Annotation.objects.get().revision.text == text


def test_free_text_speaker_and_notes_come_back(line, user, seed_article):
    Annotation.objects.all().delete()
    import_file("doccano", json.dumps(line).encode(), user=user)
    official = Annotation.objects.get(exact=OFFICIAL_QUOTE)
    assert (official.speaker_name, official.note, official.quote_type) == (
        "مسؤول كبير في الإدارة الأميركية",
        "=SUM(A1) not a formula",
        "partial",
    )
    assert Annotation.objects.get(kind="entity", note="الرئيس الأميركي").exact == "بايدن"


def test_a_speaker_name_on_an_entity_is_an_error(line, user):
    line["meta"]["annotations"][str(line["label"] and line["entities"][0]["id"])] = {"speaker_name": "x"}
    assert errors_of(json.dumps(line), user=user) == [(1, f"meta.annotations.{line['entities'][0]['id']}.speaker_name", "entity_field")]


def test_export_import_module_names():
    assert doccano.NAME == "doccano" and doccano.EXTENSION == "jsonl"
