"""Names and titles for the quote finder's speakers (a mixin of :class:`arabic.quotes._Finder`).

Where a person's name is inside a subject phrase (``وزير الخارجية سامي الخطيب``، ``رئيس المجلس، بيتر لارسن،``),
which definite words the article uses as surnames, and how a title alone (``الرئيس التركي``) resolves to the name the
article gives it. :mod:`arabic.quote_speakers` decides who speaks; this module reads names.
"""


from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass

from arabic.quote_phrases import lam_construct, manner_adverb, place_phrase
from arabic.quote_cues import (
    ADJECTIVES,
    COMPLEMENTIZERS,
    NOT_NAMES,
    NOT_SPEAKERS,
    ROLE_NOUNS,
    SOURCE_HEADS,
    STOP_WORDS,
    TITLES,
    _adjective,
    _cue_kind,
    _definite,
    _fold_token,
    _folded_set,
    _name_word,
    _nisba,
    _stem,
    _verbal_noun,
)


@dataclass(slots=True)
class _Speaker:
    name: str
    start: int
    end: int


class NameMixin:
    """Names inside subject phrases, surnames and titles."""

    def _appositive_name(self, j: int, k: int, last: int):
        """``وزير الخارجية الفرنسي، جان إيف لودريان، إن``: the name between commas after a title."""
        art = self.art
        if k >= last or art.texts[k] not in "،," or not (art.f[j] in ROLE_NOUNS or art.f[j] in TITLES or _definite(art.f[j], art.texts[j])):
            return None
        m = k + 1
        while m < last and m - k <= 8 and art.f[m] not in COMPLEMENTIZERS:
            if art.is_punct(m) and not (art.texts[m] in "-–" and self._hyphenated_name(m, k + 1, last)):
                break  # a hyphen inside a name goes on: "رئيس المجلس نانا ايفا - ابنتنغ،"
            m += 1
        if m == k + 1 or m >= last or not (art.texts[m] in "،," or art.f[m] in COMPLEMENTIZERS):
            return None
        if m - k > 6 and not (art.f[k + 1] in ROLE_NOUNS or art.f[k + 1] in TITLES):
            return None  # a bare name between commas is short
        head = art.f[k + 1]
        if head in ROLE_NOUNS or head in TITLES or _definite(head, art.texts[k + 1]):
            # a second title between the commas, then the name: "سفير النرويج، رئيس المجلس بيتر لارسن، إن"
            name = self._name_in(k + 1, m)
            if name is None or name.end != art.ends[m - 1]:
                return None
            return name, "subject", m + (1 if art.texts[m] in "،," else 0)
        for x in range(k + 1, m):
            f = art.f[x]
            if art.texts[x] in "-–":
                continue  # "ميشال اليو - ماري": the dash was checked above, and اليو before it is a name
            if (_definite(f, art.texts[x]) and art.texts[x + 1] not in "-–") or f in STOP_WORDS or f.startswith("لل") or f in ROLE_NOUNS:
                return None
            if not _name_word(f, m - k == 2):
                return None
            if _cue_kind(f) is not None:
                return None
        start, end = art.starts[k + 1], art.ends[m - 1]
        name = _Speaker(art.text[start:end], start, end)
        title = frozenset(_stem(art.f[x]) for x in range(j, k) if art.f[x] not in STOP_WORDS)
        self.titles.append((art.starts[j], _stem(art.f[j]), title, name))
        return name, "subject", m + (1 if art.texts[m] in "،," else 0)

    def _bare_run_before(self, k: int, j: int) -> int:
        """How many bare name-like words (no article, preposition or role) come right before ``k``, after a
        definite word or title at or after ``j``; 0 when no such word opens them."""
        art = self.art
        if art.f[k - 1] in _NAME_PARTICLES:
            return 0  # "أحمد أبو الغيط": the article belongs to the name after أبو / بن / عبد
        m = k - 1
        while m > j and not art.is_punct(m) and not _definite(art.f[m], art.texts[m]) and art.f[m] not in ROLE_NOUNS \
                and art.f[m] not in STOP_WORDS and art.f[m] not in TITLES and art.f[m][:1] not in "لب":
            m -= 1
        if not (_definite(art.f[m], art.texts[m]) or art.f[m] in TITLES):
            return 0
        return k - 1 - m

    def _surname_before_clause(self, k: int, last: int, cue) -> bool:
        """Is the definite word at ``k``, after a full name, the name's surname rather than the verb's object?
        Yes before a role or title in apposition (``عثمان محمد الأغبش الناطق الرسمي``), and before the
        complementizer of a verb that takes no object (``وقال ... عثمان محمد الأغبش إن``; ``ورفض ... سمير داود
        الاتهامات`` and ``ووصف ... الاتفاق بأنه`` keep their object)."""
        if k + 1 >= last:
            return False
        nxt = self.art.f[k + 1]
        if nxt in ROLE_NOUNS and _definite(nxt, self.art.texts[k + 1]):
            return True
        return nxt in COMPLEMENTIZERS and cue is not None and cue[0] in ("verb", "participle", "feminine")

    def _comma_name_ahead(self, k: int, last: int) -> bool:
        """``زعيم الغالبية في مجلس الشيوخ، بيل فريست، إن``: after ``في`` a short institution, a comma, then a
        bare name closed by a comma or a complementizer — the name in apposition ends the subject."""
        art = self.art
        c = k + 1
        while c < last and c - k <= 4 and not art.is_punct(c):
            f = art.f[c]
            if f in STOP_WORDS or f in COMPLEMENTIZERS or _cue_kind(f) is not None or art.inside[c] is not None:
                return False
            c += 1
        if c == k + 1 or c >= last or art.texts[c] not in "،,":
            return False
        e = c + 1
        while e < last and e - c <= 5 and not art.is_punct(e) and art.f[e] not in COMPLEMENTIZERS:
            f = art.f[e]
            if _definite(f, art.texts[e]) or f in STOP_WORDS or f in ROLE_NOUNS or f.startswith("ل") or not _name_word(f, False):
                return False
            e += 1
        return 1 <= e - c - 1 <= 4 and e < last and (art.texts[e] in "،," or art.f[e] in COMPLEMENTIZERS)

    def _hyphenated_name(self, k: int, j: int, last: int) -> bool:
        """Is the dash at ``k`` inside a name (``اليو - ماري``): a name word on each side, after the subject's
        first word?"""
        art = self.art
        return (
            j < k - 1
            and k + 1 < last
            and not art.is_punct(k - 1)
            and art.f[k - 1] not in STOP_WORDS
            and self._plain_word(k + 1)
            and _name_word(art.f[k - 1], False)
            and _name_word(art.f[k + 1], False)
            and art.f[k - 1] not in ROLE_NOUNS
        )

    def _plain_word(self, k: int) -> bool:
        """A word that can continue a name: no punctuation, article, preposition, complementizer or cue."""
        art = self.art
        f = art.f[k]
        return not (
            art.is_punct(k)
            or art.inside[k] is not None
            or k in art.region_at_open
            or f in STOP_WORDS
            or f in COMPLEMENTIZERS
            or _cue_kind(f) is not None
            or _definite(f, art.texts[k])
            or f.startswith("ل")
        )

    def _region_span(self, j: int) -> tuple[int, int]:
        r = self.art.regions[self.art.region_at_open[j]]
        return r.start, r.end

    def _name_follows(self, k: int, last: int) -> bool:
        """Does the phrase continuing at ``k`` end, within a few words, in a name (``... كوفي أنان``)?"""
        art = self.art
        m = k + 1
        while m < last and m - k <= 6 and not art.is_punct(m) and art.f[m] not in COMPLEMENTIZERS:
            if art.f[m] in STOP_WORDS or _cue_kind(art.f[m]) is not None:
                break
            m += 1
        return self._name_run(k, m) is not None

    def _name_run(self, j: int, k: int) -> tuple[int, int] | None:
        """Token range of the name that ends the phrase ``[j, k)``: the words after its last definite,
        title or role word, one to four, none an adjective or preposition."""
        art = self.art
        m = k - 1
        while m >= j and (
            not (_definite(art.f[m], art.texts[m]) or art.f[m] in ROLE_NOUNS or art.f[m] in TITLES or art.f[m].startswith("لل"))
            or (m + 1 < k and art.texts[m + 1] in "-–")  # "اليو - ماري": a name, though it looks definite
            or (m - 1 >= j and art.f[m - 1] in _NAME_PARTICLES)  # "أبو الغيط"، "عبد الرحمن": the name goes on
        ):
            m -= 1
        if m == k - 1 and m - 2 >= j and self._surname_at(m):
            m -= 2  # "وزير الخارجية سامي الخطيب": a first name, then a surname with ال
        elif m == k - 1 and m - 3 >= j and self._surname_at(m, 2):
            m -= 3  # "العميد الدكتور عثمان محمد الأغبش": a first and a father's name, then a surname with ال
        # after a name of two words or more, a word ending in ة is the verb's object ("ألقى الوزير سمير داود
        # كلمة"): the name ends before it. (Not a word in ا: foreign names end so, سيلفا، كوندوليزا.)
        while (
            k - m > 3
            and art.f[k - 1][-1:] == "ه"
            and art.f[k - 1] != _ALLAH  # "عوض وديعة الله": a name ends in الله
            and art.texts[k - 2] not in "-–"
            and len(art.f[k - 1]) > 2
        ):
            k -= 1
        words = [x for x in range(m + 1, k) if art.texts[x] not in "-–"]
        if m < j or not (1 <= len(words) <= 4):
            return None
        if art.f[m] in ROLE_NOUNS and not _definite(art.f[m], art.texts[m]):
            return None  # "ناطق عسكري سوري", "مصدر مطلع": an indefinite role takes adjectives, not a name
        if art.f[m + 1].startswith("باسم"):
            return None  # "متحدث باسم أولمرت": the spokesman is not named
        if len(words) > 1 and all(_nisba(art.f[x]) for x in words):
            return None  # "ناطق عسكري لبناني": a role and its adjectives, no name
        for x in range(m + 1, k):
            f = art.f[x]
            if art.texts[x] in "-–" and m + 1 < x < k - 1:
                continue  # "اليو - ماري"
            if f in STOP_WORDS or art.is_punct(x) or f.startswith("لل") or f in ROLE_NOUNS or f in NOT_NAMES:
                return None
            if f in NOT_SPEAKERS:
                return None  # "المتحدثة باسم الوزارة ردا": an adverb, not a name
            if manner_adverb(f) or place_phrase(f) or lam_construct(f, art.f[x + 1] if x + 1 < art.n else None):
                return None  # "بحزن شديد"، "بقطاع غزة"، "لصناعة النفط": an adverb or a preposition phrase
            if f[:1] == "و" and f[1:] in ROLE_NOUNS:
                return None
            if not _name_word(f, len(words) == 1):
                return None
        return m + 1, k

    def _surname_at(self, m: int, given: int = 1) -> bool:
        """Is the definite word at ``m`` a surname (``سامي الخطيب``)? It follows a bare name word, which
        follows a definite word or title (``وزير الخارجية سامي الخطيب``، ``الطبيب سامي الخطيب``): an indefinite
        noun takes no definite adjective, and a definite noun no indefinite one, so the bare word is a name.
        With ``given=2`` two bare name words come first (``العميد عثمان محمد الأغبش``)."""
        art = self.art
        if given == 2:
            if not (self._plain_word(m - 2) and _name_word(art.f[m - 2], False) and art.f[m - 2] not in ROLE_NOUNS):
                return False
            if art.f[m - 2] in NOT_SPEAKERS or art.f[m - 2] in NOT_NAMES or art.f[m - 2].endswith("ا"):
                return False
            if art.f[m - 2][:1] in "بلك" or _verbal_noun(art.f[m - 2]) or m - 3 < 0:
                return False  # "بارتفاع حجم الإنفاق": a preposition phrase, not two given names
            head = art.f[m - 3]
            if not (head in TITLES or head in ROLE_NOUNS or (m - 4 >= 0 and art.f[m - 4] in ROLE_NOUNS)):
                return False  # only right after a title or a role and its complement ("وزير الخارجية")
        f, prev, before = art.f[m], art.f[m - 1], art.f[m - 1 - given]
        return (
            _definite(f, art.texts[m])
            and f not in ADJECTIVES
            and f not in TITLES
            and f not in ROLE_NOUNS
            and not (f[:1] in "وفبك" and f[1:3] == "ال")
            and self._plain_word(m - 1)  # no punctuation, complementizer, cue or article ("أن الاقتصاد")
            and not (prev[:1] in "بلك" and prev[1:] in _INSTITUTIONS)  # "بوزارة الاقتصاد"
            and prev[:1] != "ل"
            and prev != "باسم"  # "المتحدث باسم الحكومة"
            and not _bi_definite(prev)
            and prev not in STOP_WORDS
            and prev not in ROLE_NOUNS
            and prev not in NOT_NAMES
            and prev not in NOT_SPEAKERS
            and _cue_kind(prev) is None
            and _name_word(prev, False)
            and not prev.endswith("ا")  # an accusative noun ("هجوما")، not a name
            and (_definite(before, art.texts[m - 1 - given]) or before in TITLES or before.startswith("لل"))
        )

    def _name_in(self, j: int, k: int) -> _Speaker | None:
        """The person's name in a titled phrase ``[j, k)``, and the title remembered for it.

        ``وزيرة الخارجية الأميركية كوندوليزا رايس`` → ``كوندوليزا رايس`` (title,
        then name); ``الدكتور محمود أبوزيد وزير الموارد المائية`` → ``محمود أبوزيد``
        (honorific, name, then title).
        """
        art = self.art
        run = self._name_run(j, k)
        if run is None and art.f[j] in TITLES:
            m = j + 1
            while m < k and m - j <= 4 and not (
                _definite(art.f[m], art.texts[m]) or art.f[m] in ROLE_NOUNS or art.f[m] in STOP_WORDS
            ):
                m += 1
            if m < k and m > j + 1 and self._surname_at(m) and (m + 1 == k or art.f[m + 1] in ROLE_NOUNS):
                m += 1  # "الطبيب سامي الخطيب مدير المستشفى"
            if m > j + 1 and all(_name_word(art.f[x], m == j + 2) and not art.f[x].startswith("لل") for x in range(j + 1, m)):
                run = (j + 1, m)
        if run is None and k - j >= 2 and art.f[k - 1][:2] == "ال" and self._is_surname(art.f[k - 1]) and (
            _definite(art.f[k - 2], art.texts[k - 2]) or art.f[k - 2] in TITLES
        ):
            run = (k - 1, k)  # "الرئيس السنيورة": a surname the article gives with a first name elsewhere
        if run is None:
            return None
        a, b = run
        start, end = art.starts[a], art.ends[b - 1]
        name = _Speaker(art.text[start:end], start, end)
        self._remember_title(j, k, name, skip=(a, b))
        return name

    def _is_surname(self, word: str) -> bool:
        """Does the article use this definite word as a surname after a first name somewhere
        (``رئيس الحكومة فؤاد السنيورة``)? Answers are cached per word."""
        cache = self._surname_cache
        if word not in cache:
            art = self.art
            if self._positions is None:
                positions: dict[str, list[int]] = {}
                for m, f in enumerate(art.f):
                    if f[:2] == "ال":
                        positions.setdefault(f, []).append(m)
                self._positions = positions
            cache[word] = any(m >= 2 and self._surname_at(m) for m in self._positions.get(word, ()))
        return cache[word]

    def _remember_title(self, j: int, k: int, name: _Speaker, skip: tuple[int, int] = (0, 0)) -> None:
        """Remember the title words of ``[j, k)`` (without the name at ``skip``) as naming ``name``."""
        art = self.art
        title_words = [x for x in range(j, k) if not (skip[0] <= x < skip[1]) and art.f[x] not in STOP_WORDS]
        if title_words:
            head = next((x for x in title_words if art.f[x] in ROLE_NOUNS), title_words[0])
            title = frozenset(_stem(art.f[x]) for x in title_words)
            self.titles.append((art.starts[j], _stem(art.f[head]), title, name))

    def _titled_name_in(self, first: int, i: int) -> _Speaker | None:
        """A person named with a title earlier in the sentence, outside any quote: ``وانتقد المدرب هانز مولر
        أداء الحكم، وقال إن ...``، ``وجاءت تصريحات الرئيس أحمد الهاشمي ... حين قال إن``. A new person named
        here beats the previous quote's speaker; with several, only the subject of the sentence's first verb."""
        art = self.art
        if not self._titles_scanned and art.sent_of[first] not in self._title_sentences:
            # only this sentence: scanning the whole article for every pronoun-dropped verb is slow
            self._title_sentences.add(art.sent_of[first])
            self._scan_title_range(first, art.sent_last[art.sent_of[first]])
        since, until = art.starts[first], art.starts[i]
        names: dict[str, tuple[int, _Speaker]] = {}
        for offset, _, _, name in self.titles:
            if not (since <= offset and name.end <= until):
                continue
            tok = bisect.bisect_left(art.starts, name.start)
            if art.inside[tok] is not None or any(q.start <= name.start < q.end for q in self.quotes):
                continue
            names.setdefault(name.name, (offset, name))
        if len(names) == 1:
            return next(iter(names.values()))[1]
        if first + 1 < art.n:
            for offset, name in names.values():
                if offset == art.starts[first + 1]:
                    return name
        return None

    def _resolve_title(self, q):
        """A speaker named only by a title (``الوزيرة الأميركية``) gets the name the article gives that title.

        The title's words must all occur in a "title + name" subject of the same
        head (``وزيرة الخارجية الأميركية كوندوليزا رايس``); the nearest such
        subject before the quote wins, else the nearest after it.
        """
        if q.speaker is None:
            return q
        words = [_fold_token(w) for w in q.speaker.split()]
        if not words or not all(_definite(w) or w in ROLE_NOUNS or w in TITLES or _adjective(w) for w in words):
            return q
        if not self._titles_scanned:
            self._scan_titles()
        head, stems = _stem(words[0]), {_stem(w) for w in words}
        before = after = None
        for offset, title_head, title, name in self.titles:
            if title_head != head or not stems <= title or name.name == q.speaker:
                continue
            if offset <= q.start:
                before = name
            elif after is None:
                after = name
        name = before or after
        if name is None:
            return q
        return dataclasses.replace(
            q, speaker=name.name, speaker_start=name.start, speaker_end=name.end, speaker_resolution="title"
        )

    def _strong_subject(self, speaker: _Speaker) -> bool:
        """Sure enough to be carried to the next sentence: a role, title or source phrase, someone already
        quoted, or a name of two to four words (``نصر الله``), not a word and its object (``حمدان الاجراءات``)."""
        raw = speaker.name.split()
        words = [_fold_token(w) for w in raw]
        if not words:
            return False
        if words[0] in ROLE_NOUNS or words[0] in TITLES or words[0] in SOURCE_HEADS or tuple(words) in self.known:
            return True
        # the word as written tells the article from a hamza alef: "فرناندو ألونسو" is a name (folded الونسو)
        return 2 <= len(words) <= 4 and all(
            (w == _ALLAH or not _definite(w, r)) and w not in STOP_WORDS and _name_word(w, False) for w, r in zip(words, raw)
        )

    def _subject_words(self) -> frozenset[str]:
        """Words right after a reporting verb anywhere in the article (``وقال رمضان``، ``وشددت رايس``)."""
        if self._subject_word_set is None:
            art = self.art
            self._subject_word_set = frozenset(
                art.f[k + 1]
                for k in range(len(art.f) - 1)
                if _cue_kind(art.f[k]) is not None
                and not art.is_punct(k + 1)
                and not _definite(art.f[k + 1], art.texts[k + 1])
                and art.f[k + 1] not in STOP_WORDS
                and art.f[k + 1] not in NOT_SPEAKERS
                and art.f[k + 1] not in ROLE_NOUNS
                and art.f[k + 1] not in COMPLEMENTIZERS
            )
        return self._subject_word_set

    def _scan_titles(self) -> None:
        """Every "title + name" of the article, not only the subjects of cues: ``والتقى الرئيس التركي
        رجب طيب أردوغان نظيره`` names الرئيس التركي."""
        self._titles_scanned = True
        self._scan_title_range(0, self.art.n)

    def _scan_title_range(self, lo: int, hi: int) -> None:
        """The "title + name" phrases that start in tokens ``[lo, hi)``."""
        art = self.art
        seen = {offset for offset, *_ in self.titles}
        for p in range(lo, hi):
            f = art.f[p]
            if (f not in ROLE_NOUNS and f not in TITLES) or art.starts[p] in seen:
                continue
            last = art.sent_last[art.sent_of[p]]
            end = p + 1
            while end < last and end - p < 8 and not art.is_punct(end) and art.f[end] not in STOP_WORDS:
                f = art.f[end]
                if f in COMPLEMENTIZERS or f in NOT_NAMES or _cue_kind(f) is not None:
                    break
                if f[:1] == "و" and (f[1:] in ROLE_NOUNS or _definite(f, art.texts[end])):
                    break  # "الرئيس الأميركي جو بايدن ورئيس الوزراء": a second person
                end += 1
            # the name must end the phrase: "المسؤول عدد القوات" has none ...
            run = self._name_run(p, end)
            if run is None:
                # ... unless a shorter phrase ends in a word the article uses as a speaker after a verb
                # ("استبعدت وزيرة الخارجية الأميركية كوندوليزا رايس أي وقف ..." and later "وشددت رايس")
                for cut in range(p + 2, end):
                    if art.f[cut - 1] in self._subject_words():
                        run = self._name_run(p, cut)
                        if run is not None:
                            end = cut
                            break
            # "وزير الري لمحمد السعدني": a name after a title is not introduced by ل
            first_word = art.f[run[0]] if run is not None else ""
            # "وزير الري لمحمد السعدني", "السفير لشبكة": a word after a title is not introduced by ل, unless the
            # name is one the article uses as a subject ("ليلى فريد" ... "وشددت فريد")
            prefixed = first_word[:1] == "ل" and art.f[run[1] - 1] not in self._subject_words()
            if run is not None and run[1] - run[0] <= 3 and not prefixed:
                self._name_in(p, end)


_ALLAH = _fold_token("الله")
# words inside Arabic names before a word with ال: أبو الغيط، بن علي، عبد الرحمن
_NAME_PARTICLES = _folded_set("أبو ابو أبي ابي بن ابن بنت عبد آل ذو")
# nouns of institutions: with a preposition attached (بوزارة، لمجلس) they never open a name
_INSTITUTIONS = _folded_set("وزارة مجلس جامعة شركة هيئة لجنة منظمة مؤسسة إدارة دائرة مديرية محكمة بلدية حكومة رئاسة سفارة")


def _bi_definite(ftok: str) -> bool:
    """ب + a definite word (بالتالي، بالعاصمة): an adverb or a prepositional phrase, never a subject's head.
    Short words are names (بالاك)."""
    return len(ftok) >= 6 and ftok.startswith("بال")
