"""Back-references of the quote finder's speakers (a mixin of :class:`arabic.quotes._Finder`).

Two things a reader resolves without thinking and the finder must be told:

* **an outlet named by its kind** — ``وذكرت صحيفة تايمز البريطانية أن ... وأضافت الصحيفة أن ...``: ``الصحيفة`` is
  the newspaper the article named last (``تايمز``); likewise ``المجلة``، ``الوكالة``، ``القناة``، ``الإذاعة``;
* **the gender of a pronoun-dropped verb** — ``وقالت المتحدثة ... "..." ... وذكر أن ...``: a masculine ``وذكر``
  cannot continue a woman's or a feminine organisation's words, so the chain stops there (the speaker is then
  left unknown rather than guessed).
"""

from __future__ import annotations

import bisect
import dataclasses

from arabic.quote_cues import (
    ADJECTIVES,
    AUDIENCE_OBJECTS,
    AUDIENCE_STEMS,
    DOCUMENTS,
    OCCASIONS,
    COMPLEMENTIZERS,
    CUE_FORMS,
    KANA,
    MAX_TITLED_SUBJECT,
    NOT_SPEAKERS,
    RELATIVES,
    SOURCE_HEADS,
    ROLE_NOUNS,
    STOP_WORDS,
    TITLES,
    _cue_kind,
    _definite,
    _fold_token,
    _folded_set,
    _name_word,
    _nisba,
    _speech_noun,
)
from arabic.quote_names import _NAME_PARTICLES, _Speaker
from arabic.quote_phrases import discourse_opener_end, manner_adverb
from arabic.quotemarks import QUOTE_MARKS

# kinds of outlet: "الصحيفة" refers back to the last "صحيفة X" (stems without the article, folded)
# verbs that give a speech, and the speech they give: "ألقى ... كلمة"، "أدلى ... بتصريح"
_GIVES_SPEECH = _folded_set("ألقى القى أدلى ادلى")
_OUTLETS = _folded_set("صحيفة جريدة مجلة وكالة قناة إذاعة شبكة موقع")
# words after "الصحيفة" that still make it a bare back-reference ("الصحيفة نفسها")
_SAME = _folded_set("نفسها ذاتها نفسه ذاته")
MASCULINE, FEMININE = "m", "f"
# words that may open a sentence before its verb: "كما هاجم نصر الله ..."
_OPENERS = _folded_set("كما ثم وقد قد بعدما")
_ALLAH = _fold_token("الله")


def cue_gender(ftok: str) -> str | None:
    """The grammatical gender of a singular reporting verb or participle (folded): ``قالت``/``تقول``/``مضيفة`` are
    feminine, ``قال``/``يقول``/``مضيفا`` masculine; plurals, duals and non-verbs (بحسب) have none."""
    found = _cue_kind(ftok)
    if found is None:
        return None
    kind, cut = found
    w = ftok[cut:]
    if kind == "feminine":
        return FEMININE
    if kind in ("source", "saying"):
        return None
    if (
        w.endswith(("وا", "ون"))
        or (w[:1] in "يت" and w.endswith("ان"))
        or (w.endswith("ا") and kind in ("verb", "weak") and w[:-1] in CUE_FORMS)
        or (w.endswith("ن") and w[:-1] + "ت" in CUE_FORMS and w[:-1] + "ت" != w)
    ):
        return None  # قالوا، يقولون، قالا، قلن: several speakers
    if kind in ("participle", "weak-participle"):
        return FEMININE if w.endswith("ه") else MASCULINE
    # past: the feminine adds ت to a masculine form (قال/قالت, نفى/نفت); "لفت" is masculine
    if w.endswith("ت") and len(w) > 2 and (w[:-1] in CUE_FORMS or w[:-1] + "ي" in CUE_FORMS or w[:-1] + "ى" in CUE_FORMS):
        return FEMININE
    # present: تقول is the feminine of يقول ("تابع" is a masculine past)
    if w[:1] == "ت" and "ي" + w[1:] in CUE_FORMS:
        return FEMININE
    return MASCULINE


def genders_agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


class ReferenceMixin:
    """Outlets named by their kind, resolved to the name given earlier in the article."""

    def _resolve_outlet(self, q):
        """``الصحيفة`` as a speaker → the newspaper named last before the quote (``صحيفة "بابل"`` → بابل)."""
        if q.speaker is None:
            return q
        words = [_fold_token(w) for w in q.speaker.split()]
        if not (1 <= len(words) <= 2) or not words[0].startswith("ال") or words[0][2:] not in _OUTLETS:
            return q
        if len(words) == 2 and words[1] not in _SAME:
            return q
        name = self._outlet_named_before(words[0][2:], q.speaker_start if q.speaker_start is not None else q.start)
        if name is None:
            return q
        return dataclasses.replace(
            q, speaker=name.name, speaker_start=name.start, speaker_end=name.end, speaker_resolution="outlet"
        )

    def _outlet_named_before(self, kind: str, offset: int) -> _Speaker | None:
        """The name after the last ``صحيفة``/``لصحيفة``/``وصحيفة`` (of ``kind``) before ``offset``: a short
        quotation (``صحيفة "بابل"``), or up to three words before a punctuation mark, a preposition, an adjective
        (``صحيفة تايمز البريطانية`` → تايمز) or a verb. An outlet with no name (``صحيفة إسرائيلية``) gives none."""
        art = self.art
        end = bisect.bisect_left(art.starts, offset)
        for p in range(end - 1, -1, -1):
            f = art.f[p]
            if not (f == kind or (f[:1] in "وفبل" and f[1:] == kind)):
                continue
            m = p + 1
            if m >= art.n or art.sent_of[m] != art.sent_of[p]:
                return None
            if m in art.region_at_open:
                region = art.regions[art.region_at_open[m]]
                if art.words_between(region.start, region.end) <= 4:
                    return _Speaker(art.text[region.start : region.end], region.start, region.end)
                return None
            k = m
            while k < art.n and k - m < 3 and art.sent_of[k] == art.sent_of[p]:
                g = art.f[k]
                if (
                    art.is_punct(k)
                    or g in STOP_WORDS
                    or g in COMPLEMENTIZERS
                    or g in ADJECTIVES
                    or _cue_kind(g) is not None
                    or (k > m and _definite(g, art.texts[k]) and _nisba(g))  # "تايمز البريطانية"
                    or (k > m and _nisba(g))
                    or g.endswith("يه")  # "الإسرائيلية", "إسرائيلية"
                    or (k > m and g.endswith("ا") and len(g) >= 3)  # "وكالة رويترز صورا": an accusative object
                ):
                    break
                k += 1
            if k == m:
                return None
            return _Speaker(art.text[art.starts[m] : art.ends[k - 1]], art.starts[m], art.ends[k - 1])
        return None

    def _article_subject_in(self, first: int, i: int) -> _Speaker | None:
        """``كما هاجم نصر الله رئيس الوزراء ...، واعتبر أن``: a sentence that opens with a verb (not a reporting
        one) whose subject is someone the article names right after a reporting verb elsewhere (``قال نصر الله``):
        that person speaks for the pronoun-dropped cue at ``i``. The name is that word and the words that follow
        it as often elsewhere in the article (or ``الله``), up to three."""
        art = self.art
        # the sentence's start, or a clause opened by كما/ثم inside it (after a quotation that did not end it)
        starts = [k + 1 for k in range(first, i) if art.f[k] in _OPENERS and art.inside[k] is None]
        for p in reversed([first] + starts):
            while p < i and art.f[p] in _OPENERS:
                p += 1
            found = self._verb_then_known_subject(p, i)
            if found is not None:
                return found
        return None

    def _verb_then_known_subject(self, p: int, i: int) -> _Speaker | None:
        art = self.art
        w = p + 1
        if w >= i or art.is_punct(p) or art.inside[p] is not None:
            return None
        verb = art.f[p]
        kind = _cue_kind(verb)
        if _definite(verb, art.texts[p]) or verb in STOP_WORDS or verb in NOT_SPEAKERS or (kind and kind[0] != "weak"):
            return None  # a reporting verb's subject is found by the verb itself; a weak one ("ورفض بولتون") here
        head = art.f[w]
        if (
            art.is_punct(w)
            or art.inside[w] is not None
            or head not in self._subject_words()
            or _definite(head, art.texts[w])
            or head in ROLE_NOUNS
            or head in TITLES
            or not _name_word(head, True)
        ):
            return None
        end = w + 1
        while end < i and end - w < 3 and not art.is_punct(end):
            nxt = art.f[end]
            if nxt != _ALLAH and self._bigrams().get((art.f[end - 1], nxt), 0) < 2:
                break
            end += 1
        return _Speaker(art.text[art.starts[w] : art.ends[end - 1]], art.starts[w], art.ends[end - 1])

    def _opening_verb_subject(self, first: int, i: int, *, roles: bool = False) -> _Speaker | None:
        """``شن الإسباني فرناندو ألونسو هجوما حادا على شوماخر وقال إنه``، ``وهدد وزير البيئة يوري تروتنيف بوقف
        المشروع. وقال إنه``: a sentence (or a clause opened by كما/ثم) that starts with a verb that reports nothing,
        followed by a sure name (a titled person, two to four name words, or someone already quoted). That name is
        the subject, and it speaks for a cue in ``[first, i)`` that names no one; the noun after it is the verb's
        object (``اتهم ... الجبوري تنظيم القاعدة``، ``رفض ... باتشان فكرة أن``), never the speaker. With ``roles``
        a role or an organisation without a name counts too (``أصدرت شركة مايكروسوفت ملفا ...، قائلة``)."""
        art = self.art
        starts = [
            k + 1
            for k in range(first, i)
            if art.f[k] in _OPENERS and art.inside[k] is None and not self._in_covered(art.starts[k])
        ]
        # "وكان الأمين العام للأمم المتحدة كوفي أنان حث ...": كان and its subject, near the sentence's start
        starts += [k for k in range(first, min(i, first + 3)) if art.f[k] in KANA]
        for p in [first] + starts:
            while p < i and art.f[p] in _OPENERS:
                p += 1
            p = discourse_opener_end(art.f, art.texts, p, i)  # "من جهة أخرى قدم السيد سوريش ماثيور ..."
            if p + 1 >= i or art.is_punct(p) or art.inside[p] is not None:
                continue
            verb = art.f[p]
            kind = _cue_kind(verb)
            bare = verb[1:] if verb[:1] in "وف" else verb
            if (
                (kind is not None and kind[0] != "weak")
                or _definite(verb, art.texts[p])
                or verb in STOP_WORDS
                or bare in STOP_WORDS
                or verb in NOT_SPEAKERS
                or bare in ROLE_NOUNS
                or bare in TITLES
                or bare in _NAME_PARTICLES  # "وابو عبد الله على قناعة ان": a name, not a verb
                or not (3 <= len(bare) <= 8)
            ):
                continue
            speaker, resolution, _ = self._subject_after(p)
            speaker = _before_accusative(speaker)
            if speaker is not None and resolution in ("subject", "entity") and speaker.end <= art.starts[i]:
                words = [_fold_token(w) for w in speaker.name.split()]
                # a role with no name ("وتحدث المسؤول ...") is left to the other rules
                role = words[0] in ROLE_NOUNS or words[0] in TITLES or words[0] in SOURCE_HEADS
                # a role with no name ("وتحدث المسؤول ...") only when nothing else names the speaker
                if (roles or not role) and not any(ch.isdigit() for ch in speaker.name):  # "بعد11 يوما"
                    if self._strong_subject(speaker):
                        return speaker
            named = self._titled_name_after(p, i)
            if named is not None:
                return named
        return None

    def _kana_subject(self, first: int, comma: int) -> _Speaker | None:
        """``وكانت المحكمة العليا الاميركية، اعتبرت ان``، ``وكانت فرنسا التي وزعت مقترحاتها ...، قد قالت انها``:
        a sentence that opens with كان and its subject, then a comma (after a relative clause or none) right
        before the verb: the subject after كان speaks, up to the first comma or relative pronoun."""
        art = self.art
        if art.f[first] not in KANA:
            return None
        s = first + 1
        e = s
        while e < comma and not art.is_punct(e) and art.f[e] not in RELATIVES and art.inside[e] is None:
            e += 1
        if not (1 <= e - s <= MAX_TITLED_SUBJECT) or art.f[s] in STOP_WORDS or art.f[s] in NOT_SPEAKERS:
            return None
        if _cue_kind(art.f[s]) is not None or art.f[s] in CUE_FORMS:
            return None
        name = self._name_in(s, e)
        if name is not None:
            return name
        return _Speaker(art.text[art.starts[s] : art.ends[e - 1]], art.starts[s], art.ends[e - 1])

    def _titled_name_after(self, p: int, i: int) -> _Speaker | None:
        """A title, then a name of two words or more, right after token ``p`` (``وكان الأمين العام للأمم المتحدة
        كوفي أنان حث``، ``شن الإسباني فرناندو ألونسو بطل العالم``): the shortest such name (two words, longer as the
        article writes it elsewhere), before a complementizer, a cue or punctuation."""
        art = self.art
        e = p + 1
        while e < i and e - p <= MAX_TITLED_SUBJECT + 2:
            f = art.f[e]
            if (
                art.is_punct(e)
                or art.inside[e] is not None
                or f in COMPLEMENTIZERS
                or f in NOT_SPEAKERS
                or (f in STOP_WORDS and f != "في")
                or _cue_kind(f) is not None
                or any(ch.isdigit() for ch in f)  # "بعد11 يوما"
            ):
                break
            e += 1
        for end in range(p + 3, e + 1):
            run = self._name_run(p + 1, end)
            if run is not None and run[1] - run[0] >= 2:
                a, b = run
                while b < e and b - a < 4 and self._bigrams().get((art.f[b - 1], art.f[b]), 0) >= 2:
                    b += 1  # the name goes on as it does elsewhere in the article ("جان مارك دو لا سابليير")
                named = _before_accusative(_Speaker(art.text[art.starts[a] : art.ends[b - 1]], art.starts[a], art.ends[b - 1]))
                return named if named is not None and self._strong_subject(named) else None
        return None

    def _description_end(self, j: int, k: int, last: int) -> int:
        """A speaker named by a description only, cut at token ``k`` by a preposition, goes on up to the
        complementizer: ``الوكالة الوطنية للتنسيق في الكوارث بإندونيسيا إن``، ``ممثل وزارة الخارجية الإيرانية في
        مدينة مشهد إن``، ``مراسل الجزيرة في موسكو إن``. Returns the new end (``k`` when the phrase does not reach
        a complementizer within six words, or meets an addressee, an occasion, a time word, a cue or a quotation:
        ``قال المسؤول في تصريح للصحافيين إن``، ``قال المصدر لرويترز إن``)."""
        art = self.art
        if k >= last:
            return k
        # a definite noun that ended the subject may be a surname ("واكد الرئيس السنيورة ان"), unless the verb's
        # object comes before بأن ("ووصف الوزير الاتفاق بأنه")
        noun = not (art.f[k] == "في" or (art.f[k][:1] in "لب" and len(art.f[k]) > 3))
        m = k
        while m < last and m - k <= 6:
            f, t = art.f[m], art.texts[m]
            if f in COMPLEMENTIZERS:
                return m if m > k and not (noun and f[:1] == "ب") else k
            if art.is_punct(m) or t in QUOTE_MARKS or m in art.region_at_open or art.inside[m] is not None:
                return k
            if _cue_kind(f) is not None or f in NOT_SPEAKERS or f in DOCUMENTS or _speech_noun(f) or manner_adverb(f):
                return k  # ... "وأضاف المدير بأسف شديد أن": a manner adverb ends the subject
            bare = f[2:] if f.startswith("لل") else f[1:] if f[:1] in "لب" else f
            if bare in AUDIENCE_OBJECTS or bare in AUDIENCE_STEMS or f in AUDIENCE_OBJECTS:
                return k
            if any(bare.startswith(o) for o in OCCASIONS if len(o) >= 3):
                return k
            if f in STOP_WORDS and f != "في":
                return k  # time words (أمس، اليوم) and other prepositions end the description
            if f[:1] == "ل" and not f.startswith("لل"):
                return k  # "لرويترز"، "لمجلة": the addressee
            m += 1
        return k

    def _bigrams(self) -> dict[tuple[str, str], int]:
        """How often each pair of folded words occurs in the article (computed once)."""
        if self._bigram_counts is None:
            counts: dict[tuple[str, str], int] = {}
            f = self.art.f
            for pair in zip(f, f[1:]):
                counts[pair] = counts.get(pair, 0) + 1
            self._bigram_counts = counts
        return self._bigram_counts

    def _speech_giver_in(self, first: int, i: int) -> _Speaker | None:
        """``وألقى سعيد بن شيبان رئيس وفد النادي كلمة خلال الحفل ... مشيرا إلى أن``: the subject of a verb that
        gives a speech (ألقى كلمة، أدلى بتصريح) speaks for a cue in its sentence that names no one. The speech
        noun itself (كلمة) is never the speaker."""
        art = self.art
        for v in range(first, i):
            f = art.f[v]
            verb = f[1:] if f[:1] in "وف" and f[1:] in _GIVES_SPEECH else f
            if verb not in _GIVES_SPEECH or art.inside[v] is not None:
                continue
            speaker, resolution, after = self._subject_after(v)
            if speaker is None or resolution not in ("subject", "entity"):
                continue
            # the speech noun right after the subject, or a few words on ("رئيس وفد نادي الجزيرة كلمة")
            for k in range(after, min(i, after + 4)):
                noun = art.f[k]
                if art.is_punct(k):
                    break
                if _speech_noun(noun):
                    return speaker
        return None


def _before_accusative(speaker: _Speaker | None) -> _Speaker | None:
    """The words before an indefinite accusative noun and its adjective (``هجوما حادا``، ``ملفا أمنيا``): they are
    the verb's object, so the subject ends before them (``شنت كوريا الشمالية هجوما حادا`` → ``كوريا الشمالية``;
    nothing is left of ``هجوما حادا``)."""
    if speaker is None:
        return None
    words = speaker.name.split(" ")
    for n in range(len(words) - 1):
        a, b = _fold_token(words[n]), _fold_token(words[n + 1])
        if len(a) >= 4 and a.endswith("ا") and len(b) >= 3 and b.endswith("ا") and not a.startswith("ال"):
            if n == 0:
                return None
            name = " ".join(words[:n])
            return _Speaker(name, speaker.start, speaker.start + len(name))
    return speaker
