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
    COMPLEMENTIZERS,
    CUE_FORMS,
    NOT_SPEAKERS,
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
from arabic.quote_names import _Speaker

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
