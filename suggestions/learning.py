"""What the entity learners learn from, and the models they start from.

* the **default entity model** (:mod:`arabic.ner.default`): shipped with
  newsreader (ANERcorp + name lists), or rebuilt by ``manage.py
  build_entity_model`` into ``SUGGESTIONS_MODEL_DIR/base/entities.crf``. It
  suggests entities on a fresh install; the team's model is trained on top of
  it (stacking: its tags are features) once the team has annotated;
* **word clusters** learned from the site's own archive or a text file
  (``manage.py build_word_clusters``, or the task
  :func:`suggestions.tasks.learn_word_clusters`), features of the models
  trained after them; a small archive gives no clusters, and the models then
  simply do without;
* the **label map** between models and label sets (``SUGGESTIONS_LABEL_MAP``,
  default ``PERS=PER``): a model label no label set code or mapping accounts
  for is an error (:class:`arabic.ner.labels.LabelMismatch`), never a silent drop;
* **annotator weights** (:mod:`arabic.ner.weighting`): the gazetteer and the
  training sentences weigh each annotator so that no one of them floods
  everyone's suggestions.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from pathlib import Path

from django.conf import settings
from django.db.models import F

from arabic.matching import Gazetteer
from arabic.ner import name_without_proclitic, spans_to_bio
from arabic.ner.clusters import WordClusters, learn_clusters
from arabic.ner.crf import CrfModel, ModelFileError
from arabic.ner.default import SHIPPED_MODEL, build_default_model, fingerprint
from arabic.ner.labels import LabelMismatch, parse_label_map, resolve_labels
from arabic.ner.resources import lexicon
from arabic.ner.weighting import annotator_weights, keep_sentence, name_support
from arabic.sentences import split_sentences
from arabic.tokens import tokenize
from newsreader.models import Article, ArticleRevision
from suggestions import selectors

logger = logging.getLogger(__name__)

__all__ = ["LabelMismatch"]

_lock = threading.Lock()
_loaded: dict[tuple, CrfModel] = {}


# --- files ------------------------------------------------------------------------------------------------


def built_model_path() -> Path:
    return Path(settings.SUGGESTIONS_MODEL_DIR) / "base" / "entities.crf"


def clusters_path() -> Path:
    return Path(settings.SUGGESTIONS_MODEL_DIR) / "clusters.json"


def base_model_path() -> Path | None:
    """The default model's file: ``SUGGESTIONS_BASE_MODEL`` ("auto": the built one, else the shipped one; "": none)."""
    configured = str(getattr(settings, "SUGGESTIONS_BASE_MODEL", "auto"))
    if not configured:
        return None
    if configured != "auto":
        return Path(configured)
    built = built_model_path()
    if built.is_file():
        return built
    return SHIPPED_MODEL if SHIPPED_MODEL.is_file() else None


def base_model() -> CrfModel | None:
    """The loaded default model, or None (not configured, or the file is missing or unreadable: logged)."""
    path = base_model_path()
    if path is None or not path.is_file():
        return None
    key = (str(path), path.stat().st_mtime_ns)
    with _lock:
        model = _loaded.get(key)
        if model is None:
            try:
                model = CrfModel.load(path)
            except (ModelFileError, OSError):
                logger.exception("default entity model %s could not be loaded", path)
                return None
            _loaded.clear()
            _loaded[key] = model
        return model


def word_clusters() -> WordClusters | None:
    path = clusters_path()
    if not path.is_file():
        return None
    clusters = WordClusters.from_json(path.read_text(encoding="utf-8"))
    return clusters if len(clusters) else None


# --- building -----------------------------------------------------------------------------------------------


def build_base_model(anercorp: str | Path, *, force: bool = False) -> tuple[bool, str]:
    """Train the default model from ANERcorp's training file unless the built one is up to date.

    Returns ``(trained, message)``. Up to date means: same training file,
    lexicon, clusters, parameters and feature code (the fingerprint in the
    model's meta), so running it again is fast.
    """
    clusters = word_clusters()
    digest = fingerprint(anercorp, clusters)
    target = built_model_path()
    if target.is_file() and not force:
        try:
            current = CrfModel.load(target)
        except ModelFileError:
            current = None
        if current is not None and current.meta.get("fingerprint") == digest:
            return False, f"default entity model {current.version} is up to date ({target})"
    model = build_default_model(anercorp, clusters=clusters)
    target.parent.mkdir(parents=True, exist_ok=True)
    model.save(target)
    extra = f", {len(clusters)} clustered words" if clusters else ", no word clusters"
    return True, (
        f"default entity model {model.version} trained on {model.meta['tokens']} tokens in "
        f"{model.meta['training_seconds']} s{extra}: {target}"
    )


def archive_texts(limit: int | None = None):
    """The current text of every article (the site's archive), newest first."""
    ids = Article.objects.exclude(current_revision_id=None).order_by("-pk").values_list("current_revision_id", flat=True)
    if limit:
        ids = ids[:limit]
    for text in ArticleRevision.objects.filter(pk__in=list(ids)).values_list("text", flat=True).iterator(chunk_size=200):
        yield text


def build_clusters(*, corpus_file: str | Path | None = None) -> tuple[WordClusters, str]:
    """Learn word clusters from ``corpus_file`` (one text per line) or the archive; save them when there are any."""
    if corpus_file:
        with open(corpus_file, encoding="utf-8") as fp:
            clusters = learn_clusters((line for line in fp), source=f"file {Path(corpus_file).name}")
    else:
        clusters = learn_clusters(archive_texts(), source="the site's archive")
    if not len(clusters):
        return clusters, f"too little text for word clusters ({clusters.source}): the models do without"
    path = clusters_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(clusters.to_json(), encoding="utf-8")
    tmp.replace(path)
    return clusters, f"{len(clusters)} words in {', '.join(map(str, clusters.sizes))} clusters from {clusters.source}: {path}"


# --- labels ------------------------------------------------------------------------------------------------


def label_map() -> dict[str, str]:
    return parse_label_map(getattr(settings, "SUGGESTIONS_LABEL_MAP", "PERS=PER"))


def resolve_model_labels(model_labels, label_codes, *, model: str, set_name: str) -> dict[str, str | None]:
    """:func:`arabic.ner.labels.resolve_labels` with the configured map (raises LabelMismatch)."""
    return resolve_labels(model_labels, label_codes, label_map(), model=model, set_name=set_name)


# --- what the learners learn from ---------------------------------------------------------------------------


def _weights() -> dict:
    counts = Counter(selectors.learned_entities().exclude(creator_id=None).values_list("creator_id", flat=True))
    return annotator_weights(counts)


def corpus_gazetteer() -> Gazetteer:
    """Every name anyone accepted or marked, weighted by who vouches for it (:mod:`arabic.ner.weighting`).

    Names are stored without a proclitic (``وفرنسا`` marked once still teaches ``فرنسا``).
    """
    weights = _weights()
    stems = lexicon().first_words()
    rows = selectors.learned_entities().values_list("creator_id", "exact", "label__code").iterator(chunk_size=5000)
    marks = [(user, name_without_proclitic(exact, stems), code) for user, exact, code in rows]
    gazetteer = Gazetteer()
    for (name, code), support in name_support(marks, weights).items():
        gazetteer.add(name, code, support)
    return gazetteer


def training_sentences() -> tuple[list[tuple[list[str], list[str]]], int]:
    """``(tokens, BIO tags)`` of the sentences holding learned entities, and how many annotations were used.

    A sentence is kept with the highest weight among its annotators (deterministically): a
    prolific annotator's sentences are thinned out, a shared one is always kept.
    """
    weights = _weights()
    spans: dict[int, list[tuple[int, int, str, object]]] = defaultdict(list)
    rows = selectors.training_entities().filter(revision_id=F("article__current_revision_id"))
    count = 0
    for revision_id, start, end, code, user in rows.values_list("revision_id", "start", "end", "label__code", "creator_id"):
        spans[revision_id].append((start, end, code, user))
        count += 1
    sentences = []
    for revision in ArticleRevision.objects.filter(pk__in=list(spans)).only("id", "text").iterator(chunk_size=200):
        text = revision.text
        tokens = tokenize(text)
        k = 0
        for number, sentence in enumerate(split_sentences(text)):
            group = []
            while k < len(tokens) and tokens[k].start < sentence.end:
                if tokens[k].start >= sentence.start:
                    group.append(tokens[k])
                k += 1
            inside = [m for m in spans[revision.pk] if m[0] < sentence.end and m[1] > sentence.start]
            if not group or not inside:
                continue  # sentences nobody annotated teach nothing certain (unmarked is not "no entity")
            weight = max(weights.get(m[3], 1.0) for m in inside)
            if not keep_sentence(f"{revision.pk}:{number}", weight):
                continue
            sentences.append(([t.text for t in group], spans_to_bio(group, [(s, e, c) for s, e, c, _ in inside])))
    return sentences, count


def train_team_model(sentences) -> CrfModel:
    """The team's model: their sentences, on top of the default model, with the lexicon and the clusters."""
    return CrfModel.train(sentences, base=base_model(), lexicon=lexicon(), clusters=word_clusters())
