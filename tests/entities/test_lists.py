"""The entity and speaker lists (entities/lists.py)."""

from __future__ import annotations

from entities.lists import entity_list


def test_entity_list_by_frequency_label_name_and_query(marked):
    listed = entity_list(None)
    assert [(e.name, e.articles) for e in listed.items][:2] == [("الكاظمي", 4), ("بايدن", 2)]
    assert listed.total == 4
    assert [e.name for e in entity_list(None, label="LOC").items] == ["بغداد"]
    assert [e.name for e in entity_list(None, sort="name").items] == sorted(e.name for e in listed.items)
    # searchable: any word of a name, the last one as a prefix, clitics and diacritics ignored
    assert [e.name for e in entity_list(None, query="والكاظمي").items] == ["الكاظمي"]
    assert [e.name for e in entity_list(None, query="الأمم المتح").items] == ["الأمم المتحدة"]
    assert [e.name for e in entity_list(None, query="بايد").items] == ["بايدن"]
    assert entity_list(None, query="!!").items == []
    page2 = entity_list(None, page=2, page_size=3)
    assert len(page2.items) == 1 and page2.total == 4 and page2.num_pages == 2


def test_speaker_list(marked):
    speakers = entity_list(None, speakers=True)
    assert [(s.name, s.quotes) for s in speakers.items] == [("بايدن", 2), ("الكاظمي", 1)]
