"""A CRF entity tagger that learns from the corpus's own annotations.

Features, computed in :mod:`arabic.ner.features` (Arabic has no capitals, so no capitalisation features):

* the folded word (:func:`arabic.normalize.fold_text`), its proclitic-stripped
  stem (``وبايدن`` -> ``بايدن``, ``والعراق`` -> ``عراق`` + article flag) and the
  proclitic itself;
* prefixes and suffixes of 1-3 letters (nisba ``ي``, feminine ``ه``, plural ``ون``);
* a shape: Arabic / digits / Latin / punctuation / mixed, and a length bucket;
* gazetteer features (known names, :class:`arabic.matching.Gazetteer`):
  ``gaz=B-LOC`` / ``gaz=I-LOC`` for tokens inside a known name;
* a context class for titles, organisation and place heads, speech verbs and name
  connectors (``tc=TITLE``, :mod:`arabic.ner.triggers`);
* the word, stem, shape, class and gazetteer features of the neighbours at ±1 and ±2;
* optionally a *lexicon*: names from openly licensed lists (``lex=B-PERS``,
  :mod:`arabic.ner.resources`), never jackknifed since they are not the
  training annotations;
* optionally word clusters learned from unlabelled text
  (:mod:`arabic.ner.clusters`): the clusters of the word (``c500=17``) and of
  its ±1 neighbours.

Training uses python-crfsuite (the engine behind sklearn-crfsuite) with L-BFGS
and elastic-net regularisation. When the gazetteer is built from the training
annotations themselves, each fold of the training data gets its gazetteer
features from the *other* folds (jackknifing): otherwise every training entity
is in the gazetteer and the model learns to trust it blindly.

A model is one file: a zip holding ``meta.json`` (format, version string,
labels, training statistics, parameters), ``model.crfsuite`` and
``gazetteer.json``. Predictions carry the marginal probability of their tags as
confidence. :meth:`CrfModel.predict_spans` treats its text as one document: a
name tagged confidently once is tagged at its other occurrences too
(:mod:`arabic.ner.consistency`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pycrfsuite

from arabic.matching import Gazetteer
from arabic.ner import EntitySpan, bio_to_chunks, sentence_ranges as _sentence_ranges, strip_proclitic
from arabic.ner import tagger_chunks as _chunks
from arabic.ner.clusters import WordClusters
from arabic.ner.consistency import KnownWords, Options as ConsistencyOptions, document_names, first_word_forms, propagate
from arabic.ner.features import (  # noqa: F401 (gazetteer_tags, sentence_features: part of this module's interface)
    MergedGazetteer,
    jackknifed_names,
    _add_base_features,
    _full_features,
    _word_features,
    gazetteer_tags,
    sentence_features,
)
from arabic.ner.guidelines import ANERCORP, APP, apply_guidelines
from arabic.normalize import fold_text
from arabic.sentences import Sentence, split_sentences
from arabic.tokens import Token, tokenize

FORMAT = "newsreader-crf/1"
FEATURES_VERSION = 2
SUGGESTER = "crf"
# confidence of an entity the guidelines' rules made rather than the tagger
RULE_CONFIDENCE = 0.75
# confidence of an entity the document-level pass added (a name tagged with confidence elsewhere in the article)
DOCUMENT_CONFIDENCE = 0.7
# the document-level pass of predict_spans, as chosen on fold 0 of the contiguous cross-validation
# (docs/language-engine.md, "Round 3")
DOCUMENT = ConsistencyOptions(min_confidence=0.6, name_parts=True, relabel=True)
class ModelFileError(ValueError):
    """A model file that is not a newsreader CRF model (or of another format version)."""


@dataclass
class CrfModel(MergedGazetteer):
    """A trained tagger. Build with :meth:`train` or :meth:`load`."""

    model_bytes: bytes
    meta: dict
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    lexicon: Gazetteer | None = None
    clusters: WordClusters | None = None
    base: CrfModel | None = None
    # crfsuite taggers are not thread-safe: one per thread
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)
    _known: tuple | None = field(default=None, repr=False, compare=False)
    _merged: tuple | None = field(default=None, repr=False, compare=False)
    # the model's attribute dictionary and word form -> its known features (see _items)
    _attributes: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _word_cache: dict = field(default_factory=dict, repr=False, compare=False)
    _encoded: dict = field(default_factory=dict, repr=False, compare=False)
    _pair_sides: tuple = field(default=(frozenset(), frozenset()), repr=False, compare=False)
    _extra_cache: dict = field(default_factory=dict, repr=False, compare=False)
    _cuts: tuple = field(default=(None, {}), repr=False, compare=False)
    _padding: tuple | None = field(default=None, repr=False, compare=False)
    _places: tuple | None = field(default=None, repr=False, compare=False)
    _given: frozenset[str] | None = field(default=None, repr=False, compare=False)

    # -- training ------------------------------------------------------------

    @classmethod
    def train(
        cls,
        sentences: Iterable[tuple[Sequence[str], Sequence[str]]],
        *,
        gazetteer: Gazetteer | None = None,
        gazetteer_from_training: bool = True,
        c1: float = 0.05,
        c2: float = 0.05,
        max_iterations: int = 100,
        min_freq: int = 1,
        version: str | None = None,
        jackknife_folds: int = 5,
        seed: int = 0,
        lexicon: Gazetteer | None = None,
        clusters: WordClusters | None = None,
        base: CrfModel | None = None,
    ) -> CrfModel:
        """Train from ``(tokens, BIO tags)`` sentences.

        ``gazetteer``: names known from elsewhere (accepted annotations). With
        ``gazetteer_from_training`` the training entities are added too, with
        jackknifed features (see the module notes). ``version`` defaults to a
        UTC timestamp plus a short hash of the model.
        """
        data = [(list(words), list(tags)) for words, tags in sentences if len(words)]
        if not data:
            raise ValueError("no training sentences: the CRF needs at least one annotated sentence")
        for words, tags in data:
            if len(words) != len(tags):
                raise ValueError(f"sentence has {len(words)} tokens but {len(tags)} tags: {' '.join(words)[:80]}")
        started = time.perf_counter()
        names_known = gazetteer or Gazetteer()
        if gazetteer_from_training:
            full, per_fold, fold_of = jackknifed_names(data, names_known, lexicon, folds=jackknife_folds, seed=seed)
        else:
            full, fold_of = names_known.copy(), [0] * len(data)
        trainer = pycrfsuite.Trainer(verbose=False)
        trainer.set_params(
            {
                "c1": c1,
                "c2": c2,
                "max_iterations": max_iterations,
                "feature.minfreq": min_freq,
                "feature.possible_transitions": True,
            }
        )
        if clusters is not None and not len(clusters):
            clusters = None
        cache: dict = {}
        for idx, (words, tags) in enumerate(data):
            g = per_fold[fold_of[idx]] if gazetteer_from_training else names_known
            base_tags = base.predict_tags(words) if base is not None else None
            items = sentence_features(words, g, lexicon=lexicon, clusters=clusters, cache=cache, base_tags=base_tags)
            trainer.append(pycrfsuite.ItemSequence(items), tags)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.crfsuite")
            trainer.train(path)
            with open(path, "rb") as fp:
                model_bytes = fp.read()
        labels = sorted({t[2:] for _, tags in data for t in tags if t != "O"})
        digest = hashlib.sha256(model_bytes).hexdigest()[:12]
        now = datetime.now(UTC)
        meta = {
            "format": FORMAT,
            "features_version": FEATURES_VERSION,
            "version": version or f"{now:%Y%m%dT%H%M%SZ}-{digest}",
            "created": now.isoformat(timespec="seconds"),
            "labels": labels,
            "sentences": len(data),
            "tokens": sum(len(w) for w, _ in data),
            "entities": sum(len(bio_to_chunks(t)) for _, t in data),
            "training_seconds": round(time.perf_counter() - started, 2),
            "params": {"c1": c1, "c2": c2, "max_iterations": max_iterations, "min_freq": min_freq},
            "lexicon": len(lexicon) if lexicon is not None else 0,
            "clusters": {"words": len(clusters), "sizes": list(clusters.sizes), "source": clusters.source}
            if clusters is not None
            else None,
            "base": {"version": base.version, "labels": base.labels} if base is not None else None,
            "sha256": hashlib.sha256(model_bytes).hexdigest(),
        }
        return cls(model_bytes, meta, full, lexicon, clusters, base)

    # -- files ---------------------------------------------------------------

    @property
    def version(self) -> str:
        return self.meta["version"]

    @property
    def labels(self) -> list[str]:
        return list(self.meta["labels"])

    def save(self, path: str | os.PathLike) -> None:
        """Write the model to one file (atomically: readers never see half a model)."""
        path = os.fspath(path)
        names = list(self.gazetteer.items())
        tmp = f"{path}.{os.getpid()}.tmp"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("meta.json", json.dumps(self.meta, ensure_ascii=False, indent=1))
            zf.writestr("model.crfsuite", self.model_bytes)
            zf.writestr("gazetteer.json", json.dumps(names, ensure_ascii=False))
            if self.lexicon is not None:
                zf.writestr("lexicon.json", json.dumps(list(self.lexicon.items()), ensure_ascii=False))
            if self.clusters is not None:
                zf.writestr("clusters.json", self.clusters.to_json())
            if self.base is not None:
                zf.writestr("base.crf", self.base.to_bytes())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> CrfModel:
        try:
            with zipfile.ZipFile(path) as zf:
                meta = json.loads(zf.read("meta.json"))
                model_bytes = zf.read("model.crfsuite")
                names = json.loads(zf.read("gazetteer.json"))
                listed = set(zf.namelist())
                lexicon_names = json.loads(zf.read("lexicon.json")) if "lexicon.json" in listed else None
                clusters = WordClusters.from_json(zf.read("clusters.json")) if "clusters.json" in listed else None
                base_bytes = zf.read("base.crf") if "base.crf" in listed else None
        except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
            raise ModelFileError(f"{_name(path)} is not a newsreader CRF model file: {exc}") from exc
        if meta.get("format") != FORMAT or meta.get("features_version") != FEATURES_VERSION:
            raise ModelFileError(
                f"{_name(path)} is a model of format {meta.get('format')!r} "
                f"(features v{meta.get('features_version')}); this code reads {FORMAT} v{FEATURES_VERSION}: retrain it"
            )
        if hashlib.sha256(model_bytes).hexdigest() != meta.get("sha256"):
            raise ModelFileError(f"{_name(path)}: the model data does not match its checksum")
        gazetteer = Gazetteer()
        for name, label, weight in names:
            gazetteer.add(name, label, weight)
        lexicon = None
        if lexicon_names is not None:
            lexicon = Gazetteer()
            for name, label, weight in lexicon_names:
                lexicon.add(name, label, weight)
        base = cls.load(io.BytesIO(base_bytes)) if base_bytes is not None else None
        return cls(model_bytes, meta, gazetteer, lexicon, clusters, base)

    def to_bytes(self) -> bytes:
        """The model file's bytes (what :meth:`save` writes)."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.crf")
            self.save(path)
            with open(path, "rb") as fp:
                return fp.read()

    # -- prediction ----------------------------------------------------------

    @property
    def tagger(self) -> pycrfsuite.Tagger:
        """This thread's crfsuite tagger for the model."""
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self.model_bytes)
            self._local.tagger = tagger
        return tagger

    def predict_tags(self, words: Sequence[str], *, gazetteer: Gazetteer | None = None) -> list[str]:
        if not words:
            return []
        return self.tagger.tag(self._items(words, self._gazetteer_for(gazetteer), gazetteer))

    def predict_many(self, sentences: Iterable[Sequence[str]], *, gazetteer: Gazetteer | None = None) -> list[list[str]]:
        g = self._gazetteer_for(gazetteer)
        tagger = self.tagger
        return [tagger.tag(self._items(words, g, gazetteer)) if len(words) else [] for words in sentences]

    def tag_with_probability(self, words: Sequence[str], *, gazetteer: Gazetteer | None = None) -> tuple[list[str], float]:
        """The tags of ``words`` and the probability the model gives the whole sequence."""
        if not len(words):
            return [], 1.0
        tagger = self.tagger
        tagger.set(self._items(words, self._gazetteer_for(gazetteer), gazetteer))
        tags = tagger.tag()
        return tags, tagger.probability(tags)

    def predict_chunks(
        self, sentences: Iterable[Sequence[str]], *, gazetteer: Gazetteer | None = None
    ) -> list[tuple[list[tuple[str, int, int]], list[float]]]:
        """``(chunks, confidences)`` per sentence: ``(label, first, last + 1)`` and the mean marginal of its tags."""
        g = self._gazetteer_for(gazetteer)
        tagger = self.tagger
        out = []
        for words in sentences:
            if not len(words):
                out.append(([], []))
                continue
            tagger.set(self._items(words, g, gazetteer))
            tags = tagger.tag()
            chunks = _chunks(tags)
            out.append((chunks, [sum(tagger.marginal(tags[k], k) for k in range(a, b)) / (b - a) for _, a, b in chunks]))
        return out

    def predict_spans(
        self,
        text: str,
        *,
        gazetteer: Gazetteer | None = None,
        min_confidence: float = 0.0,
        tokens: Sequence[Token] | None = None,
        sentences: Sequence[Sentence] | None = None,
        guidelines: bool = True,
        document: ConsistencyOptions | None = DOCUMENT,
        chunker=None,
    ) -> list[EntitySpan]:
        """Entities in ``text`` with code-point offsets; proclitics are left out of the span.

        ``guidelines``: apply newsreader's entity guidelines to the tagger's
        chunks (:func:`arabic.ner.guidelines.apply_guidelines`).

        ``document``: ``text`` is one document (an article), and a name the
        tagger is sure of somewhere in it is tagged at its other occurrences
        too (:mod:`arabic.ner.consistency`; None: each sentence on its own).

        ``tokens`` (:func:`arabic.tokens.tokenize`) and ``sentences``
        (:func:`arabic.sentences.split_sentences`) of ``text``, when the caller
        has them already (:func:`arabic.suggest.suggest` shares them between
        the suggesters); otherwise they are computed here.

        ``chunker``: tags the sentences instead of this model alone (words of
        each sentence -> ``(chunks, confidences)`` per sentence, as
        :meth:`predict_chunks`; :class:`arabic.ner.ensemble.Ensemble` combines
        this model with a neural tagger so).
        """
        g = self._gazetteer_for(gazetteer)
        tagger = self.tagger
        known = self._known_words(g)
        cuts = self._proclitic_cuts(known)
        if tokens is None:
            tokens = tokenize(text)
        if sentences is None:
            sentences = split_sentences(text)
        spans: list[EntitySpan] = []
        if not tokens:
            return spans
        # parallel columns: a sentence's words are one slice, no per-token attribute reads
        words_of, starts, ends = zip(*tokens)
        tagged = []
        ranges = _sentence_ranges(starts, sentences)
        if chunker is not None:
            groups = [words_of[first:last] for first, last in ranges]
            for (first, _), words, (chunks, confidences) in zip(ranges, groups, chunker(groups, gazetteer=gazetteer)):
                tagged.append((first, words, chunks, confidences))
            ranges = ()
        for first, last in ranges:
            words = words_of[first:last]
            tagger.set(self._items(words, g, gazetteer))
            tags = tagger.tag()
            chunks = _chunks(tags)
            # the mean marginal of a chunk's tags (marginals only for the tokens of predicted entities)
            confidences = [sum(tagger.marginal(tags[k], k) for k in range(a, b)) / (b - a) for _, a, b in chunks]
            tagged.append((first, words, chunks, confidences))
        folded = [[_word_features(w)[5] for w in words] for _, words, _, _ in tagged]
        if document is not None and any(c >= document.min_confidence for *_, cs in tagged for c in cs):
            # the text is one document (an article): what the tagger is sure of once holds everywhere in it
            names = document_names(
                [item[1:] for item in tagged],
                document,
                folded=folded,
                known=known,
                given_names=self.given_names(),
                needed_only=True,
            )
            forms = first_word_forms(names)
            merged = [
                propagate(f, chunks, confidences, names, document, words, forms)
                for f, (_, words, chunks, confidences) in zip(folded, tagged)
            ]
            # the proclitic of a name the document taught (وماكرون after ماكرون): its words are known too
            document_known = KnownWords(known, names.first_words())
        else:
            merged = [[(*c, p) for c, p in zip(chunks, cs)] for _, _, chunks, cs in tagged]
            document_known = known
        for (first, words, _, _), f, sentence_chunks in zip(tagged, folded, merged):
            confidence_of = {(label, a, b): p for label, a, b, p in sentence_chunks}
            chunks = [(label, a, b) for label, a, b, _ in sentence_chunks]
            if guidelines:
                chunks = self._guidelines(words, chunks, g, f)
            for chunk in chunks:
                label, a, b = chunk
                word = words_of[first + a]
                confidence = confidence_of.get(chunk, RULE_CONFIDENCE)  # absent: the guidelines made it
                if confidence is None:
                    # a chunk the document's names made (arabic.ner.consistency)
                    confidence = DOCUMENT_CONFIDENCE
                    cut = strip_proclitic(word, document_known)
                else:
                    cut = cuts.get(word)
                    if cut is None:
                        cut = cuts[word] = strip_proclitic(word, known)
                if confidence < min_confidence:
                    continue
                start = starts[first + a] + cut
                end = ends[first + b - 1]
                spans.append(EntitySpan(start, end, text[start:end], label, round(confidence, 3), SUGGESTER))
        return spans

    # -- features as crfsuite sees them --------------------------------------
    #
    # crfsuite looks every attribute string up in the model's attribute
    # dictionary and silently drops those it does not know: about a quarter of
    # the ~28 strings per token, and converting and looking them up is most of
    # the tagger's time. So the strings the model has no entry for are dropped
    # here, once per word form, and the rest handed over as UTF-8 bytes (what
    # crfsuite stores anyway). The known attributes keep their order, so the
    # scores are summed in the same order and tags and marginals are identical
    # to tagging sentence_features() (a test checks it).

    # ~0.6 kB a word form (a fifth of what _word_features' cache holds for it): ~120 MB at most
    _WORD_CACHE_SIZE = 200_000

    def _attribute_set(self) -> frozenset[str]:
        attributes = self._attributes
        if attributes is None:
            # the dump lists the dictionary crfsuite itself looks attributes up in
            attributes = frozenset(self.tagger.info().attributes)
            # folded words that are the left / right word of some known "w-1w+1=" pair
            # feature: a token between two others is looked up only if both can be
            # (every "|" is a possible cut, as words may contain one themselves)
            left, right = set(), set()
            for a in attributes:
                if a.startswith("w-1w+1="):
                    pair = a[7:]
                    cut = pair.find("|")
                    while cut >= 0:
                        left.add(pair[:cut])
                        right.add(pair[cut + 1 :])
                        cut = pair.find("|", cut + 1)
            self._pair_sides = (frozenset(left), frozenset(right))
            self._attributes = attributes
        return attributes

    def _known_features(self, word: str) -> tuple:
        """``_word_features(word)`` reduced to the attributes the model knows, as bytes."""
        entry = self._word_cache.get(word)
        if entry is None:
            attributes = self._attribute_set()
            encoded = self._encoded
            feats = _full_features(word, self.clusters)
            entry = tuple(
                # one bytes object per attribute, shared by all the word forms that have it
                tuple(encoded.get(x) or encoded.setdefault(x, x.encode()) for x in part if x in attributes)
                for part in feats[:5]
            ) + (
                feats[5],
                feats[5] in self._pair_sides[0],
                feats[5] in self._pair_sides[1],
            )
            if len(self._word_cache) >= self._WORD_CACHE_SIZE:
                self._word_cache.clear()  # a bound on memory; refilled from the lru-cached features
            self._word_cache[word] = entry
        return entry

    def _known_extra(self, feature: str) -> tuple[bytes, ...]:
        """``(feature as bytes,)`` if the model knows it, else ``()``."""
        return (feature.encode(),) if feature in self._attribute_set() else ()

    def _known_gazetteer(self, prefix: str, tag: str) -> tuple:
        """The known gazetteer (``prefix`` "gaz") or lexicon ("lex") features of a token tagged
        ``tag`` (``B-LOC``): its own, and those its neighbours get from it as their -2, -1, +1,
        +2 neighbour."""
        key = prefix + tag
        entry = self._extra_cache.get(key)
        if entry is None:
            extra = self._known_extra
            # "-2:gaz=B-LOC" is what the token two places to the right sees of this one
            entry = (extra(f"{prefix}=" + tag) + extra(f"{prefix}l=" + tag[2:]),) + tuple(
                extra(f"{offset:+d}:{prefix}=" + tag) for offset in (-2, -1, 1, 2)
            )
            self._extra_cache[key] = entry  # one entry per gazetteer tag: a handful
        return entry

    def _items(
        self, words: Sequence[str], gazetteer: Gazetteer | None, extra: Gazetteer | None = None
    ) -> list[list[bytes]]:
        """What crfsuite keeps of ``sentence_features(words, gazetteer)``, in the same order.

        ``extra``: the caller's own gazetteer, handed on to the base model (if any)."""
        cache = self._word_cache
        feats = [cache.get(w) or self._known_features(w) for w in words]
        folded = [f[5] for f in feats]
        gaz = gazetteer_tags(gazetteer, words, folded)
        attributes = self._attribute_set()
        padding = self._padding
        if padding is None:
            bos, eos = self._known_extra("BOS"), self._known_extra("EOS")
            # two padding entries each side stand for "no neighbour there": what a token
            # takes from its -1 neighbour is BOS at the start, from its +1 neighbour EOS
            # at the end, nothing from the ±2 ones, and they make no word pair
            padding = self._padding = (
                [((), (), (), (), (), None, False, False), ((), (), bos, (), (), None, False, False)],
                [((), (), (), eos, (), None, False, False), ((), (), (), (), (), None, False, False)],
            )
        padded = [*padding[0], *feats, *padding[1]]
        out = []
        for a2, a1, me, b1, b2 in zip(padded, padded[1:], padded[2:], padded[3:], padded[4:]):
            items = [*me[0], *a2[1], *a1[2], *b1[3], *b2[4]]
            if a1[6] and b1[7]:
                # word pairs: too many distinct ones to cache, and most are unknown
                pair = "w-1w+1=" + a1[5] + "|" + b1[5]
                if pair in attributes:
                    items.append(pair.encode())
            out.append(items)
        for prefix, tags in (("gaz", gaz), ("lex", gazetteer_tags(self.lexicon, words, folded))):
            if not any(tags):
                continue
            # padded too; appended after the pair feature, as sentence_features does:
            # the token's own, then what it sees of its -2, -1, +1, +2 neighbours
            known = self._extra_cache
            for tag in set(tags):
                if tag and prefix + tag not in known:
                    self._known_gazetteer(prefix, tag)
            g = [None, None, *(known[prefix + t] if t else None for t in tags), None, None]
            for items, a2, a1, me, b1, b2 in zip(out, g, g[1:], g[2:], g[3:], g[4:]):
                if me:
                    items += me[0]
                if a2:
                    items += a2[1]
                if a1:
                    items += a1[2]
                if b1:
                    items += b1[3]
                if b2:
                    items += b2[4]
        if self.base is not None:
            _add_base_features(out, self.base.predict_tags(words, gazetteer=extra), self._known_extra)
        return out

    def _guidelines(self, words: Sequence[str], chunks: list, g: Gazetteer, folded: list[str]) -> list:
        places = self._places_for(g)
        labels = APP if "PER" in self.meta["labels"] and "PERS" not in self.meta["labels"] else ANERCORP
        return apply_guidelines(
            words, chunks, is_place=places.__contains__, labels=labels, allowed=self.meta["labels"], folded=folded
        )

    def _places_for(self, g: Gazetteer) -> frozenset[str]:
        """Folded one-word places of the lexicon and the gazetteer (with and without the article)."""
        cached = self._places
        if cached is not None and cached[0] is g and cached[1] == g.version:
            return cached[2]
        places = set()
        for source in (self.lexicon, g):
            if source is None:
                continue
            for name, label, _weight in source.items():
                if label == "LOC":
                    key = fold_text(name).split()
                    if len(key) == 1:
                        places.add(key[0])
                        if key[0].startswith("ال") and len(key[0]) > 3:
                            places.add(key[0][2:])
        result = frozenset(places)
        self._places = (g, g.version, result)
        return result

    def given_names(self) -> frozenset[str]:
        """Folded first words of the lexicon's and the model's gazetteer's person names of two or more words
        (``علي``, ``طالب``): :mod:`arabic.ner.consistency` does not take them for a surname alone."""
        given = self._given
        if given is None:
            words = set()
            for source in (self.lexicon, self.gazetteer):
                if source is None:
                    continue
                for name, label, _weight in source.items():
                    if label in ("PERS", "PER"):
                        key = fold_text(name).split()
                        if len(key) >= 2:
                            words.add(key[0])
            given = self._given = frozenset(words)
        return given

    # entity first words whose proclitic length is cached, per set of known words
    _CUTS_SIZE = 100_000

    def _proclitic_cuts(self, known: frozenset[str]) -> dict[str, int]:
        """``word -> strip_proclitic(word, known)``, filled as entities are found.

        ``known`` is the object :meth:`_known_words` keeps until the gazetteer
        changes, so the cache lives exactly as long as it is valid."""
        cached = self._cuts
        if cached[0] is not known or len(cached[1]) >= self._CUTS_SIZE:
            cached = self._cuts = (known, {})
        return cached[1]

    def _known_words(self, g: Gazetteer) -> frozenset[str]:
        # the model's gazetteer or the merged one of _gazetteer_for: the same one
        # call after call, so its first words are kept until it changes
        cached = self._known
        if cached is not None and cached[0] is g and cached[1] == g.version:
            return cached[2]
        known = g.first_words()
        if self.lexicon is not None:
            known |= self.lexicon.first_words()
        self._known = (g, g.version, known)
        return known


def _name(path) -> str:
    return "the embedded base model" if isinstance(path, io.BytesIO) else os.fspath(path)


def model_info(path: str | os.PathLike) -> dict:
    """The ``meta.json`` of a model file, without loading the model."""
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("meta.json"))

