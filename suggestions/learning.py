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
* **word vectors** learned in the same pass as the clusters (``vectors.npz``),
  and the **neural tagger** trained with them (``manage.py train_neural_tagger``
  or the task :func:`suggestions.tasks.train_neural_tagger`): ANERcorp's training
  file + the team's sentences, in the current CRF's labels. When it exists for the
  current CRF's labels, the suggestion pass combines the two taggers' per-word
  probabilities (:class:`arabic.ner.ensemble.Ensemble`, CRF weight
  :data:`NEURAL_CRF_WEIGHT`); no vectors (a small archive) means no neural tagger,
  and the CRF tags alone (said in the suggesters' status);
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
from datetime import datetime, timezone
from pathlib import Path

from django.conf import settings
from django.db.models import F

from arabic.matching import Gazetteer
from arabic.ner import name_without_proclitic, spans_to_bio
from arabic.ner.clusters import WordClusters, clusters_from_vectors, learn_vectors, load_vectors, save_vectors
from arabic.ner.crf import CrfModel, ModelFileError
from arabic.ner.ensemble import Ensemble
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


def vectors_path() -> Path:
    return Path(settings.SUGGESTIONS_MODEL_DIR) / "vectors.npz"


def neural_model_path() -> Path:
    return Path(settings.SUGGESTIONS_MODEL_DIR) / "neural" / "entities.nn"


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
    return load_once(path, _loaded, CrfModel.load, ModelFileError, "default entity model")


def load_once(path: Path, cache: dict, load, error: type[Exception], what: str):
    """``load(path)``, kept in ``cache`` until the file changes (its mtime); None when it cannot be read (logged).

    The one cached loader of the entity models (the default CRF, the team's CRF in
    :func:`suggestions.services.crf_model`, the neural tagger): each ``cache`` holds one model, the last
    loaded, so a new version replaces the old one in memory.
    """
    with _lock:
        try:
            key = (str(path), path.stat().st_mtime_ns)
            model = cache.get(key)
            if model is None:
                model = load(path)
                cache.clear()
                cache[key] = model
        except (error, OSError):  # (a file gone between the caller's check and here, too)
            logger.exception("%s %s could not be loaded", what, path)
            return None
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
    """Learn word clusters and word vectors from ``corpus_file`` (one text per line) or the archive, in one
    pass; save them when there are any (too little text: neither, and the models do without)."""
    if corpus_file:
        source = f"file {Path(corpus_file).name}"
        with open(corpus_file, encoding="utf-8") as fp:
            vocabulary, vectors = learn_vectors(line for line in fp)
    else:
        source = "the site's archive"
        vocabulary, vectors = learn_vectors(archive_texts())
    clusters = clusters_from_vectors(vocabulary, vectors, source=source)
    if not len(clusters):
        return clusters, (
            f"too little text for word clusters or word vectors ({clusters.source}): the models do without "
            "(no neural tagger: the CRF tags alone)"
        )
    path = clusters_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(clusters.to_json(), encoding="utf-8")
    tmp.replace(path)
    save_vectors(vectors_path(), vocabulary, vectors)
    return clusters, (
        f"{len(clusters)} words in {', '.join(map(str, clusters.sizes))} clusters from {clusters.source}: {path}; "
        f"word vectors of {len(vocabulary)} words ({vectors.shape[1]} d): {vectors_path()}"
    )


def word_vectors() -> dict | None:
    """``folded word -> vector`` learned by :func:`build_clusters`, or None (none learned yet)."""
    path = vectors_path()
    if not path.is_file():
        return None
    vectors = load_vectors(path)
    return vectors or None


# --- the neural tagger -----------------------------------------------------------------------------------------

# the CRF's weight in the combination (chosen on fold 0 in docs/language-engine.md, round 2; 5-fold: session 7)
NEURAL_CRF_WEIGHT = 0.5
_neural_loaded: dict[tuple, object] = {}


def neural_model():
    """The loaded neural tagger, or None (not trained yet, or unreadable: logged)."""
    from arabic.ner.neural import ModelFileError as NeuralFileError, NeuralModel

    path = neural_model_path()
    if not path.is_file():
        return None
    return load_once(path, _neural_loaded, NeuralModel.load, NeuralFileError, "neural entity tagger")


def neural_status(crf: CrfModel | None) -> tuple[object | None, str]:
    """``(neural tagger to combine with crf, or None; why)`` for the suggestion pass and the status."""
    if crf is None:
        return None, "no CRF: no combination"
    model = neural_model()
    if model is None:
        if not vectors_path().is_file():  # (not loaded: this runs for every article)
            return None, "no neural tagger: no word vectors yet (manage.py build_word_clusters), the CRF tags alone"
        return None, "no neural tagger yet (manage.py train_neural_tagger): the CRF tags alone"
    if sorted(model.meta.get("crf_labels", [])) != sorted(crf.labels):
        return None, (
            f"neural tagger {model.version} was trained for the labels {', '.join(model.meta.get('crf_labels', []))}, "
            f"the current CRF has {', '.join(crf.labels)}: the CRF tags alone until it is retrained "
            "(manage.py train_neural_tagger)"
        )
    return model, f"combined with the neural tagger {model.version} (CRF weight {NEURAL_CRF_WEIGHT})"


def combined_tagger(crf: CrfModel | None):
    """``crf`` combined with the neural tagger trained for its labels (an :class:`arabic.ner.ensemble.Ensemble`),
    or ``crf`` itself when there is none. The two taggers' labels must match exactly once mapped
    (:func:`arabic.ner.ensemble.align_tags`): a mismatch raises LabelMismatch, never drops a label."""
    model, _why = neural_status(crf)
    if model is None:
        return crf
    return Ensemble(crf, model, weight=NEURAL_CRF_WEIGHT)


def neural_training_sentences(anercorp: str | Path, crf_labels) -> tuple[list, list[str]]:
    """ANERcorp's sentences and the team's, their labels in the CRF's: ANERcorp's through the label map
    (``PERS=PER``) when the CRF uses the label set's codes; ``(sentences, labels left out as O)``."""
    from arabic.conll import read_conll

    wanted = set(crf_labels)
    mapping = label_map()
    dropped: set[str] = set()

    def relabel(tags):
        out = []
        for t in tags:
            if t == "O":
                out.append(t)
                continue
            label = t[2:] if t[2:] in wanted else mapping.get(t[2:], t[2:])
            if label not in wanted:
                dropped.add(t[2:])
                out.append("O")
            else:
                out.append(t[:2] + label)
        return out

    sentences = [(list(s.tokens), relabel(s.tags)) for s in read_conll(anercorp)]
    team, _count = training_sentences()
    sentences += [(words, relabel(tags)) for words, tags in team]
    return sentences, sorted(dropped)


def build_neural_model(anercorp: str | Path, *, crf: CrfModel | None, epochs: int | None = None) -> tuple[object | None, str]:
    """Train the neural tagger for the labels of ``crf``, the CRF the suggestion pass uses
    (:func:`suggestions.services.entity_model`), on CPU, one thread, at the lowest priority;
    ``(model or None, message)``. Without word vectors there is none: the CRF tags alone."""
    from arabic.ner.neural import Hyper, NeuralModel

    vectors = word_vectors()
    if vectors is None:
        return None, (
            "no word vectors (manage.py build_word_clusters learns them from the archive or a file; a small "
            "archive gives none): no neural tagger, the CRF tags alone"
        )
    if crf is None:
        return None, "no CRF model (neither the team's nor a default one): nothing to combine a neural tagger with"
    sentences, dropped = neural_training_sentences(anercorp, crf.labels)
    hyper = Hyper(epochs=epochs) if epochs else Hyper()
    model = _niced(lambda: NeuralModel.train(sentences, lexicon=lexicon(), vectors=vectors, hyper=hyper))
    missing = sorted(set(crf.labels) - set(model.labels))
    if missing:
        return None, (
            f"the training sentences have no {', '.join(missing)} entity, a label of the CRF {crf.version}: "
            "no neural tagger (it could not be combined), the CRF tags alone"
        )
    model.meta["crf_labels"] = sorted(crf.labels)
    model.meta["crf_version"] = crf.version
    model.meta["labels_left_out"] = dropped
    # what the status (the API, the admin) says of it, and the file an automatic retraining starts from
    model.meta["trained_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    model.meta["anercorp"] = str(Path(anercorp).resolve())
    model.meta["vectors"] = {
        "words": len(vectors),
        "dimensions": len(next(iter(vectors.values()))),
        "learned_at": datetime.fromtimestamp(vectors_path().stat().st_mtime, timezone.utc).isoformat(timespec="seconds"),
    }
    target = neural_model_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    model.save(target)
    extra = f"; ANERcorp labels left out (not the CRF's): {', '.join(dropped)}" if dropped else ""
    return model, (
        f"neural tagger {model.version} trained on {model.meta['sentences']} sentences ({model.meta['tokens']} tokens) "
        f"in {model.meta['training_seconds']} s for the labels {', '.join(model.meta['crf_labels'])}{extra}: {target}"
    )


def neural_training_file() -> tuple[Path | None, str]:
    """The ANERcorp training file an automatic retraining of the neural tagger reads, and why none:
    ``SUGGESTIONS_ANERCORP_FILE``, else the file the current tagger was trained from (``--anercorp``)."""
    configured = getattr(settings, "SUGGESTIONS_ANERCORP_FILE", "")
    if configured:
        path = Path(configured)
        return (path, "") if path.is_file() else (None, f"the ANERcorp training file {path} (SUGGESTIONS_ANERCORP_FILE) is missing")
    model = neural_model() if neural_model_path().is_file() else None
    recorded = model.meta.get("anercorp") if model is not None else None
    if recorded and Path(recorded).is_file():
        return Path(recorded), ""
    return None, "no ANERcorp training file (SUGGESTIONS_ANERCORP_FILE)"


def _niced(work):
    """Run ``work()`` in a thread of its own at the lowest CPU priority (Linux niceness is per thread), torch on
    that one thread: a worker that trains stays responsive, and its other tasks keep their priority."""
    import os

    import torch

    result: dict = {}

    def run():
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        except (AttributeError, OSError):  # not Linux: train at the normal priority
            pass
        try:
            result["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            result["error"] = exc

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        thread = threading.Thread(target=run, name="train-neural-tagger")
        thread.start()
        thread.join()
    finally:
        torch.set_num_threads(threads)
    if "error" in result:
        raise result["error"]
    return result["value"]


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
