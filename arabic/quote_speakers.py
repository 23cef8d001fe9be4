"""Who speaks: the speaker half of the quote finder (a mixin of :class:`arabic.quotes._Finder`).

Everything here reads the indexed article (``self.art``) and the finder's memory of speakers
(``self.known``, ``self.previous``, ``self.sentence_speaker``); see :mod:`arabic.quotes` for the order in
which speakers are tried.
"""

from __future__ import annotations

import bisect

from arabic.quote_cues import (
    AUDIENCE_OBJECTS,
    AUDIENCE_STEMS,
    AUXILIARIES,
    CLAUSE_STARTS,
    CLOSE_TO,
    INNER_PREPOSITIONS,
    MAX_TITLED_SUBJECT,
    NEGATIONS,
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
    _speech_noun,
    _verbal_noun,
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
from arabic.quote_names import NameMixin, _bi_definite, _Speaker
from arabic.quote_phrases import manner_adverb, opens_time_phrase, time_phrase_end
from arabic.quote_refs import _before_accusative, cue_gender, genders_agree
from arabic.quotemarks import QUOTE_MARKS


class SpeakerMixin(NameMixin):
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
            if _form_iv_masdar(art.f[j]):
                return None, "none", j  # "بتصريح أكد فيه إصرار الأمم المتحدة على ...": the object, not the subject
        if not source:
            # "وكان أغاسي أعلن الشهر الماضي بأنه": a time phrase or an age is the verb's adverb; the subject
            # follows it, or stands before the verb; a manner adverb ("وأضاف بحزن شديد أن") is nobody
            j = time_phrase_end(art.f, art.texts, j, last)
            if j < last and manner_adverb(art.f[j]):
                return None, "none", j
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
            or _verbal_noun(first_f)  # "ووصف استخدام إسرائيل لتلك القنابل بأنه": the object, not the speaker
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
            if k > j and (manner_adverb(f) or opens_time_phrase(art.f, art.texts, k, last)):
                break  # "وأضاف الإمام بحزن شديد"، "وقال الوزير الشهر الماضي": an adverb ends the subject
            if k > j and _speech_noun(f):
                break  # "وألقى وزير الخارجية كلمة": the speech he gave, not part of his name
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
                    and not (f[:2] == "ال" and self._is_surname(f))  # "الرئيس الأسد": the article names "بشار الأسد"
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
                and not self._surname_before_clause(k, last, found)
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
            while k < last and k - j < limit + 3 and self._plain_word(k) and not _speech_noun(art.f[k]):
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
        if not source and (role or first_f in TITLES or _definite(first_f, art.texts[j])):
            late = self._late_name(j, k, last)
            if late is not None:
                return late
        if not source and (
            role
            or first_f in TITLES
            or first_f in SOURCE_HEADS
            or any(_definite(art.f[m], art.texts[m]) for m in range(j, k))  # a description, not a bare name
        ):
            k = self._description_end(j, k, last)  # "مراسل الجزيرة في موسكو إن": the whole description
        start, end = start_char, art.ends[k - 1]
        return _Speaker(art.text[start:end], start, end), "subject", k

    def _late_name(self, j: int, k: int, last: int):
        """A long title that ran past the subject's limit, then the name: ``أعرب قائد منتخب ألمانيا ولاعب خط وسط
        نادي تشلسي الإنجليزي لكرة القدم مايكل بالاك عن ثقته``، ``وقالت المتحدثة باسم البيت الأبيض دانا برينو "..."``.
        The name (two to four words) must end where the subject does — before a preposition, a complementizer, a
        quotation or punctuation — and no second title may stand between (``أبلغ الوزير السفير جون بولتون``: the
        ambassador is the object)."""
        art = self.art
        e = k
        while e < last and e - j <= MAX_TITLED_SUBJECT + 6:
            f = art.f[e]
            if art.is_punct(e) or e in art.region_at_open or f in COMPLEMENTIZERS or f in _WHEN or _cue_kind(f):
                break
            if f in STOP_WORDS and f not in _TITLE_INNER:
                break
            if f in TITLES or f in ROLE_NOUNS or art.inside[e] is not None:
                return None
            if f[:1] == "ل" and f[1:] in SOURCE_HEADS:
                return None  # "ناطق ... لوكالة فرانس برس": the addressee, not the name
            e += 1
        if e == k or e >= last or e - j > MAX_TITLED_SUBJECT + 6:
            return None
        run = self._name_run(j, e)
        if run is None or run[0] < k or run[1] - run[0] < 2:
            return None
        start, end = art.starts[run[0]], art.ends[run[1] - 1]
        return _Speaker(art.text[start:end], start, end), "subject", e

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
            if not genders_agree(cue_gender(art.f[i]), self.sentence_gender.get(sid)):
                return None, "none"  # "وقالت المتحدثة "..." وذكر أن": not hers
            return self.sentence_speaker[sid], "sentence"
        person = self._last_person_before(art.starts[i], since=art.sentences[sid].start)
        if person is None:
            # a participle, or a verb joined to an earlier one ("وسئل المدرب عن ... فأجاب بأن")
            person = self._verb_subject_in(first, i)
        if (person is None or not self._strong_subject(person)) and art.f[i - 1] not in RELATIVES:
            # "شن ... فرناندو ألونسو هجوما ... وقال إنه": a sure name after the verb that opens the sentence
            person = self._opening_verb_subject(first, i) or person
        if person is None:
            person = self._last_known_speaker_in(first, i)
        if person is None:
            person = self._clause_subject(first, i)
        if person is None:
            person = self._speech_giver_in(first, i)
        if person is None:
            person = self._titled_name_in(first, i)
        if person is None:
            person = self._article_subject_in(first, i)
        person = _before_accusative(person)  # "شنت كوريا الشمالية هجوما حادا": the object is nobody
        if person is None and art.f[i - 1] not in RELATIVES:
            person = self._opening_verb_subject(first, i, roles=True)
        if person is not None:
            return person, "sentence"
        # "وتوعد نصر الله بمفاجآت. وقال إن ...": the subject of a reporting verb in the sentence before,
        # when it was named after the last confident speaker's quote
        if sid > 0:
            before = self._verb_subject_in(art.sent_first[sid - 1], art.sent_last[sid - 1])
            if before is not None and not self._strong_subject(before):
                before = self._before_bi_object(before)  # "وتوعد نصر الله بوقوع عدد من المفاجآت"
            if before is None:
                # "وهدد وزير البيئة يوري تروتنيف بوقف المشروع. وقال إنه": a new subject ends the chain
                before = self._opening_verb_subject(art.sent_first[sid - 1], art.sent_last[sid - 1])
            if before is not None and before.start > self.previous_at and self._strong_subject(before):
                return before, "continued"
        # "وقالت المتحدثة ... وذكر أن": a verb of the other gender is someone else, whom the text does not name here
        if self.previous is not None and genders_agree(cue_gender(art.f[i]), self.previous_gender):
            return self.previous, "continued"
        return None, "none"

    def _before_bi_object(self, speaker: _Speaker) -> _Speaker | None:
        """The name before a ب-object that a subject phrase ran into (``نصر الله بوقوع عدد من المفاجآت`` →
        ``نصر الله``): two words at least, and only when those words are a sure name."""
        words = speaker.name.split()
        for n in range(2, min(len(words), 5)):
            if words[n][:1] == "ب" and len(words[n]) >= 4:
                folded = [_fold_token(w) for w in words[:n]]
                if any(f in ROLE_NOUNS or f in TITLES or f in SOURCE_HEADS for f in folded):
                    return None  # "الرئيس فلاديمير بوتين": after a title the ب-word may be the name
                name = " ".join(words[:n])
                cut = _Speaker(name, speaker.start, speaker.start + len(name))
                return cut if self._strong_subject(cut) else None
        return None

    def _preverbal_subject(self, i: int) -> _Speaker | None:
        """A subject before the verb: "الرئيس الأميركي يؤكد ...", "وكانت الصحيفة قد ذكرت ...",
        "لكن دبلوماسيين قالوا ...", "رايس التي قالت ..."."""
        art = self.art
        if art.f[i][:1] in "وف" and _cue_kind(art.f[i])[1]:
            return None
        if i + 1 < art.n and art.f[i + 1] in _IN_IT:
            return None  # "ألقى كلمة قال فيها": the noun before is the occasion, not the speaker
        if i > 0 and art.sent_of[i - 1] == art.sent_of[i] and _cue_kind(art.f[i - 1]) is not None:
            return None  # "وتابع يقول": two cues, one speaker, named by neither
        sid = art.sent_of[i]
        first = art.sent_first[sid]
        end_tok = i
        if end_tok - 1 >= first and art.f[end_tok - 1] == "قد":
            end_tok -= 1
        if end_tok - 3 >= first and art.texts[end_tok - 1] == ")" and art.texts[end_tok - 3] == "(":
            end_tok -= 3  # a photo caption "سولانا (يمين) قال إن": step over the parenthesis
        kana = self._kana_subject(first, end_tok - 1) if end_tok - 1 > first and art.texts[end_tok - 1] in "،," else None
        if kana is not None:
            return kana  # "وكانت المحكمة العليا، اعتبرت ان"
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
            and _cue_kind(art.f[k]) is None  # "قال الرئيس الذي وصف": the subject starts after the outer cue
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
            or _cue_kind(art.f[k]) is not None
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
        f0 = art.f[start_tok]
        if (
            relative
            and end_tok - start_tok >= 3
            and not (_definite(f0, art.texts[start_tok]) or f0 in ROLE_NOUNS or f0 in TITLES)
            and all(_definite(art.f[x], art.texts[x]) for x in range(start_tok + 1, end_tok))
        ):
            # "واستقبل الوزير السفير الذي وصف ...": a verb, its subject and its object; the antecedent of the
            # relative is the object (a definite noun and its adjectives right before it)
            m = end_tok - 1
            while m > start_tok + 1 and _adjective(art.f[m]):
                m -= 1
            start_tok = m
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
                if found[0] == "weak" and resolution == "subject":
                    # a sure name before the weak cue's ب-object ("وتوعد نصر الله بوقوع مفاجآت.. وقال إن"); else a
                    # phrase that is no sure name is its object ("رفضت التعليق على الآراء، قائلة"), not its subject
                    cut = self._before_bi_object(speaker)
                    if cut is not None or not self._strong_subject(speaker):
                        return cut
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


_TO = frozenset({_fold_token("إلى"), _fold_token("الى")})
# prepositions inside a long title ("الرجل الثالث في وزارة الخارجية"، "لاعب خط وسط نادي تشلسي")
_TITLE_INNER = frozenset(_fold_token(w) for w in "في وسط لدى".split())
# time words after the subject: "... نيكولاس بيرنز الاربعاء في حديث"
_WHEN = frozenset(_fold_token(w) for w in "أمس اليوم الأحد الاثنين الثلاثاء الأربعاء الاربعاء الخميس الجمعة السبت".split())
_WHAT = frozenset({"ما", "لما"})
_IN_IT = frozenset({"فيه", "فيها", "فيهم"})


def _contains(window: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(window[k : k + n] == phrase for k in range(len(window) - n + 1))


def _form_iv_masdar(ftok: str) -> bool:
    """The verbal noun of a form IV verb, إفعال (``إصرار``، ``إعلان``، ``إلغاء``), folded: five letters, ا first and
    fourth. (Broken plurals share the shape — ``أنباء`` — so it is used only where a verb's object is expected.)"""
    return len(ftok) == 5 and ftok[0] == "ا" and ftok[3] == "ا"
