"""Word clusters learned from unlabelled text, as features for the entity tagger.

Names that never occur in the annotated data still keep company with names
that do: ``لودريان`` follows ``الفرنسي`` and precedes ``إن`` as ``ظريف`` does.
Grouping words by the words around them in a large unlabelled text (here:
the site's own archive, or a text file an administrator gives) lets the tagger
generalise from a name it was taught to one it never saw. This is the role
Brown clusters play in classic NER systems; we compute them faster:

1. count, for the ``max_words`` most frequent folded words (at least
   ``min_count`` occurrences), the words at -2, -1, +1, +2 among the
   ``context_words`` most frequent ones;
2. weight the counts by positive pointwise mutual information and reduce them
   to ``dim`` dimensions (truncated SVD) — a count-based word embedding, close
   to word2vec's in quality for this use (Levy & Goldberg 2014);
3. k-means on the normalised vectors, once per size in ``sizes`` (coarse and
   fine groupings, as Brown-cluster prefixes of several lengths give).

A small archive degrades gracefully: fewer words, fewer clusters (never more
than a tenth of the words), and below ``MIN_WORDS`` clustered words no
clusters at all (the tagger then simply has no cluster features).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from arabic.normalize import fold_text
from arabic.tokens import word_tokens

# Fewer distinct frequent words than this and clusters are noise.
MIN_WORDS = 200
_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")


@dataclass
class WordClusters:
    """``word -> cluster number per size``; words are folded (:func:`arabic.normalize.fold_text`)."""

    sizes: tuple[int, ...] = ()
    words: dict[str, tuple[int, ...]] = field(default_factory=dict)
    source: str = ""

    def __len__(self) -> int:
        return len(self.words)

    def lookup(self, folded: str) -> tuple[int, ...] | None:
        """The clusters of a folded word, else of the word without a proclitic (``وكاميرون`` -> ``كاميرون``)."""
        found = self.words.get(folded)
        if found is not None:
            return found
        for p in _PROCLITICS:
            if folded.startswith(p) and len(folded) - len(p) >= 3:
                found = self.words.get(folded[len(p) :])
                if found is not None:
                    return found
                if folded[len(p) :].startswith("ل") and "ا" + folded[len(p) :] in self.words:
                    return self.words["ا" + folded[len(p) :]]  # لل-: ل + the article without its alef
        return None

    def to_json(self) -> str:
        return json.dumps({"sizes": list(self.sizes), "source": self.source, "words": self.words}, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> WordClusters:
        raw = json.loads(data)
        return cls(tuple(raw["sizes"]), {w: tuple(c) for w, c in raw["words"].items()}, raw.get("source", ""))


def learn_clusters(
    texts: Iterable[str],
    *,
    sizes: tuple[int, ...] = (100, 500, 1000),
    min_count: int = 5,
    max_words: int = 60_000,
    context_words: int = 3_000,
    dim: int = 100,
    seed: int = 0,
    source: str = "",
    min_words: int = MIN_WORDS,
) -> WordClusters:
    """Cluster the frequent words of ``texts`` (strings: articles, paragraphs or lines).

    Deterministic for a given input and ``seed``. Needs numpy, scipy and
    scikit-learn (installed with the requirements).
    """
    vocabulary, vectors = learn_vectors(
        texts, min_count=min_count, max_words=max_words, context_words=context_words, dim=dim, seed=seed,
        min_words=min_words,
    )  # fmt: skip
    return clusters_from_vectors(vocabulary, vectors, sizes=sizes, seed=seed, source=source)


def clusters_from_vectors(vocabulary, vectors, *, sizes=(100, 500, 1000), seed: int = 0, source: str = "") -> WordClusters:
    """The k-means step of :func:`learn_clusters` on vectors already learned (:func:`learn_vectors`), so that
    the site's clusters and word vectors come from one pass over its text."""
    from sklearn.cluster import MiniBatchKMeans

    if not vocabulary:
        return WordClusters((), {}, source)
    effective = tuple(sorted({max(2, min(size, len(vocabulary) // 10)) for size in sizes}))
    labels = []
    for size in effective:
        km = MiniBatchKMeans(n_clusters=size, random_state=seed, batch_size=4096, n_init=3, max_iter=100)
        labels.append(km.fit_predict(vectors))
    words = {w: tuple(int(lab[i]) for lab in labels) for i, w in enumerate(vocabulary)}
    return WordClusters(effective, words, source)


def learn_vectors(
    texts: Iterable[str],
    *,
    min_count: int = 5,
    max_words: int = 60_000,
    context_words: int = 3_000,
    dim: int = 100,
    seed: int = 0,
    min_words: int = MIN_WORDS,
):
    """``(words, vectors)``: unit-length PPMI-SVD vectors (a numpy array, one row per word) of the frequent
    folded words of ``texts``; ``([], None)`` when fewer than ``min_words`` words are frequent enough."""
    import numpy as np
    from scipy import sparse
    from scipy.sparse.linalg import svds

    counts: Counter = Counter()
    sequences = []
    for text in texts:
        tokens = word_tokens(fold_text(text))
        if tokens:
            counts.update(tokens)
            sequences.append(tokens)
    vocabulary = [w for w, c in counts.most_common(max_words) if c >= min_count and any(ch.isalpha() for ch in w)]
    if len(vocabulary) < min_words:
        return [], None
    row = {w: i for i, w in enumerate(vocabulary)}
    contexts = [w for w, _ in counts.most_common(context_words)]
    column = {w: i for i, w in enumerate(contexts)}
    n_ctx = len(contexts)
    # one long array of word ids, texts separated by two -1s (no context across texts)
    ids_row, ids_col = [], []
    for tokens in sequences:
        ids_row += [row.get(t, -1) for t in tokens] + [-1, -1]
        ids_col += [column.get(t, -1) for t in tokens] + [-1, -1]
    sequences.clear()
    rows_all = np.array(ids_row, dtype=np.int64)
    cols_all = np.array(ids_col, dtype=np.int64)
    width = 4 * n_ctx
    codes = []
    for slot, offset in enumerate((-2, -1, 1, 2)):
        if offset < 0:
            r, c = rows_all[-offset:], cols_all[:offset]
        else:
            r, c = rows_all[:-offset], cols_all[offset:]
        ok = (r >= 0) & (c >= 0)
        codes.append(r[ok] * width + slot * n_ctx + c[ok])
    unique, freq = np.unique(np.concatenate(codes), return_counts=True)
    matrix = sparse.csr_matrix(
        (freq.astype(np.float64), (unique // width, unique % width)), shape=(len(vocabulary), width)
    )
    # positive PMI, with context counts smoothed (^0.75) as word2vec does
    total = matrix.sum()
    row_sum = np.asarray(matrix.sum(axis=1)).ravel()
    col_sum = np.asarray(matrix.sum(axis=0)).ravel() ** 0.75
    col_sum = col_sum / col_sum.sum() * total
    coo = matrix.tocoo()
    pmi = np.log(coo.data * total / (row_sum[coo.row] * col_sum[coo.col] + 1e-12))
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape)
    k = max(2, min(dim, min(ppmi.shape) - 1))
    u, s, _vt = svds(ppmi, k=k, random_state=seed)
    vectors = u * np.sqrt(s)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    return vocabulary, vectors


def save_vectors(path, vocabulary, vectors) -> None:
    """Write ``(words, vectors)`` of :func:`learn_vectors` to one ``.npz`` file (atomically)."""
    import os

    import numpy as np

    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.tmp.npz"
    np.savez_compressed(tmp, words=np.array(vocabulary, dtype=str), vectors=np.asarray(vectors, dtype=np.float32))
    os.replace(tmp, path)


def load_vectors(path) -> dict:
    """``folded word -> vector`` from a file of :func:`save_vectors` (the neural tagger's ``vectors=``)."""
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        return dict(zip(data["words"].tolist(), data["vectors"]))
