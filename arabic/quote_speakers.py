"""Who speaks: the speaker half of the quote finder (a mixin of :class:`arabic.quotes._Finder`).

Everything here reads the indexed article (``self.art``) and the finder's memory of speakers
(``self.known``, ``self.previous``, ``self.sentence_speaker``); see :mod:`arabic.quotes` for the order in
which speakers are tried.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from arabic.quote_cues import (
    AUDIENCE_STEMS,
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
        """The noun phrase after the cue at ``i``: ``(speaker, resolution, next token)``."""
        art = self.art
        sid = art.sent_of[i]
        last = art.sent_last[sid]
        j = i + 1
        if j < last and art.texts[j] in "ـ":
            j += 1
        if j >= last:
            return None, "none", j
        # a known entity starting here (or after a title word or two) is the speaker
        for k in range(j, min(last, j + 4)):
            e = art.entity_at_token.get(k)
            if e is not None and e[2] in SPEAKER_LABELS:
                if all(not art.is_punct(m) and art.f[m] not in STOP_WORDS for m in range(j, k)):
                    end_tok = bisect.bisect_left(art.starts, e[1])
                    return _Speaker(art.text[e[0] : e[1]], e[0], e[1]), "entity", max(end_tok, k + 1)
            if art.is_punct(k) or art.f[k] in STOP_WORDS or art.f[k] in COMPLEMENTIZERS:
                break
        found = _cue_kind(art.f[i])
        cue_f = art.f[i][found[1] :] if found else art.f[i]  # without a leading و/ف
        if source and cue_f == "نقلا" and art.f[j] == "عن" and j + 1 < last:
            j += 1  # "نقلا عن مصادر"
        first_f = art.f[j]
        start_char = art.starts[j]
        if source and cue_f in ("وفقا", "طبقا") and first_f.startswith("ل") and len(first_f) > 2:
            # "وفقا لمصادر" -> مصادر; "وفقا للمسؤول" -> the article's ل stays: لمسؤول
            start_char += 1
        k = j
        role = first_f in ROLE_NOUNS
        while k < last and k - j < MAX_SUBJECT:
            f = art.f[k]
            t = art.texts[k]
            if art.is_punct(k) or t in QUOTE_MARKS or f in COMPLEMENTIZERS or _cue_kind(f) is not None:
                break
            if f in STOP_WORDS:
                if role and k - j <= 2 and f == "في" and k + 1 < last and art.f[k + 1] not in OCCASIONS:
                    k += 1
                    continue
                if f == "عن" and k > j and art.f[k - 1] in ISSUED:
                    k += 1  # "بيان صادر عن البنك"
                    continue
                break
            if k > j and (f.startswith("لل") or f == "ل" or (f[:1] == "ل" and f[1:] in AUDIENCE_STEMS)):
                break
            if k > j and k in art.entity_at_token and art.entity_at_token[k][2] not in SPEAKER_LABELS:
                # a place after a person ("بايدن واشنطن") is not part of the name,
                # but after a role noun it is ("سفير العراق")
                if not role:
                    break
            k += 1
        if k == j or (j == i + 1 and art.f[j] in STOP_WORDS):
            return None, "none", j
        start, end = start_char, art.ends[k - 1]
        return _Speaker(art.text[start:end], start, end), "subject", k

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
        for k in range(i - 1, max(first, i - MAX_SUBJECT - 1) - 1, -1):
            if art.f[k] == "عن":
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
            person = self._last_known_speaker_in(first, i)
        if person is None:
            person = self._clause_subject(first, i)
        if person is not None:
            return person, "sentence"
        if self.previous is not None:
            return self.previous, "continued"
        return None, "none"

    def _preverbal_subject(self, i: int) -> _Speaker | None:
        """A subject before the verb: "الرئيس الأميركي يؤكد ...", "وكانت الصحيفة قد ذكرت ..."."""
        art = self.art
        if art.f[i][:1] in "وف" and _cue_kind(art.f[i])[1]:
            return None
        sid = art.sent_of[i]
        first = art.sent_first[sid]
        end_tok = i
        if end_tok - 1 >= first and art.f[end_tok - 1] == "قد":
            end_tok -= 1
        k = end_tok - 1
        while (
            k >= first
            and not art.is_punct(k)
            and art.f[k] not in STOP_WORDS
            and art.f[k] not in KANA
            and art.inside[k] is None
        ):
            k -= 1
        start_tok = k + 1
        at_clause_start = k < first or art.texts[k] in _PUNCT_CLAUSE or art.f[k] in KANA
        if not at_clause_start or not (1 <= end_tok - start_tok <= 4):
            return None
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


def _contains(window: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(window[k : k + n] == phrase for k in range(len(window) - n + 1))

