import json
import struct

import pytest

from arabic.ner import gazetteer_build as gb


def _mo(messages: dict[str, str]) -> bytes:
    """A GNU .mo catalogue (little-endian, no hash table) of ``messages``, as msgfmt writes it."""
    items = sorted({"": "Content-Type: text/plain; charset=UTF-8\n", **messages}.items())
    ids = [k.encode() for k, _ in items]
    strs = [v.encode() for _, v in items]
    n = len(items)
    start = 7 * 4 + 16 * n
    offsets, blob = [], b""
    for s in ids + strs:
        offsets.append((len(s), start + len(blob)))
        blob += s + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, n, 28, 28 + 8 * n, 0, 0)
    table = b"".join(struct.pack("<2I", *o) for o in offsets)
    return head + table + blob


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قشتالة", "قشتالة"),
        ("  جزر   البهاما ", "جزر البهاما"),
        ("الولاياتُ المتحدة", "الولاياتُ المتحدة"),  # diacritics are Arabic script
        ("Paris", None),
        ("باريس Paris", None),
        ("مدينة 6 أكتوبر", None),  # a digit
        ("واحد اثنان ثلاثة أربعة خمسة", None),  # more than four words
        ("", None),
    ],
)
def test_arabic_name_keeps_arabic_letters_only(text, expected):
    assert gb.arabic_name(text) == expected


def test_filter_names_drops_short_function_outside_and_known():
    rows = [
        ("قم", "LOC", "s"),  # two letters
        ("على", "LOC", "s"),  # a function word
        ("عالم", "LOC", "s"),  # mostly O in annotated text
        ("عالم جديد", "LOC", "s"),  # more than one token: the O filter is for single words
        ("فرنسا", "LOC", "s"),  # already listed
        ("قشتاله", "LOC", "s"),
        ("قشتالة", "LOC", "t"),  # the same folded name again
        ("قشتالة", "PERS", "t"),  # another class is another entry
    ]
    kept = gb.filter_names(rows, known=[("فرنسا", "LOC")], outside=frozenset({"عالم"}))
    assert kept == [("عالم جديد", "LOC", "s"), ("قشتاله", "LOC", "s"), ("قشتالة", "PERS", "t")]


def test_tagged_o_counts_folded_words(tmp_path):
    path = tmp_path / "train.txt"
    lines = ["عالم O"] * 4 + ["عالَم B-LOC"] + ["سوريا B-LOC"] * 3 + ["سوريا O"] + ["نادر O"] * 2
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    # عالم: 4 of 5 O (80 %) -> dropped; سوريا: 1 of 4 O; نادر: seen twice only
    assert gb.tagged_o(path) == frozenset({"عالم"})


def test_sources_are_read(tmp_path):
    cities = {"1": {"alternatenames": ["Alqosh", "ألقوش", "ألقوش Alqosh"]}, "2": {"alternatenames": []}}
    (tmp_path / "cities.json").write_text(json.dumps(cities), encoding="utf-8")
    continents = {"AF": {"alternateNames": [{"name": "أفريقيا", "lang": "ar"}, {"name": "آفریقا", "lang": "fa"}]}}
    (tmp_path / "continents.json").write_text(json.dumps(continents), encoding="utf-8")
    (tmp_path / "x.mo").write_bytes(_mo({"Czechoslovakia": "تشيكوسلوفاكيا، جمهورية تشيكوسلوفاكيا", "Euro": "اليورو"}))
    assert list(gb.geonames_cities(tmp_path / "cities.json")) == ["ألقوش"]
    assert list(gb.geonames_continents(tmp_path / "continents.json")) == ["أفريقيا"]
    assert sorted(gb.mo_names(tmp_path / "x.mo")) == ["اليورو", "تشيكوسلوفاكيا", "جمهورية تشيكوسلوفاكيا"]


@pytest.mark.parametrize(
    ("name", "label", "dropped"),
    [
        ("الله", "PERS", True),  # half of a compound name (عبد الله)
        ("عبد", "PERS", True),
        ("الدين", "PERS", True),
        ("جامعة", "LOC", True),  # a common noun listed as a place
        ("المدينة", "LOC", True),
        ("الماية", "LOC", True),  # المائة spelled with yaa
        ("فان", "LOC", True),  # folds like the particle فإن
        ("الرياض", "PERS", True),  # a place listed as a person
        ("الرياض", "LOC", False),
        ("عدن", "PERS", True),
        ("عدن", "LOC", False),
        ("محمد", "PERS", False),  # real names stay, however frequent in news
        ("أحمد", "PERS", False),
        ("جدة", "LOC", False),
        ("مكة", "LOC", False),
        ("نور الدين", "PERS", False),  # the stoplist is for one-token names
        ("عالم", "LOC", True),  # the O filter (outside)
        ("عالم", "PERS", True),
        ("ال", "LOC", True),  # short
        ("على", "PERS", True),  # a function word
    ],
)
def test_dropped_names(name, label, dropped):
    assert gb.dropped(name, label, frozenset({"عالم"})) is dropped


def _sources(folder):
    (folder / "pers_arabnamer.tsv").write_text(
        "محمد\tPERS\tarabnamer\nالله\tPERS\tarabnamer\nعبد الله\tPERS\tarabnamer\nالرياض\tPERS\tarabnamer\n",
        encoding="utf-8",
    )
    (folder / "loc_geonames_cities5000.tsv").write_text(
        "جدة\tLOC\tgeonames:cities5000\nجده\tLOC\tgeonames:cities5000\nالرياض\tLOC\tgeonames:cities5000\n"
        "عالم\tLOC\tgeonames:cities5000\nجدة\tLOC\tgeonames:cities5000\n",
        encoding="utf-8",
    )
    (folder / "loc_countries.tsv").write_text("اليمن\tLOC\ti18n-iso-countries\n", encoding="utf-8")


def test_base_names_merge_filter_and_sort_keeping_each_spelling(tmp_path):
    _sources(tmp_path)
    assert gb.base_names(tmp_path, frozenset({"عالم"})) == [
        ("الرياض", "LOC"),
        ("اليمن", "LOC"),
        ("جدة", "LOC"),  # once, though listed twice
        ("جده", "LOC"),  # another spelling is kept
        ("عبد الله", "PERS"),
        ("محمد", "PERS"),
    ]


def test_main_base_writes_the_shipped_format(tmp_path):
    _sources(tmp_path)
    corpus = tmp_path / "train.txt"
    corpus.write_text("\n".join(["عالم O"] * 3) + "\n\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert gb.main(["--base", str(tmp_path), "--anercorp", str(corpus), "--out-dir", str(out)]) == 0
    text = (out / gb.BASE_FILE).read_text(encoding="utf-8")
    assert text == "الرياض\tLOC\nاليمن\tLOC\nجدة\tLOC\nجده\tLOC\nعبد الله\tPERS\nمحمد\tPERS\n"


def test_main_needs_the_packages_or_base(tmp_path, capsys):
    with pytest.raises(SystemExit):
        gb.main(["--anercorp", "x", "--out-dir", str(tmp_path)])
    assert "--base" in capsys.readouterr().err


def test_the_shipped_list_has_no_stoplisted_entry():
    from arabic.ner.resources import LEXICON_FILE, read_name_list

    names = read_name_list(LEXICON_FILE)
    assert names == sorted(set(names))
    assert not [(n, c) for n, c in names if gb.dropped(n, c)]
    assert {("محمد", "PERS"), ("الرياض", "LOC"), ("جدة", "LOC")} <= set(names)
