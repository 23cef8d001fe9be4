"""newsreader's entity guidelines, applied to a tagger's chunks (docs/entity-guidelines.md).

The statistical taggers learn ANERcorp's conventions; ours differ in a few
places, and some errors are cheaper to rule out than to learn away. Each rule
works on one sentence's words and ``(label, first, last + 1)`` chunks and is
applied in this order:

1. a chunk that is only function words (``على``, ``في``, ``إلى`` ...) is not a name;
2. an organisation named by a noun and a nationality adjective is one ORG
   (``الجيش التركي``, ``وزارة الدفاع الفرنسية``), whatever was tagged inside it;
3. a name in quotation marks after an organisation noun is an ORG
   (``معهد "تشاتام هاوس"``, ``شركة «أبل»``);
4. a named event is MISC (``كأس العالم``, ``الحرب العالمية الثانية``, ``قمة العشرين``);
5. a person's name runs on: a PERS chunk directly followed by another chunk
   that is not a known place is one person (``جان إيف`` + ``لودريان``);
6. a nationality adjective alone is not a place (``صحافيا فرنسيا``, ``لاجئا سودانيا``).

``labels`` names the model's labels for person, organisation, place and
miscellaneous (ANERcorp: PERS, ORG, LOC, MISC; the app: PER, ORG, LOC, MISC).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from arabic.function_words import FOLDED
from arabic.normalize import fold_text

FUNCTION_WORDS = FOLDED

# Nouns that head an organisation's name when followed by a nationality (rule 2)
# or a quoted name (rule 3); folded, without the article.
ORG_HEADS = frozenset(
    fold_text(w)
    for w in (
        "جيش وزارة حكومة شرطة برلمان مجلس قوات بحرية استخبارات مخابرات رئاسة محكمة سفارة قنصلية خارجية "
        "داخلية حزب حركة جماعة منظمة وكالة شركة صحيفة مجلة قناة إذاعة تلفزيون هيئة مؤسسة جمعية اتحاد نقابة "
        "معهد مركز جامعة بنك مصرف مصلحة أجهزة جهاز دائرة مكتب لجنة"
    ).split()
)
# Titles: "وزير الخارجية الفرنسي" is a person's title, not the ministry (rule 2 skips a head after one).
TITLES = frozenset(
    fold_text(w)
    for w in "وزير وزيرة رئيس رئيسة سفير سفيرة متحدث متحدثة ناطق ناطقة مدير مديرة قائد نائب أمين مستشار مسؤول عضو".split()
)
# Nouns heading a named event (rule 4), folded without the article.
EVENT_HEADS = frozenset(fold_text(w) for w in "كأس بطولة أولمبياد مهرجان قمة حرب انتفاضة ثورة منتدى معرض دورة".split())
# What may follow an event head to make a name even when it is not itself tagged (folded).
EVENT_NAMES = frozenset(
    fold_text(w)
    for w in "العالم العشرين السبع الخليج العالمية الأولمبية الأولمبي أكتوبر يناير الأمم آسيا أفريقيا أوروبا".split()
)
_ORDINALS = frozenset(fold_text(w) for w in "الأولى الثانية الثالثة الأول الثاني الثالث".split())
_OPEN_QUOTES = frozenset('"«“')
_CLOSE_QUOTES = frozenset('"»”')
_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
# nisba endings, longest first: -iyya, -iyyan, -iyyun/-iyyin, -iyyat, -i (folded: ة -> ه, ى -> ي)
_NISBA = ("يتين", "يين", "يون", "يات", "يه", "يا", "ي")


@dataclass(frozen=True)
class Labels:
    person: str = "PERS"
    organisation: str = "ORG"
    place: str = "LOC"
    misc: str = "MISC"


ANERCORP = Labels()
APP = Labels(person="PER")


def bare(folded: str) -> str:
    """A folded word without its proclitic and article: ``والجيش`` -> ``جيش``, ``للجيش`` -> ``جيش``."""
    w = folded
    for p in ("", "و", "ف"):
        if w.startswith(p + "لل") and len(w) - len(p) - 2 >= 2:
            return w[len(p) + 2 :]
    for p in _PROCLITICS:
        if w.startswith(p + "ال") and len(w) - len(p) - 2 >= 2:
            return w[len(p) + 2 :]
    if w.startswith("ال") and len(w) >= 4:
        return w[2:]
    return w


def _is_head(folded: str, heads: frozenset[str]) -> bool:
    """Is the word one of ``heads``, perhaps with a proclitic and the article (``لمعهد``, ``وللجيش``)?"""
    if heads is ORG_HEADS:
        return _kinds(folded)[0]
    if heads is EVENT_HEADS:
        return _kinds(folded)[1]
    if heads is TITLES:
        return _kinds(folded)[2]
    return _head_of(folded, heads)


def _head_of(folded: str, heads: frozenset[str]) -> bool:
    if bare(folded) in heads:
        return True
    return any(folded.startswith(p) and bare(folded[len(p) :]) in heads for p in _PROCLITICS)


@lru_cache(maxsize=200_000)
def _kinds(folded: str) -> tuple[bool, bool, bool]:
    """(organisation head, event head, title) for a folded word form, computed once per form."""
    return (_head_of(folded, ORG_HEADS), _head_of(folded, EVENT_HEADS), _head_of(folded, TITLES))


def nationality_of(folded: str, is_place: Callable[[str], bool]) -> str | None:
    """The place a nisba adjective names (``الفرنسية`` -> ``فرنسا``), or None when it is not one.

    The adjective's stem must name a place ``is_place`` knows, with the usual
    spellings: ``فرنسي`` <- فرنسا, ``تركي`` <- تركيا, ``سوداني`` <- السودان.
    """
    word = bare(folded)
    for ending in _NISBA:
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[: -len(ending)]
            for place in (stem, stem + "ا", "ال" + stem, stem + "يا", "ال" + stem + "ه", stem + "ه"):
                if is_place(place):
                    return place
            return None
    return None


def apply_guidelines(
    words: Sequence[str],
    chunks: Sequence[tuple[str, int, int]],
    *,
    is_place: Callable[[str], bool],
    labels: Labels = ANERCORP,
    folded: Sequence[str] | None = None,
    allowed: Collection[str] | None = None,
) -> list[tuple[str, int, int]]:
    """The chunks of one sentence after the guidelines' rules (see the module notes).

    ``allowed``: the labels the model has; a rule whose label is not among them
    does not apply (a team that does not mark organisations gets none from rule 2).
    """
    f = list(folded) if folded is not None else [fold_text(w) for w in words]
    n = len(words)
    kinds = [_kinds(w) for w in f]
    if not chunks and not any(k[0] or k[1] for k in kinds):
        return []
    out = [c for c in chunks if not all(f[k] in FUNCTION_WORDS for k in range(c[1], c[2]))]

    def is_nationality(k: int) -> bool:
        return k < n and nationality_of(f[k], is_place) is not None

    def claim(label: str, a: int, b: int) -> None:
        nonlocal out
        if allowed is not None and label not in allowed:
            return
        out = [c for c in out if c[2] <= a or c[1] >= b]
        out.append((label, a, b))

    for h in range(n):
        if kinds[h][0] and not (h and kinds[h - 1][2]):
            # rule 2: head, up to two definite nouns, then the nationality adjective
            for k in range(h + 1, min(h + 4, n)):
                if not f[k].startswith("ال") or f[k] in FUNCTION_WORDS:
                    break  # a definite adjective agrees with the definite name ("جيش تركي" is no name)
                if is_nationality(k):
                    claim(labels.organisation, h, k + 1)
                    break
            # rule 3: head "quoted name"
            if h + 2 < n and words[h + 1] in _OPEN_QUOTES:
                for k in range(h + 2, min(h + 7, n)):
                    if words[k] in _CLOSE_QUOTES:
                        if k > h + 2:
                            claim(labels.organisation, h + 2, k)
                        break
        if kinds[h][1] and f[h] not in FUNCTION_WORDS:
            # rule 4: the head and what names it: a tagged chunk right after, or a known event word
            after = next((c for c in out if c[1] == h + 1), None)
            end = None
            if after is not None and after[0] in (labels.place, labels.organisation, labels.misc):
                end = after[2]
            elif h + 1 < n and f[h + 1] in EVENT_NAMES:
                end = h + 2
            if end is not None:
                if end < n and f[end] in _ORDINALS:
                    end += 1
                claim(labels.misc, h, end)
    out.sort(key=lambda c: c[1])
    # rule 5: a person's name directly followed by another chunk that is not a known place
    merged: list[tuple[str, int, int]] = []
    for c in out:
        if (
            merged
            and merged[-1][0] == labels.person
            and merged[-1][2] == c[1]
            and c[0] != labels.person
            and not all(is_place(bare(f[k])) or is_place(f[k]) for k in range(c[1], c[2]))
        ):
            merged[-1] = (labels.person, merged[-1][1], c[2])
        else:
            merged.append(c)
    # rule 6: a lone nationality adjective tagged as a place
    return [
        c
        for c in merged
        if not (c[0] == labels.place and c[2] - c[1] == 1 and not is_place(f[c[1]]) and is_nationality(c[1]))
    ]
