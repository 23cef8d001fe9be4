"""Shaping project data for pages, CSV and the curation script (no queries, no rules)."""

from __future__ import annotations

import csv
import io

import nh3
from markdown_it import MarkdownIt

from projects.agreement import Doc, Figures, Report, compute, disagreements

METRICS = {
    "overlap_f1": "F1 (overlap)",
    "exact_f1": "F1 (exact)",
    "kappa": "Cohen's κ (tokens)",
    "alpha": "Krippendorff's α (tokens)",
}
# Markdown without raw HTML, then cleaned again: guidelines are written by managers, read by everyone.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})


def markdown(text: str) -> str:
    return nh3.clean(_MARKDOWN.render(text or ""))


def percent(value: int, total: int) -> float:
    return round(100 * value / total, 1) if total else 0.0


def progress_view(progress) -> dict:
    """Bars (as SVG widths in %) per annotator: assignments by status and marks per label."""
    rows = []
    for person in progress.annotators:
        total = max(progress.max_assigned, 1)
        finished = person.statuses.get("finished", 0)
        started = person.statuses.get("started", 0)
        assigned = person.statuses.get("assigned", 0)
        rows.append(
            {
                "username": person.username,
                "assigned": person.assigned,
                "started": started,
                "finished": finished,
                "waiting": assigned,
                "bar_finished": percent(finished, total),
                "bar_started": percent(started, total),
                "bar_started_x": percent(finished, total),
                "bar_waiting": percent(assigned, total),
                "bar_waiting_x": percent(finished + started, total),
                # Right to left: the same bars from the right edge (SVG coordinates always run left to right).
                "rtl_finished_x": round(100 - percent(finished, total), 1),
                "rtl_started_x": round(100 - percent(finished + started, total), 1),
                "rtl_waiting_x": round(100 - percent(finished + started + assigned, total), 1),
                "minutes": round(person.seconds / 60),
                "marks": [
                    {"label": label, "n": person.marks.get(label, 0), "bar": percent(person.marks.get(label, 0), max(progress.max_marks, 1))}
                    for label in progress.labels
                ],
                "marks_total": sum(person.marks.values()),
            }
        )
    return {
        "articles": progress.articles,
        "curated": progress.curated,
        "curation_started": progress.curation_started,
        "curated_bar": percent(progress.curated, progress.articles),
        "annotators": rows,
        "labels": progress.labels,
        "chart_height": 28 * len(rows) + 8,
    }


def agreement_report(docs: list[Doc], labels: list[str]) -> Report:
    return compute(docs, labels)


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value + 0.0:.3f}".replace("-0.000", "0.000")


def matrix(report: Report, metric: str) -> dict:
    """The annotator × annotator table of one metric (symmetric; the diagonal empty)."""
    rows = []
    for a in report.annotators:
        cells = []
        for b in report.annotators:
            if a == b:
                cells.append(None)
                continue
            pair = (a, b) if (a, b) in report.pairs else (b, a)
            figures = report.pairs[pair]
            value = getattr(figures, metric)
            cells.append({"a": pair[0], "b": pair[1], "value": fmt(value), "level": _level(value)})
        rows.append({"annotator": a, "cells": cells})
    return {"annotators": report.annotators, "rows": rows, "overall": fmt(getattr(report.overall, metric))}


def _level(value: float | None) -> str:
    """A coarse band for colouring a cell (agreement is read at a glance, figures for detail)."""
    if value is None:
        return "none"
    return "high" if value >= 0.8 else "mid" if value >= 0.6 else "low"


def _figure_cells(figures: Figures) -> dict:
    return {
        "exact_f1": fmt(figures.exact_f1),
        "overlap_f1": fmt(figures.overlap_f1),
        "kappa": fmt(figures.kappa),
        "alpha": fmt(figures.alpha),
        "marks": figures.marks_a + figures.marks_b,
        "speaker": fmt(figures.speaker_agreement),
        "type": fmt(figures.type_agreement),
    }


def label_rows(report: Report) -> list[dict]:
    """Per label (and all labels): all annotators together, then each pair."""
    rows = []
    for label in [None, *report.labels]:
        together = report.by_label[(None, label)]
        if label is not None and together.marks_a + together.marks_b == 0:
            continue
        rows.append(
            {
                "label": label,
                "together": _figure_cells(together),
                "pairs": [{"a": a, "b": b, **_figure_cells(report.by_label[((a, b), label)])} for a, b in report.pairs],
            }
        )
    return rows


def document_rows(report: Report, titles: dict[int, str], limit: int = 50) -> list[dict]:
    """The documents with the least overlap agreement first."""
    ranked = sorted(report.documents.items(), key=lambda item: (item[1].overlap_f1 is None, item[1].overlap_f1 or 0, item[0]))
    return [{"article": pk, "title": titles.get(pk, ""), **_figure_cells(figures)} for pk, figures in ranked[:limit]]


CSV_COLUMNS = ["scope", "label", "annotator_a", "annotator_b", "exact_f1", "overlap_f1", "kappa", "alpha",
               "marks_a", "marks_b", "matched_exact", "matched_overlap", "speaker_agreement", "type_agreement"]  # fmt: skip


def _csv_value(value) -> str:
    if value is None:
        return ""
    return f"{value:.6f}" if isinstance(value, float) else str(value)


def agreement_csv(report: Report) -> str:
    """Every figure: per pair and together, per label and all labels, then per document."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for (pair, label), f in report.by_label.items():
        a, b = pair if pair else ("*", "*")
        writer.writerow(
            ["pair" if pair else "all", label or "*", a, b]
            + [_csv_value(v) for v in (f.exact_f1, f.overlap_f1, f.kappa, f.alpha, f.marks_a, f.marks_b,
                                         f.matched_exact, f.matched_overlap, f.speaker_agreement, f.type_agreement)]
        )  # fmt: skip
    for pk, f in sorted(report.documents.items()):
        writer.writerow(
            [f"article:{pk}", "*", "*", "*"]
            + [_csv_value(v) for v in (f.exact_f1, f.overlap_f1, None, None, f.marks_a, f.marks_b,
                                         f.matched_exact, f.matched_overlap, f.speaker_agreement, f.type_agreement)]
        )  # fmt: skip
    return out.getvalue()


def _mark(mark) -> dict | None:
    if mark is None:
        return None
    return {"start": mark.start, "end": mark.end, "label": mark.label, "speaker": mark.speaker, "quote_type": mark.quote_type}


def disagreement_rows(docs: list[Doc], a: str, b: str, label: str | None) -> list[dict]:
    """Per document both annotators did: their disagreements as (a's mark, b's mark, why) rows."""
    out = []
    for doc in docs:
        if a not in doc.marks or b not in doc.marks:
            continue
        rows = disagreements(doc.marks, a, b, label)
        if rows:
            out.append({"article": doc.key, "rows": [{"a": _mark(x), "b": _mark(y), "why": why} for x, y, why in rows]})
    return out


def with_text(documents: list[dict], texts: dict[int, str], context: int = 40) -> list[dict]:
    """Add the words of each mark and its surroundings (for the side-by-side rows)."""
    for document in documents:
        text = texts.get(document["article"], "")
        for row in document["rows"]:
            for side in ("a", "b"):
                mark = row[side]
                if mark:
                    mark["before"] = text[max(0, mark["start"] - context) : mark["start"]]
                    mark["exact"] = text[mark["start"] : mark["end"]]
                    mark["after"] = text[mark["end"] : mark["end"] + context]
    return documents


def blocks(revision) -> list[dict]:
    """The revision's parts with their text (one element each, like the reader: the offset contract)."""
    text = revision.text
    return [{"kind": b["kind"], "start": b["start"], "end": b["end"], "text": text[b["start"] : b["end"]]} for b in revision.blocks]


def curation_data(entry, clusters) -> dict:
    """What the curation script needs: every cluster with its versions and decision."""
    out = []
    for cluster in clusters:
        decision = cluster.decision
        chosen = None
        if decision is not None and decision.annotation_id and not cluster.changed:
            ids = set(decision.source_annotation_ids)
            chosen = next((i for i, v in enumerate(cluster.variants) if ids & {s[2] for s in v.supporters}), None)
        out.append(
            {
                "kind": cluster.kind,
                "start": cluster.start,
                "end": cluster.end,
                "changed": cluster.changed,
                "decision": None if decision is None else {"method": decision.method, "choice": chosen},
                "variants": [
                    {
                        "start": v.start, "end": v.end, "label": v.label, "quote_type": v.quote_type, "speaker": v.speaker_text,
                        "annotators": [s[1] for s in v.supporters],
                    }  # fmt: skip
                    for v in cluster.variants
                ],
            }
        )
    return {"clusters": out, "annotators": sorted({n for c in out for v in c["variants"] for n in v["annotators"]})}


def decision_data(decision, choice) -> dict:
    return {"method": decision.method, "choice": choice, "annotation": decision.annotation_id}
