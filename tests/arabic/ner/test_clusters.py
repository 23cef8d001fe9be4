"""Word clusters learned from unlabelled text."""

from __future__ import annotations

import random

from arabic.ner.clusters import WordClusters, learn_clusters


def _corpus(n: int = 3000, seed: int = 1) -> list[str]:
    """Sentences where person names and city names keep different company."""
    rng = random.Random(seed)
    people = ["سميث", "لودريان", "ظريف", "كاميرون", "ماكرون", "بلينكن", "غوتيريش", "ستانو"]
    cities = ["باريس", "لندن", "بغداد", "طهران", "برلين", "جنيف", "موسكو", "القاهرة"]
    verbs = ["قال", "أكد", "أوضح", "أعلن", "رأى"]
    fillers = ["اليوم", "أمس", "مساء", "صباح", "الخميس", "الجمعة"]
    texts = []
    for _ in range(n):
        texts.append(
            f"{rng.choice(verbs)} الوزير {rng.choice(people)} إن الحكومة وصلت إلى {rng.choice(cities)} "
            f"{rng.choice(fillers)} في زيارة رسمية"
        )
    return texts


def test_names_in_the_same_company_share_clusters():
    clusters = learn_clusters(_corpus(), sizes=(2, 20), min_count=3, dim=10, min_words=20)
    assert clusters.sizes == (2, len(clusters) // 10)  # never more than a tenth of the words
    fine = {w: clusters.lookup(w)[-1] for w in ("سميث", "لودريان", "ظريف", "باريس", "لندن", "بغداد")}
    assert fine["سميث"] == fine["لودريان"] == fine["ظريف"]
    assert fine["باريس"] == fine["لندن"] == fine["بغداد"]
    assert fine["سميث"] != fine["باريس"]


def test_lookup_reads_through_proclitics():
    clusters = WordClusters((10,), {"فرنسا": (3,), "العراق": (4,)})
    assert clusters.lookup("وفرنسا") == (3,)
    assert clusters.lookup("للعراق") == (4,)
    assert clusters.lookup("بغداد") is None


def test_learning_is_deterministic_and_round_trips():
    a = learn_clusters(_corpus(800), sizes=(5,), min_count=3, dim=8, source="test", min_words=20)
    b = learn_clusters(_corpus(800), sizes=(5,), min_count=3, dim=8, source="test", min_words=20)
    assert a.words == b.words
    again = WordClusters.from_json(a.to_json())
    assert again.words == a.words and again.sizes == a.sizes and again.source == "test"


def test_a_small_archive_gives_no_clusters():
    assert len(learn_clusters(["قال الوزير إن الحكومة وصلت"] * 10)) == 0
    assert len(learn_clusters([])) == 0


def test_cluster_counts_shrink_with_the_vocabulary():
    clusters = learn_clusters(_corpus(), sizes=(1000,), min_count=3, dim=10, min_words=20)
    assert clusters.sizes == (len(clusters) // 10,)
