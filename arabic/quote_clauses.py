"""Where reported speech ends: the clause half of the quote finder (a mixin of :class:`arabic.quotes._Finder`)."""

from __future__ import annotations

import bisect

from arabic.quote_cues import (
    DIRECT,
    MAX_HEADLINE,
    OCCASIONS,
    _AN,
    _PUNCT_CLAUSE,
    _PUNCT_SENTENCE,
    CLAUSE_END_PAIRS,
    CLAUSE_ENDERS,
    COMPLEMENTIZERS,
    ENDING_PARTICIPLES,
    MAX_GAP,
    NOT_SPEECH_BEFORE_AN,
    TITLE_MARKERS,
    _cue_kind,
    _folded_set,
)

from arabic.quote_speakers import _Speaker

# prepositions that open the occasion of a statement: "وقال بلير في مؤتمر صحفي عقده في ..."
_OCCASION_PREPOSITIONS = _folded_set("في خلال عقب بعد أمام امام لدى")
MAX_OCCASION_GAP = 24  # tokens between a cue and its quotation when an occasion phrase stands between
# words of the first person: after "قال:" without quotation marks they make the words a direct quote
_FIRST_PERSON = _folded_set(
    "أنا انا نحن إننا اننا إنني انني لدينا لدي لنا علينا منا عندنا معنا أعتقد أظن أرى أعرف أفكر أريد نريد نعتقد "
    "نرى نأمل آمل أتمنى أود نود أردت قلنا طلبنا نعمل أعمل سنعمل لقد"
)
_NOT_FIRST_PERSON = _folded_set("أحيانا قانونا أيضا هنا زمنا ثمنا")


class ClauseMixin:
    """Clause boundaries and quoted titles for the finder."""

    def _clause_ends_after(self, offset: int, sid: int) -> bool:
        """Does the reported clause end at ``offset`` (right after a closing quotation mark)?"""
        art = self.art
        j = bisect.bisect_left(art.starts, offset)
        if j >= art.n or art.sent_of[j] != sid:
            return True
        t = art.texts[j]
        if t in _PUNCT_SENTENCE or t in _PUNCT_CLAUSE:
            return True
        return _cue_kind(art.f[j]) is not None

    def _clause_end(self, first: int, sid: int) -> int:
        """Token index just after the reported clause that starts at ``first``."""
        art = self.art
        last = art.sent_last[sid]
        j = first
        while j < last:
            t = art.texts[j]
            if art.inside[j] is None:
                if t in _PUNCT_SENTENCE and j == last - 1:
                    break
                if t in ("؛", ";"):
                    break
                if t in ("،", ",") and j + 1 < last:
                    nf = art.f[j + 1]
                    pair = (nf, art.f[j + 2]) if j + 2 < last else None
                    if (
                        nf in CLAUSE_ENDERS
                        or nf in ENDING_PARTICIPLES
                        or pair in CLAUSE_END_PAIRS
                        or (_cue_kind(nf) is not None and art.inside[j + 1] is None)
                    ):
                        break
                if j > first and _cue_kind(art.f[j]) is not None and art.f[j][:1] in "وف" and self._starts_new_report(j):
                    break
            j += 1
        # trailing punctuation is not part of the clause (closing quote marks are)
        while j > first and art.texts[j - 1] in _PUNCT_SENTENCE | _PUNCT_CLAUSE:
            j -= 1
        return j

    def _starts_new_report(self, j: int) -> bool:
        """Is the cue at ``j`` followed by its own speech (so the previous clause ends)?"""
        art = self.art
        last = art.sent_last[art.sent_of[j]]
        for k in range(j + 1, min(last, j + MAX_GAP)):
            if art.f[k] in COMPLEMENTIZERS or k in art.region_at_open:
                return True
        return False

    def _temporal_an(self, j: int) -> bool:
        art = self.art
        return art.f[j] == _AN and j > 0 and art.f[j - 1] in NOT_SPEECH_BEFORE_AN

    def _occasion_at(self, j: int) -> bool:
        """Does an occasion phrase open at token ``j`` (``في مؤتمر صحفي``، ``خلال لقائه مع``، ``في تصريحات
        نقلتها ...``)? After it the quotation may come further on than after a plain subject."""
        art = self.art
        if j + 1 >= art.n or art.f[j] not in _OCCASION_PREPOSITIONS or art.is_punct(j + 1):
            return False
        word = art.f[j + 1]
        word = word[2:] if word.startswith("ال") else word
        return any(word.startswith(o) for o in OCCASIONS if len(o) >= 3)

    def _first_person(self, j: int) -> bool:
        """Do the words from token ``j`` (a dozen, within the sentence) speak in the first person (``وقال: أعتقد
        أنه ...``، ``قال المالكي: اوزبكستان منتخب قوي ... مثلنا``)? Then, after a colon without quotation marks,
        they are a direct quote (docs/quote-guidelines.md, round 5)."""
        art = self.art
        sid = art.sent_of[j] if j < art.n else None
        for k in range(j, min(art.n, j + 12)):
            if art.sent_of[k] != sid:
                break
            f = art.f[k]
            bare = f[1:] if f[:1] in "وف" and len(f) > 3 else f
            if f in _FIRST_PERSON or bare in _FIRST_PERSON:
                return True
            if len(bare) >= 5 and bare.endswith("نا") and bare not in _NOT_FIRST_PERSON and not art.is_punct(k):
                return True  # "طلبنا"، "مثلنا"، "بلادنا"
        return False

    def _title_before(self, j: int) -> bool:
        """Is the quotation mark at token ``j`` right after a title marker (عبارة، شعار، ...)?"""
        art = self.art
        k = j - 1
        if k < 0:
            return False
        f = art.f[k]
        if f in ("ل", "ب"):  # لـ"الأنباء": a quoted name after a bare preposition
            return True
        return f in TITLE_MARKERS or (f[:1] in "وبل" and f[1:] in TITLE_MARKERS) or f.startswith("ال") and f[2:] in TITLE_MARKERS


    def _quoted_name(self, i: int, j: int) -> bool:
        """Is the quotation opening at token ``j`` (after the cue at ``i``) a name inside the subject or an
        adjunct — ``في ندوة لمعهد "تشاتام هاوس" إن``، ``لشبكة "سي ان ان" التلفزيونية: "..."`` — with the
        speech still to come?"""
        art = self.art
        region = art.regions[art.region_at_open[j]]
        if j - 1 <= i or art.words_between(region.start, region.end) > 3:
            return False
        before = art.f[j - 1]
        if before in COMPLEMENTIZERS or art.is_punct(j - 1) or _cue_kind(before) is not None:
            return False
        last = art.sent_last[art.sent_of[j]]
        after = bisect.bisect_left(art.starts, region.close) + 1
        for k in range(after, min(last, after + MAX_GAP)):
            if art.inside[k] is not None:
                continue
            if art.f[k] in COMPLEMENTIZERS or art.texts[k] == ":" or k in art.region_at_open:
                return True
            if art.texts[k] in _PUNCT_SENTENCE or _cue_kind(art.f[k]) is not None:
                return False
        return False

    def _colon_headlines(self) -> None:
        """A headline or caption ``الصدر: لن نشارك في الحكومة المقبلة`` (no quotation marks): the name
        before the colon says what follows.

        Only a line of its own — a paragraph of at most ``MAX_HEADLINE`` words that does not end with a
        full stop — whose colon follows one to four words with no punctuation or cue: a dateline
        (``بيروت - وكالات:``) has punctuation, and a dateline line goes on into a full sentence.
        """
        art = self.art
        offset = 0
        for line in art.text.split("\n"):
            start, offset = offset, offset + len(line) + 1
            body = line.rstrip()
            if ":" not in body or body.endswith((".", "!", "؟", "?")) or len(body.split()) > MAX_HEADLINE:
                continue
            colon = start + body.index(":")
            a = bisect.bisect_left(art.starts, start)
            c = bisect.bisect_left(art.starts, colon)
            if not (1 <= c - a <= 4) or any(art.is_punct(m) or _cue_kind(art.f[m]) or art.inside[m] is not None for m in range(a, c)):
                continue
            if any(q.start <= colon < q.end or colon <= q.start < start + len(body) for q in self.quotes):
                continue
            e = bisect.bisect_left(art.starts, start + len(body))
            first = c + 1
            while e > first and art.is_punct(e - 1):
                e -= 1
            if e - first < 2 or first in art.region_at_open:
                continue
            speaker = _Speaker(art.text[art.starts[a] : art.ends[c - 1]], art.starts[a], art.ends[c - 1])
            self._add_glued_headlines(first, e, speaker)

    def _inline_headlines(self) -> None:
        """A headline run into the text (ANERcorp joins a headline to the sentences around it): ``... "مجموعة من
        الإرهابيين". جون بولتون: وقف إطلاق النار مع الإرهابيين مرفوض (الفرنسية) وأضاف``. At a sentence's start a
        sure name (two to four name words, a role or title, or someone the article quotes elsewhere: ``رايس``), a
        colon, then three words or more that do not open with a cue (a byline ``إبراهيم العسم: أكد ...``): a
        direct quote up to a caption ``(``, a quotation, a cue or the sentence's end."""
        art = self.art
        for sid in range(len(art.sentences)):
            a, last = art.sent_first[sid], art.sent_last[sid]
            c = a
            while c < last and c - a <= 4 and art.texts[c] != ":":
                c += 1
            if c >= last or art.texts[c] != ":" or not (1 <= c - a <= 4):
                continue
            if any(art.is_punct(m) or _cue_kind(art.f[m]) or art.inside[m] is not None for m in range(a, c)):
                continue
            speaker = _Speaker(art.text[art.starts[a] : art.ends[c - 1]], art.starts[a], art.ends[c - 1])
            surname = c - a == 1 and any(key[-1] == art.f[a] for key in self.known)  # "رايس" after "كوندوليزا رايس"
            if not (surname or self._strong_subject(speaker)):
                continue
            first = c + 1
            if first >= last or _cue_kind(art.f[first]) or art.inside[first] is not None or first in art.region_at_open:
                continue
            e = first
            while e < last and not (
                art.texts[e] in "("
                or (art.is_punct(e) and not (art.texts[e] == ":" and e - first >= 3))  # "... الفردان: ..." glued
                or art.inside[e] is not None
                or (e > first and _strong_cue(art.f[e]))
            ):
                e += 1
            if e - first < 3:
                continue
            start, end = art.starts[first], art.ends[e - 1]
            if any(q.start < end and start < q.end for q in self.quotes):
                continue
            self._add_glued_headlines(first, e, speaker)

    def _add_glued_headlines(self, first: int, e: int, speaker) -> None:
        """Add the headline ``[first, e)``; headlines glued together (``العطية: مرحلة هامة ... الفردان: البرنامج
        لن ...``) are one direct quote per name and colon, each up to where the next name begins."""
        art = self.art
        while True:
            cut = e
            for m in range(first + 2, e - 3):
                # a word, then a colon, then two words or more: the next headline's name
                if art.texts[m + 1] == ":" and not art.is_punct(m) and not _cue_kind(art.f[m]):
                    cut = m
                    break
            self._add(art.starts[first], art.ends[cut - 1], DIRECT, None, speaker, "subject", 0.6)
            if cut == e:
                return
            colon = cut + 1
            speaker = _Speaker(art.text[art.starts[cut] : art.ends[colon - 1]], art.starts[cut], art.ends[colon - 1])
            first = colon + 1


def _strong_cue(ftok: str) -> bool:
    """A cue that starts a new event inside a headline (``وأضاف``), not a weak one that is mostly a
    preposition (``عبر``)."""
    found = _cue_kind(ftok)
    return found is not None and found[0] != "weak"
