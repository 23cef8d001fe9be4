"""Agreement figures against the worked examples published with the measures, and hand-computed spans."""

import krippendorff
import numpy as np
import pytest

from projects.agreement import Doc, Mark, alpha, bio_codes, compute, disagreements, f1, kappa, match_overlap

N = np.nan


def test_krippendorff_2011_worked_example_nominal():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C: 4 observers,
    # 12 units, missing values; the paper gives alpha = 0.743 for nominal data.
    data = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
            [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
        ]
    )
    assert alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_wikipedia_example_nominal():
    # The example of the Wikipedia article "Krippendorff's alpha" (3 coders, 15 units): 0.691.
    data = np.array(
        [
            [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
            [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
            [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
        ]
    )
    assert alpha(data) == pytest.approx(0.691, abs=5e-4)


@pytest.mark.parametrize("seed", range(6))
def test_alpha_equals_the_krippendorff_package(seed):
    # The package is the reference implementation; ours weights distinct value patterns (for speed).
    rng = np.random.default_rng(seed)
    coders, units, values = int(rng.integers(2, 6)), int(rng.integers(20, 300)), int(rng.integers(2, 7))
    data = rng.integers(0, values, size=(coders, units)).astype(float)
    agree = rng.random((coders, units)) < 0.6  # mostly agreement with the first coder
    data[agree] = np.broadcast_to(data[0], data.shape)[agree]
    data[rng.random((coders, units)) < 0.2] = N  # and some missing values
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert alpha(data) == pytest.approx(expected, abs=1e-9)


def test_cohen_kappa_textbook_example():
    # 50 items: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 -> po 0.7, pe 0.5, kappa 0.4.
    a = np.array([1] * 25 + [0] * 25)
    b = np.array([1] * 20 + [0] * 5 + [1] * 10 + [0] * 15)
    assert kappa(a, b) == pytest.approx(0.4)


def test_undefined_figures_are_none():
    assert kappa(np.zeros(5), np.zeros(5)) is None
    assert alpha(np.zeros((2, 5))) is None
    assert f1(0, 0, 0) is None


def test_bio_codes_cover_partly_overlapped_tokens():
    tokens = [(0, 3), (4, 8), (9, 12), (13, 15)]
    codes = bio_codes(tokens, [Mark(5, 11, "PER"), Mark(13, 15, "LOC")], ["PER", "LOC"])
    assert codes.tolist() == [0, 1, 2, 3]


def test_overlap_matching_is_one_to_one_per_label():
    a = [Mark(0, 5, "PER"), Mark(10, 15, "PER")]
    b = [Mark(3, 12, "PER"), Mark(10, 15, "ORG")]
    assert match_overlap(a, b) == [(a[0], b[0])]


def hand_doc():
    tokens = [(i * 2, i * 2 + 1) for i in range(10)]  # ten one-letter tokens at 0, 2, 4, ...
    return Doc(
        key=1,
        tokens=tokens,
        marks={
            "a": [Mark(0, 3, "PER"), Mark(6, 7, "LOC"), Mark(10, 11, "PER")],
            "b": [Mark(0, 3, "PER"), Mark(6, 9, "LOC"), Mark(14, 15, "ORG")],
        },
    )


def test_compute_by_hand():
    report = compute([hand_doc()], ["PER", "LOC", "ORG"])
    pair = report.pairs[("a", "b")]
    # exact: only PER 0-3 -> 2*1/6; overlap: PER 0-3 and LOC 6-7~6-9 -> 2*2/6.
    assert pair.exact_f1 == pytest.approx(1 / 3)
    assert pair.overlap_f1 == pytest.approx(2 / 3)
    # Tokens (codes): a = B1 I1 0 B3 0 B1 0 0 0 0 ; b = B1 I1 0 B3 I3 0 0 B5 0 0
    a = np.array([1, 2, 0, 3, 0, 1, 0, 0, 0, 0])
    b = np.array([1, 2, 0, 3, 4, 0, 0, 5, 0, 0])
    # po = 7/10; pe = sum p_a(c) p_b(c): O .6*.5, 1 .2*.1, 2 .1*.1, 3 .1*.1 = .30+.02+.01+.01 = .34
    assert pair.kappa == pytest.approx((0.7 - 0.34) / (1 - 0.34))
    assert kappa(a, b) == pytest.approx(pair.kappa)
    per = report.by_label[(("a", "b"), "PER")]
    assert (per.exact_f1, per.marks_a, per.marks_b) == (pytest.approx(2 / 3), 2, 1)
    assert report.by_label[(("a", "b"), "ORG")].overlap_f1 == 0
    assert report.overall.alpha == pytest.approx(alpha(np.stack([a, b]).astype(float)))
    assert report.documents[1].overlap_f1 == pytest.approx(2 / 3)


def test_all_annotators_together_and_missing_assignments():
    d1 = hand_doc()
    d2 = Doc(key=2, tokens=[(0, 1), (2, 3)], marks={"b": [Mark(0, 1, "PER")], "c": [Mark(0, 1, "PER")]})
    report = compute([d1, d2], ["PER", "LOC", "ORG"])
    assert set(report.pairs) == {("a", "b"), ("a", "c"), ("b", "c")}
    assert report.pairs[("a", "c")].overlap_f1 is None  # never on the same document
    assert report.pairs[("b", "c")].exact_f1 == 1
    # pooled over pairs: matched exact 1 + 1, marks 3+3 + 1+1 -> 4/8
    assert report.overall.exact_f1 == pytest.approx(0.5)


def test_quotes_speaker_and_type_agreement():
    q = dict(kind="quote", label="QUOTE")
    doc = Doc(
        key=1,
        tokens=[(0, 5), (6, 10), (20, 30)],
        marks={
            "a": [Mark(0, 10, speaker="span:20-30", quote_type="direct", **q)],
            "b": [Mark(0, 5, speaker="name:x", quote_type="direct", **q)],
        },
    )
    figures = compute([doc], ["QUOTE"]).pairs[("a", "b")]
    assert (figures.speaker_agreement, figures.type_agreement) == (0, 1)


def test_disagreements_side_by_side():
    rows = disagreements(hand_doc().marks, "a", "b")
    assert [(x and (x.start, x.end), y and (y.start, y.end), why) for x, y, why in rows] == [
        ((6, 7), (6, 9), "boundary"),
        ((10, 11), None, "missing"),
        (None, (14, 15), "missing"),
    ]
