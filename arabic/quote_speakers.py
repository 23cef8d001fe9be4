"""Who speaks: the speaker half of the quote finder (a mixin of :class:`arabic.quotes._Finder`).

Everything here reads the indexed article (``self.art``) and the finder's memory of speakers
(``self.known``, ``self.previous``, ``self.sentence_speaker``); see :mod:`arabic.quotes` for the order in
which speakers are tried.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass

from arabic.quote_cues import (
    ADJECTIVES,
    AUDIENCE_OBJECTS,
    AUDIENCE_STEMS,
    AUXILIARIES,
    CLAUSE_STARTS,
    CLOSE_TO,
    INNER_PREPOSITIONS,
    MAX_TITLED_SUBJECT,
    NEGATIONS,
    NOT_NAMES,
    NOT_SPEAKERS,
    PRONOUN_PPS,
    QUANTIFIERS,
    RELATIVES,
    SOURCE_HEADS,
    TITLES,
    DOCUMENTS,
    GOVERNS_BI,
    _adjective,
    _circumstantial,
    _nisba,
    _definite,
    _name_word,
    _stem,
    BACK_REFERENCES,
    COMPLEMENTIZERS,
    ISSUED,
    KANA,
    MAX_GAP,
    MAX_SUBJECT,
    OCCASIONS,
    PERSON_LABELS,
    ROLE_NOUNS,
    SPEAKER_LABELS,
    STOP_WORDS,
    _PUNCT_CLAUSE,
    _cue_kind,
    _fold_token,
)
from arabic.quotemarks import QUOTE_MARKS


@dataclass(slots=True)
class _Speaker:
    name: str
    start: int
    end: int



class SpeakerMixin:
    """Speaker resolution for the finder."""

    def _subject_after(self, i: int, *, source: bool = False):
        """The noun phrase after the cue at ``i``: ``(speaker, resolution, next token)``.

        A speaker is a person, an organisation or a named source: a phrase that
        opens with a preposition or a particle (``للصحافيين``، ``لكنه``) is none.
        In a titled phrase the person's name is the speaker (``رئيس الاتحاد برند
        جوتشولك`` → ``برند جوتشولك``), and with entity hints a person inside the
        phrase wins over the organisation employing him.
        """
        art = self.art
        sid = art.sent_of[i]
        last = art.sent_last[sid]
        j = i + 1
        if j < last and art.texts[j] in "ـ":
            j += 1
        if j < last - 1 and art.f[j] in PRONOUN_PPS and not art.is_punct(j + 1):
            j += 1  # "أكد فيه مدافع المنتخب ...": step over the pronoun
        if j >= last:
            return None, "none", j
        found = _cue_kind(art.f[i])
        cue_f = art.f[i][found[1] :] if found else art.f[i]  # without a leading و/ف
        if source and cue_f == "نقلا" and art.f[j] == "عن" and j + 1 < last:
            j += 1  # "نقلا عن مصادر"
        first_f = art.f[j]
        if not source and (
            first_f in NOT_SPEAKERS
            or _circumstantial(first_f)  # "وقال طالبا عدم الكشف عن هويته"
            or first_f.startswith("لل")
            or _bi_definite(first_f)  # "وتوقع بالتالي أن"، "وأشار بالتفصيل إلى أن"
            or first_f in STOP_WORDS
            or (first_f[:1] == "ل" and first_f[1:] in AUDIENCE_STEMS)
        ):
            return None, "none", j
        if source and first_f in _WHAT and j + 1 < last and _cue_kind(art.f[j + 1]) is not None:
            # "وفقا لما قال مسؤول في الوزارة": the speaker is the subject of the verb after ما
            return self._subject_after(j + 1)
        start_char = art.starts[j]
        if source and cue_f in ("وفقا", "طبقا") and first_f.startswith("ل") and len(first_f) > 2:
            # "وفقا لمصادر" -> مصادر; "وفقا للمسؤول" -> the article's ل stays: لمسؤول
            start_char += 1
        if (
            not source
            and first_f in DOCUMENTS
            and j + 1 < last
            and art.f[j + 1][:1] == "ل"
            and not art.f[j + 1].startswith("لل")
            and len(art.f[j + 1]) > 3
        ):
            # a statement speaks for its issuer: "وصف بيان لهيئة الإفتاء في المغرب" -> هيئة الإفتاء في المغرب
            j += 1
            first_f = art.f[j][1:]
            start_char = art.starts[j] + 1
        k = j
        role = first_f in ROLE_NOUNS or start_char != art.starts[j]
        governs_bi = any(cue_f.startswith(v) or cue_f[1:].startswith(v) for v in GOVERNS_BI)
        limit = MAX_TITLED_SUBJECT if role or first_f in TITLES else MAX_SUBJECT
        quoted_name = None
        while k < last and k - j < limit:
            f = art.f[k]
            t = art.texts[k]
            if k > j and k in art.region_at_open and art.words_between(*self._region_span(k)) <= 4:
                quoted_name = art.region_at_open[k]  # "صحيفة "واشنطن بوست"": the name in the marks
                break
            if t in "-–" and self._hyphenated_name(k, j, last):
                k += 2  # a compound surname: "ميشال اليو - ماري"
                continue
            if art.is_punct(k) or t in QUOTE_MARKS or t in "ـ" or f in COMPLEMENTIZERS or _cue_kind(f) is not None:
                break
            if k > j and f in NOT_SPEAKERS:
                break  # "المتحدثة باسم الوزارة ردا على سؤال": the subject ends before the adverb
            if f == "من" and k > j and (art.f[k - 1] in QUANTIFIERS or (k - 1 > j and art.f[k - 2] in QUANTIFIERS)):
                k += 1  # "عدد من المحللين", "عدد كبير من الخبراء"
                continue
            if f in STOP_WORDS:
                if role and f == "في" and k + 1 < last and art.f[k + 1] not in OCCASIONS:
                    if k - j <= 2 or self._name_follows(k, last) or self._comma_name_ahead(k, last):
                        k += 1  # "مسؤول كبير في الإدارة", "رئيس اللجنة ... في كرة القدم فرانتس بكنباور"
                        continue
                if f == "عن" and k > j and art.f[k - 1] in ISSUED:
                    k += 1  # "بيان صادر عن البنك"
                    continue
                if f == "من" and k > j and art.f[k - 1] in CLOSE_TO:
                    k += 1  # "مصادر مقربة من بري"
                    continue
                break
            if k > j and governs_bi and f.startswith("بال") and len(f) >= 6:
                break  # "تعهد الوزير سمير داود بالإصلاح": the verb's object, not part of the name
            if k > j and (role or first_f in TITLES) and _bi_definite(f) and self._name_follows(k, last):
                k += 1  # "مدير الشرطة بالعاصمة عمر الزين"
                continue
            if k > j and (f.startswith("لل") or f == "ل" or (f[:1] == "ل" and f[1:] in AUDIENCE_STEMS)):
                if (source or role or first_f in TITLES) and f.startswith("لل") and self._name_follows(k, last):
                    k += 1  # "الأمين العام للأمم المتحدة كوفي أنان", "وفقا للإحصائيات الرسمية للجيش"
                    continue
                break
            if k > j and (
                (f in AUDIENCE_OBJECTS and _definite(art.f[k - 1], art.texts[k - 1]))
                or (
                    _definite(art.f[k - 1], art.texts[k - 1])
                    and _definite(f, t)
                    and not _adjective(f)
                    and not (f in TITLES and k + 1 < last and self._plain_word(k + 1) and _name_word(art.f[k + 1], False))  # "... الأميركية النقيب فرانك باسكوال"
                    and f not in self._surnames()  # "الرئيس الأسد" where the article names "بشار الأسد"
                )
            ):
                break  # "ووصف الوزير الاتفاق": a second definite noun is the object
            if (
                k - j >= 3
                and _definite(f, t)
                and not _adjective(f)
                and f not in TITLES
                and f not in ROLE_NOUNS
                and self._bare_run_before(k, j) >= 2
            ):
                break  # "ورفض الوزير سمير داود الاتهامات": after a full name, a definite noun is the object
            if k > j and k in art.entity_at_token and art.entity_at_token[k][2] not in SPEAKER_LABELS:
                # a place after a person ("بايدن واشنطن") is not part of the name,
                # but after a role noun it is ("سفير العراق")
                if not role:
                    break
            k += 1
        if k - j >= limit:
            # the limit cut into a name: finish it ("... في كرة القدم فرانتس بكنباور")
            while k < last and k - j < limit + 3 and self._plain_word(k):
                k += 1
        if quoted_name is not None and k > j and art.f[k - 1] in SOURCE_HEADS:
            region = art.regions[quoted_name]
            self.used_regions.add(quoted_name)
            after = bisect.bisect_left(art.starts, region.close) + 1
            return _Speaker(art.text[region.start : region.end], region.start, region.end), "subject", after
        if k == j:
            return None, "none", j
        # entity hints inside the phrase: a person first, else an organisation at its head
        person = org = None
        for m in range(j, k):
            e = art.entity_at_token.get(m)
            if e is not None and e[2] in SPEAKER_LABELS:
                if e[2] in PERSON_LABELS:
                    person = person or e
                elif m <= j + 3:
                    org = org or e
        chosen = person or org
        if chosen is not None:
            first_tok = bisect.bisect_left(art.starts, chosen[0])
            name = _Speaker(art.text[chosen[0] : chosen[1]], chosen[0], chosen[1])
            if chosen is person and first_tok > j:
                self._remember_title(j, first_tok, name)
            end_tok = bisect.bisect_left(art.starts, chosen[1])
            return _Speaker(art.text[chosen[0] : chosen[1]], chosen[0], chosen[1]), "entity", max(end_tok, k)
        name = self._name_in(j, k)
        if name is not None:
            return name, "subject", k
        appositive = self._appositive_name(j, k, last)
        if appositive is not None:
            return appositive
        start, end = start_char, art.ends[k - 1]
        return _Speaker(art.text[start:end], start, end), "subject", k

    def _appositive_name(self, j: int, k: int, last: int):
        """``وزير الخارجية الفرنسي، جان إيف لودريان، إن``: the name between commas after a title."""
        art = self.art
        if k >= last or art.texts[k] not in "،," or not (art.f[j] in ROLE_NOUNS or art.f[j] in TITLES or _definite(art.f[j], art.texts[j])):
            return None
        m = k + 1
        while m < last and m - k <= 8 and not art.is_punct(m) and art.f[m] not in COMPLEMENTIZERS:
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
            if _definite(f, art.texts[x]) or f in STOP_WORDS or f.startswith("لل") or f in ROLE_NOUNS:
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
        m = k - 1
        while m > j and not art.is_punct(m) and not _definite(art.f[m], art.texts[m]) and art.f[m] not in ROLE_NOUNS \
                and art.f[m] not in STOP_WORDS and art.f[m] not in TITLES and art.f[m][:1] not in "لب":
            m -= 1
        if not (_definite(art.f[m], art.texts[m]) or art.f[m] in TITLES):
            return 0
        return k - 1 - m

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
        ):
            m -= 1
        if m == k - 1 and m - 2 >= j and self._surname_at(m):
            m -= 2  # "وزير الخارجية سامي الخطيب": a first name, then a surname with ال
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
            if f[:1] == "و" and f[1:] in ROLE_NOUNS:
                return None
            if not _name_word(f, len(words) == 1):
                return None
        return m + 1, k

    def _surname_at(self, m: int) -> bool:
        """Is the definite word at ``m`` a surname (``سامي الخطيب``)? It follows a bare name word, which
        follows a definite word or title (``وزير الخارجية سامي الخطيب``، ``الطبيب سامي الخطيب``): an indefinite
        noun takes no definite adjective, and a definite noun no indefinite one, so the bare word is a name."""
        art = self.art
        f, prev, before = art.f[m], art.f[m - 1], art.f[m - 2]
        return (
            _definite(f, art.texts[m])
            and f not in ADJECTIVES
            and f not in TITLES
            and f not in ROLE_NOUNS
            and not (f[:1] in "وفبك" and f[1:3] == "ال")
            and not art.is_punct(m - 1)
            and not _definite(prev, art.texts[m - 1])
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
            and (_definite(before, art.texts[m - 2]) or before in TITLES or before.startswith("لل"))
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
        if run is None and k - j >= 2 and art.f[k - 1] in self._surnames() and (
            _definite(art.f[k - 2], art.texts[k - 2]) or art.f[k - 2] in TITLES or art.f[k - 2] in ROLE_NOUNS
        ):
            run = (k - 1, k)  # "الرئيس السنيورة": a surname the article gives with a first name elsewhere
        if run is None:
            return None
        a, b = run
        start, end = art.starts[a], art.ends[b - 1]
        name = _Speaker(art.text[start:end], start, end)
        self._remember_title(j, k, name, skip=(a, b))
        return name

    def _surnames(self) -> frozenset[str]:
        """Definite words the article uses as surnames after a first name (``رئيس الحكومة فؤاد السنيورة``)."""
        if self._surname_set is None:
            art = self.art
            self._surname_set = frozenset(
                art.f[m] for m in range(2, art.n) if art.f[m][:2] == "ال" and self._surname_at(m)
            )
        return self._surname_set

    def _remember_title(self, j: int, k: int, name: _Speaker, skip: tuple[int, int] = (0, 0)) -> None:
        """Remember the title words of ``[j, k)`` (without the name at ``skip``) as naming ``name``."""
        art = self.art
        title_words = [x for x in range(j, k) if not (skip[0] <= x < skip[1]) and art.f[x] not in STOP_WORDS]
        if title_words:
            head = next((x for x in title_words if art.f[x] in ROLE_NOUNS), title_words[0])
            title = frozenset(_stem(art.f[x]) for x in title_words)
            self.titles.append((art.starts[j], _stem(art.f[head]), title, name))

    def _quoted_subject(self, i: int):
        """A short quoted name right after the verb, with speech after it: «هيومن رايتس ووتش»."""
        art = self.art
        j = i + 1
        if j not in art.region_at_open:
            return None, i + 1
        k = art.region_at_open[j]
        region = art.regions[k]
        if art.words_between(region.start, region.end) > 4:
            return None, i + 1
        after = bisect.bisect_left(art.starts, region.close) + 1
        last = art.sent_last[art.sent_of[i]]
        for m in range(after, min(last, after + MAX_GAP)):
            if art.f[m] in COMPLEMENTIZERS and art.inside[m] is None:
                self.used_regions.add(k)
                return _Speaker(art.text[region.start : region.end], region.start, region.end), after
            if m in art.region_at_open or _cue_kind(art.f[m]) is not None:
                break
        return None, i + 1

    def _source_before_saying(self, i: int) -> _Speaker | None:
        """"نقلت وكالة ... عن مسؤول أمني قوله": the speaker sits between عن and قوله."""
        art = self.art
        first = art.sent_first[art.sent_of[i]]
        attributed = any(_stem(art.f[m]).lstrip("وف").startswith("نسب") for m in range(first, i))
        for k in range(i - 1, max(first, i - MAX_SUBJECT - 1) - 1, -1):
            if art.f[k] == "عن" or (attributed and art.f[k] in _TO):
                if k + 1 < i and all(not art.is_punct(m) for m in range(k + 1, i)):
                    start, end = art.starts[k + 1], art.ends[i - 1]
                    return _Speaker(art.text[start:end], start, end)
                return None
            if art.is_punct(k):
                return None
        return None

    def _implicit_speaker(self, i: int, kind: str):
        """Who speaks when the verb names no one (وأضاف، مضيفا، من جانبه قال ...)."""
        art = self.art
        sid = art.sent_of[i]
        first = art.sent_first[sid]
        # من جانبه / من جهته / بدوره just before the cue: the last person named
        window = tuple(art.f[max(first, i - 4) : i])
        for phrase in BACK_REFERENCES:
            if _contains(window, phrase):
                person = self._last_person_before(art.starts[i])
                if person is not None:
                    return person, "back-reference"
                break
        # a headline-style subject before a present-tense verb: "الرئيس الأميركي يؤكد ..."
        if kind == "verb":
            pre = self._preverbal_subject(i)
            if pre is not None:
                return pre, "preverbal"
        # a participle, or a verb joined to an earlier clause: the sentence's subject
        if sid in self.sentence_speaker:
            return self.sentence_speaker[sid], "sentence"
        person = self._last_person_before(art.starts[i], since=art.sentences[sid].start)
        if person is None:
            # a participle, or a verb joined to an earlier one ("وسئل المدرب عن ... فأجاب بأن")
            person = self._verb_subject_in(first, i)
        if person is None:
            person = self._last_known_speaker_in(first, i)
        if person is None:
            person = self._clause_subject(first, i)
        if person is None:
            person = self._titled_name_in(first, i)
        if person is not None:
            return person, "sentence"
        # "وتوعد نصر الله بمفاجآت. وقال إن ...": the subject of a reporting verb in the sentence before,
        # when it was named after the last confident speaker's quote
        if sid > 0:
            before = self._verb_subject_in(art.sent_first[sid - 1], art.sent_last[sid - 1])
            if before is not None and before.start > self.previous_at and self._strong_subject(before):
                return before, "continued"
        if self.previous is not None:
            return self.previous, "continued"
        return None, "none"

    def _titled_name_in(self, first: int, i: int) -> _Speaker | None:
        """A person named with a title earlier in the sentence, outside any quote: ``وانتقد المدرب هانز مولر
        أداء الحكم، وقال إن ...``، ``وجاءت تصريحات الرئيس أحمد الهاشمي ... حين قال إن``. A new person named
        here beats the previous quote's speaker; with several, only the subject of the sentence's first verb."""
        art = self.art
        if not self._titles_scanned:
            self._scan_titles()
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

    def _preverbal_subject(self, i: int) -> _Speaker | None:
        """A subject before the verb: "الرئيس الأميركي يؤكد ...", "وكانت الصحيفة قد ذكرت ...",
        "لكن دبلوماسيين قالوا ...", "رايس التي قالت ..."."""
        art = self.art
        if art.f[i][:1] in "وف" and _cue_kind(art.f[i])[1]:
            return None
        sid = art.sent_of[i]
        first = art.sent_first[sid]
        end_tok = i
        if end_tok - 1 >= first and art.f[end_tok - 1] == "قد":
            end_tok -= 1
        if end_tok - 3 >= first and art.texts[end_tok - 1] == ")" and art.texts[end_tok - 3] == "(":
            end_tok -= 3  # a photo caption "سولانا (يمين) قال إن": step over the parenthesis
        relative = end_tok - 1 >= first and art.f[end_tok - 1] in RELATIVES
        if relative:
            end_tok -= 1  # "مع الوزيرة رايس التي قالت": the antecedent speaks
        k = end_tok - 1
        while (
            k >= first
            and end_tok - k <= MAX_TITLED_SUBJECT
            and not art.is_punct(k)
            and (art.f[k] not in STOP_WORDS or (art.f[k] in INNER_PREPOSITIONS and k > first and end_tok - k > 1))
            and art.f[k] not in KANA
            and art.f[k] not in CLAUSE_STARTS
            and art.f[k] not in COMPLEMENTIZERS
            and art.f[k] not in NOT_SPEAKERS
            and art.inside[k] is None
        ):
            k -= 1
        start_tok = k + 1
        while start_tok < end_tok and art.f[start_tok] in INNER_PREPOSITIONS:
            start_tok += 1
        at_clause_start = (
            k < first
            or art.texts[k] in _PUNCT_CLAUSE
            or art.f[k] in KANA
            or art.f[k] in CLAUSE_STARTS
            or art.f[k] in COMPLEMENTIZERS
            or art.f[k] in NOT_SPEAKERS
            or (relative and not art.is_punct(k))
        )
        # "وكان سفير النمسا لدى الأمم المتحدة كارل فولف قد أعرب": after كان the subject may be long
        long_subject = relative or (k >= first and art.f[k] in KANA)
        if not at_clause_start or not (1 <= end_tok - start_tok <= MAX_TITLED_SUBJECT):
            return None
        if end_tok - start_tok > 4 and not long_subject:
            # "رغم أن الأمين العام للأمم المتحدة كوفي أنان اعتبر أن": a long subject only when it ends in a name
            name = self._name_in(start_tok, end_tok)
            return name if name is not None and name.end == art.ends[end_tok - 1] else None
        if end_tok - start_tok == 1 and art.f[start_tok] in AUXILIARIES | NOT_SPEAKERS:
            return None
        if art.f[start_tok] in NOT_SPEAKERS or art.f[start_tok].startswith("لل"):
            return None
        name = self._name_in(start_tok, end_tok)
        if name is not None:
            return name
        start, end = art.starts[start_tok], art.ends[end_tok - 1]
        return _Speaker(art.text[start:end], start, end)

    def _clause_subject(self, first: int, i: int) -> _Speaker | None:
        """The subject of the sentence's first clause, for a verb or participle that names no one.

        ``البنك المركزي يرفع الفائدة ويؤكد أن ...`` (a subject, then a present
        tense verb) or ``وأعلن المتحدث ... مؤكدا`` (a verb, then a title or role).
        """
        art = self.art
        if i - first < 2:
            return None
        # subject - verb: 1-3 words, then an imperfect verb (يفعل / تفعل)
        head = art.f[first]
        if head.startswith("ال") or head in ROLE_NOUNS:
            for k in range(first + 1, min(i, first + 4)):
                f = art.f[k]
                if art.is_punct(k) or f in STOP_WORDS:
                    break
                verb = f[1:] if f[:1] in "وف" and len(f) > 4 else f
                if verb[:1] in "يت" and len(verb) >= 4:
                    start, end = art.starts[first], art.ends[k - 1]
                    return _Speaker(art.text[start:end], start, end)
        # verb - subject: و/ف + a verb, then a titled subject
        f = art.f[first]
        if f[:1] in "وف" and len(f) >= 4 and f[1:] not in STOP_WORDS and not f[1:].startswith("ال"):
            j = first + 1
            if j < i and art.f[j] in ROLE_NOUNS:
                speaker, _, _ = self._subject_after(first)
                if speaker is not None and speaker.end <= art.starts[i]:
                    return speaker
        return None

    def _verb_subject_in(self, first: int, i: int) -> _Speaker | None:
        """``من جهته رفض السفير الأميركي اقتراح أنان، قائلا إن``: a participle's speaker is the subject of
        the reporting verb (even one that reported no clause) earlier in its sentence."""
        art = self.art
        for k in range(first, i):
            found = _cue_kind(art.f[k])
            if found is None or found[0] not in ("verb", "weak") or art.inside[k] is not None:
                continue
            if k > first and art.f[k - 1] in NEGATIONS:
                continue
            speaker, resolution, _ = self._subject_after(k)
            if speaker is not None and resolution in ("subject", "entity") and speaker.end <= art.starts[i]:
                if found[0] == "weak" and resolution == "subject" and not self._strong_subject(speaker):
                    return None  # "رفضت التعليق على الآراء، قائلة": a weak cue's object, not its subject
                return speaker
            return None
        return None

    def _last_known_speaker_in(self, first: int, i: int) -> _Speaker | None:
        """The last mention, in tokens ``[first, i)``, of someone already quoted in this text.

        Without entity hints this is how ``وامتنع الكاظمي ... وقال إن`` is given
        to الكاظمي rather than to the previous quote's speaker.
        """
        art = self.art
        best = None
        for k in range(first, i):
            f = art.f[k]
            for key, name in self.known.items():
                head = key[0]
                if f == head or (f[:1] in "وفبل" and f[1:] == head):
                    n = len(key)
                    if k + n <= i and tuple(art.f[k + 1 : k + n]) == key[1:]:
                        start = art.starts[k] + (len(f) - len(head))
                        best = _Speaker(art.text[start : art.ends[k + n - 1]], start, art.ends[k + n - 1])
        return best

    def _last_person_before(self, offset: int, since: int = 0) -> _Speaker | None:
        """The last person mention (entity hint) in ``[since, offset)``."""
        art = self.art
        best = None
        for s, e, label in art.entities:
            if s >= offset:
                break
            if s >= since and label in PERSON_LABELS:
                best = _Speaker(art.text[s:e], s, e)
        return best

    def _colon_speaker(self, k: int) -> _Speaker | None:
        """``NP: "..."`` at the start of a sentence (1-5 words, no cue): the NP speaks."""
        art = self.art
        j = bisect.bisect_left(art.starts, art.regions[k].open)
        if j < 2 or art.texts[j - 1] != ":":
            return None
        first = art.sent_first[art.sent_of[j]]
        words = range(first, j - 1)
        if not (1 <= len(words) <= 5) or any(art.is_punct(m) or _cue_kind(art.f[m]) for m in words):
            return None
        start, end = art.starts[first], art.ends[j - 2]
        return _Speaker(art.text[start:end], start, end)

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
        words = [_fold_token(w) for w in speaker.name.split()]
        if not words:
            return False
        if words[0] in ROLE_NOUNS or words[0] in TITLES or words[0] in SOURCE_HEADS or tuple(words) in self.known:
            return True
        return 2 <= len(words) <= 4 and all(
            (w == _ALLAH or not _definite(w)) and w not in STOP_WORDS and _name_word(w, False) for w in words
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
        art = self.art
        seen = {offset for offset, *_ in self.titles}
        for p, f in enumerate(art.f):
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


_TO = frozenset({_fold_token("إلى"), _fold_token("الى")})
_WHAT = frozenset({"ما", "لما"})


def _bi_definite(ftok: str) -> bool:
    """ب + a definite word (بالتالي، بالعاصمة): an adverb or a prepositional phrase, never a subject's head.
    Short words are names (بالاك)."""
    return len(ftok) >= 6 and ftok.startswith("بال")
_ALLAH = _fold_token("الله")


def _contains(window: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(window[k : k + n] == phrase for k in range(len(window) - n + 1))

