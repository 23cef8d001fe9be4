"""JSON Lines in doccano's shape: one line per article.

Each line serves both kinds of doccano project at once::

    {"id": 12,
     "text": "<the article's current text>",
     "label": [[233, 238, "PER"], ...],
     "entities": [{"id": 101, "label": "PER", "start_offset": 233, "end_offset": 238},
                  {"id": 104, "label": "QUOTE_DIRECT", "start_offset": 1021, "end_offset": 1059},
                  {"id": 105, "label": "CUE", "start_offset": 998, "end_offset": 1002}],
     "relations": [{"id": 1, "from_id": 104, "to_id": 101, "type": "SPEAKER"},
                   {"id": 2, "from_id": 104, "to_id": 105, "type": "CUE"}],
     "meta": {"article": {...}, "annotations": {"104": {"note": "..."}}}}

* ``label`` — the named entities only, doccano's *sequence labeling* format;
* ``entities`` + ``relations`` — doccano's *relation extraction* format with
  the quotes too: a quote is a span labelled ``QUOTE_DIRECT``,
  ``QUOTE_INDIRECT`` or ``QUOTE_PARTIAL``; its speaker is a ``SPEAKER``
  relation from the quote to the speaker entity; its cue (the reporting verb)
  a span labelled ``CUE`` with a ``CUE`` relation from the quote. Entity ids
  are the annotations' ids (a cue gets a number after the line's largest id);
* ``meta`` — what doccano has no column for: the article (title, source,
  date, URL, revision, ``text_sha256`` and ``blocks``: enough to find or
  recreate it) and, per annotation id, the values that are not defaults
  (``note``, free-text ``speaker_name``, ``status``, ``confidence``,
  ``suggester``, ``visibility``, ``group``). doccano keeps unknown keys as
  metadata.

Offsets are Unicode code points into ``text`` (what doccano, a Python
program, counts too). Reading takes these lines back, and plain doccano
exports: ``text`` (or ``data``) with either ``label`` (``[start, end,
label]`` triples) or ``entities``/``relations``; labels ``QUOTE`` (direct),
``QUOTE_*`` and ``CUE`` and relation types ``SPEAKER`` and ``CUE`` are read
case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import orjson

from annotations.exports.import_records import (
    ImportFailed,
    ImportItem,
    ParsedFile,
    problem,
    ref_from_descriptor,
)
from annotations.exports.selection import ArticleDoc, ExportContext, article_descriptor, dumps
from annotations.models import CONTEXT_LENGTH
from arabic.anchoring import context

NAME = "doccano"
MEDIA_TYPE = "application/jsonl; charset=utf-8"
EXTENSION = "jsonl"

QUOTE_LABELS = {"QUOTE_DIRECT": "direct", "QUOTE_INDIRECT": "indirect", "QUOTE_PARTIAL": "partial", "QUOTE": "direct"}
LABEL_OF_TYPE = {"direct": "QUOTE_DIRECT", "indirect": "QUOTE_INDIRECT", "partial": "QUOTE_PARTIAL"}
CUE = "CUE"
SPEAKER = "SPEAKER"
EXTRA_FIELDS = ("note", "speaker_name", "status", "confidence", "suggester", "visibility", "group")


def _extras(row: dict) -> dict:
    extras = {}
    if row["note"]:
        extras["note"] = row["note"]
    if row["speaker_name"]:
        extras["speaker_name"] = row["speaker_name"]
    elif row["kind"] == "quote" and row["speaker_id"] is None and row.get("speaker__exact"):
        extras["speaker_name"] = row["speaker__exact"]
    if row["status"] != "human":
        extras["status"] = row["status"]
    if row["confidence"] is not None:
        extras["confidence"] = row["confidence"]
    if row["suggester"]:
        extras["suggester"] = row["suggester"]
    if row["visibility"] != "public":
        extras["visibility"] = row["visibility"]
    if row.get("group__slug"):
        extras["group"] = row["group__slug"]
    return extras


def line(doc: ArticleDoc, ctx: ExportContext) -> dict:
    """One article as a doccano line (see the module notes)."""
    entities, relations, extras = [], [], {}
    next_id = max((row["id"] for row in doc.rows), default=0) + 1
    for row in doc.rows:
        if row["kind"] == "entity":
            label = row["label__code"]
        else:
            label = LABEL_OF_TYPE.get(row["quote_type"], "QUOTE_DIRECT")
        entities.append({"id": row["id"], "label": label, "start_offset": row["start"], "end_offset": row["end"]})
        found = _extras(row)
        if found:
            extras[str(row["id"])] = found
    for row in doc.quotes:
        if row["speaker_id"] is not None:
            relations.append({"id": len(relations) + 1, "from_id": row["id"], "to_id": row["speaker_id"], "type": SPEAKER})
        if row["cue_start"] is not None:
            entities.append({"id": next_id, "label": CUE, "start_offset": row["cue_start"], "end_offset": row["cue_end"]})
            relations.append({"id": len(relations) + 1, "from_id": row["id"], "to_id": next_id, "type": CUE})
            next_id += 1
    meta = {"article": article_descriptor(doc, ctx.urls, text=False)}
    if extras:
        meta["annotations"] = extras
    return {
        "id": doc.article_id,
        "text": doc.text,
        "label": [[row["start"], row["end"], row["label__code"]] for row in doc.entities],
        "entities": entities,
        "relations": relations,
        "meta": meta,
    }


def export(docs: Iterable[ArticleDoc], ctx: ExportContext) -> Iterator[bytes]:
    for doc in docs:
        yield dumps(line(doc, ctx)) + b"\n"


# --- reading --------------------------------------------------------------------------------------


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Line:
    """Reads one line; collects its problems with the line number."""

    def __init__(self, number: int, data: dict):
        self.number = number
        self.where = {"line": number}
        self.data = data
        self.problems: list[dict] = []

    def error(self, field: str | None, message: str, code: str = "invalid") -> None:
        self.problems.append(problem(self.where, field, message, code))

    def spans(self, text: str) -> list[dict]:
        """``[{key, label, start, end, path}]`` from ``entities`` or ``label``."""
        data, spans = self.data, []
        if "entities" in data:
            entities = data["entities"]
            if not isinstance(entities, list):
                self.error("entities", "entities must be a list of {id, label, start_offset, end_offset}.")
                return []
            for index, entity in enumerate(entities):
                path = f"entities[{index}]"
                if not isinstance(entity, dict):
                    self.error(path, "An entity is a JSON object {id, label, start_offset, end_offset}.")
                    continue
                key = entity.get("id", index)
                if not (_whole(key) or isinstance(key, str)):
                    self.error(f"{path}.id", "id must be a number or text.")
                    continue
                spans.append(self._span(text, path, key, entity.get("label"), entity.get("start_offset"), entity.get("end_offset"), "start_offset", "end_offset"))
        elif "label" in data:
            labels = data["label"]
            if not isinstance(labels, list):
                self.error("label", "label must be a list of [start, end, label].")
                return []
            for index, entry in enumerate(labels):
                path = f"label[{index}]"
                if isinstance(entry, dict):
                    start, end, name = entry.get("start_offset"), entry.get("end_offset"), entry.get("label")
                elif isinstance(entry, list) and len(entry) == 3:
                    start, end, name = entry
                else:
                    self.error(path, "Each label is [start, end, label].")
                    continue
                spans.append(self._span(text, path, f"label-{index}", name, start, end, "[0]", "[1]"))
        spans = [span for span in spans if span is not None]
        seen: set = set()
        for span in spans:
            if span["key"] in seen:
                self.error(f"{span['path']}.id", f"The id {span['key']!r} is used twice on this line.", "duplicate_id")
            seen.add(span["key"])
        return spans

    def _span(self, text, path, key, label, start, end, start_name, end_name) -> dict | None:
        def sub(name: str) -> str:
            return f"{path}{name}" if name.startswith("[") else f"{path}.{name}"

        if not isinstance(label, str) or not label.strip():
            self.error(sub("label") if not start_name.startswith("[") else f"{path}[2]", "The label must be text (PER, QUOTE_DIRECT, CUE, ...).", "required")
            return None
        if not _whole(start) or not _whole(end):
            self.error(sub(start_name), "Offsets must be whole numbers (Unicode code points).")
            return None
        if not 0 <= start < end <= len(text):
            self.error(
                sub(start_name),
                f"The span {start}–{end} is not inside the text ({len(text)} characters) or ends before it starts.",
                "out_of_range",
            )
            return None
        return {"key": key, "label": label.strip(), "start": start, "end": end, "path": path}


def _parse_line(number: int, raw: str, items: list[ImportItem], refs: list) -> list[dict]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return [problem({"line": number}, None, f"Malformed JSON: {exc}.", "malformed_json")]
    if not isinstance(data, dict):
        return [problem({"line": number}, None, "Each line is a JSON object with the text and its labels.", "invalid")]
    reader = _Line(number, data)
    text_field = "text" if "text" in data else "data"
    text = data.get(text_field)
    if not isinstance(text, str) or not text.strip():
        reader.error("text", "The line needs the article's text (text).", "required")
        return reader.problems
    meta = data.get("meta")
    if meta is not None and not isinstance(meta, dict):
        reader.error("meta", "meta must be a JSON object.")
        meta = None
    meta = meta or {}
    ref, errors = ref_from_descriptor(
        key=f"line-{number}", where=reader.where, field_path="meta.article", descriptor=meta.get("article"), text=text
    )
    reader.problems.extend(errors)
    refs.append(ref)
    extras = meta.get("annotations") or {}
    if not isinstance(extras, dict):
        reader.error("meta.annotations", "meta.annotations must map entity ids to their extra values.")
        extras = {}

    spans = reader.spans(text)
    by_key = {span["key"]: span for span in spans}
    kinds = {}
    for span in spans:
        upper = span["label"].upper()
        if upper == CUE:
            kinds[span["key"]] = "cue"
        elif upper.startswith("QUOTE"):
            if upper not in QUOTE_LABELS:
                reader.error(f"{span['path']}.label", f"Unknown quote label {span['label']!r}: use QUOTE_DIRECT, QUOTE_INDIRECT or QUOTE_PARTIAL.", "invalid_choice")
                continue
            kinds[span["key"]] = "quote"
        else:
            kinds[span["key"]] = "entity"

    speakers: dict = {}
    cues: dict = {}
    used_cues: set = set()
    relations = data.get("relations") or []
    if not isinstance(relations, list):
        reader.error("relations", "relations must be a list of {from_id, to_id, type}.")
        relations = []
    for index, relation in enumerate(relations):
        path = f"relations[{index}]"
        if not isinstance(relation, dict):
            reader.error(path, "A relation is a JSON object {from_id, to_id, type}.")
            continue
        kind = str(relation.get("type", "")).upper()
        source, target = relation.get("from_id"), relation.get("to_id")
        if source not in by_key or target not in by_key:
            missing = "from_id" if source not in by_key else "to_id"
            reader.error(f"{path}.{missing}", f"No entity on this line has the id {relation.get(missing)!r}.", "does_not_exist")
            continue
        if kinds.get(target) == "quote" and kinds.get(source) != "quote":
            source, target = target, source  # drawn the other way round in doccano
        if kind == SPEAKER:
            if kinds.get(source) != "quote" or kinds.get(target) != "entity":
                reader.error(path, "A SPEAKER relation links a quote to the entity that said it.", "invalid")
            elif source in speakers:
                reader.error(path, f"The quote {source!r} has two speakers.", "invalid")
            else:
                speakers[source] = (target, path)
        elif kind == CUE:
            if kinds.get(source) != "quote" or kinds.get(target) != "cue":
                reader.error(path, "A CUE relation links a quote to its CUE span (the reporting verb).", "invalid")
            elif source in cues:
                reader.error(path, f"The quote {source!r} has two cues.", "invalid")
            else:
                cues[source] = (target, path)
                used_cues.add(target)
        else:
            reader.error(f"{path}.type", f"Unknown relation type {relation.get('type')!r}: newsreader reads SPEAKER and CUE.", "invalid_choice")
    for key, kind in kinds.items():
        if kind == "cue" and key not in used_cues:
            reader.error(by_key[key]["path"], "A CUE span must be linked to its quote by a CUE relation.", "orphan_cue")

    if reader.problems:
        return reader.problems
    for span in spans:
        kind = kinds[span["key"]]
        if kind == "cue":
            continue
        start, end = span["start"], span["end"]
        prefix, suffix = context(text, start, end, CONTEXT_LENGTH)
        fields = {"kind": kind, "start": start, "end": end, "exact": text[start:end], "prefix": prefix, "suffix": suffix}
        path = span["path"]
        field_map = {
            "start": f"{path}.start_offset" if path.startswith("entities") else f"{path}[0]",
            "end": f"{path}.end_offset" if path.startswith("entities") else f"{path}[1]",
            "exact": path,
            "label": f"{path}.label" if path.startswith("entities") else f"{path}[2]",
            "quote_type": f"{path}.label",
            "": path,
        }
        if kind == "entity":
            fields["label"] = span["label"]
        else:
            fields["quote_type"] = QUOTE_LABELS[span["label"].upper()]
        extra = extras.get(str(span["key"])) or {}
        if not isinstance(extra, dict):
            reader.error(f"meta.annotations.{span['key']}", "The extra values of an annotation are a JSON object.")
            continue
        extra = dict(extra)
        group = extra.pop("group", None)
        for name in EXTRA_FIELDS:
            if name in extra and name != "group":
                fields[name] = extra[name]
                field_map[name] = f"meta.annotations.{span['key']}.{name}"
        field_map["group"] = f"meta.annotations.{span['key']}.group"
        if kind == "entity" and "speaker_name" in fields:
            reader.error(field_map["speaker_name"], "Only quotes have a speaker name.", "entity_field")
            continue
        speaker_key = None
        if span["key"] in speakers:
            target, relation_path = speakers[span["key"]]
            speaker_key = f"{number}:{target}"
            field_map["speaker"] = relation_path
        if span["key"] in cues:
            target, relation_path = cues[span["key"]]
            fields["cue_start"], fields["cue_end"] = by_key[target]["start"], by_key[target]["end"]
            field_map["cue_start"] = field_map["cue_end"] = by_key[target]["path"]
        if group is not None and not isinstance(group, str):
            reader.error(field_map["group"], "group must be a group's slug.")
            continue
        items.append(
            ImportItem(
                ref=ref,
                where=reader.where,
                fields=fields,
                key=f"{number}:{span['key']}",
                speaker_key=speaker_key,
                group_slug=group,
                field_map=field_map,
            )
        )
    return reader.problems


def parse(raw: bytes | str) -> ParsedFile:
    """Read doccano JSON Lines: the items of the good lines, and the problems of the others (by line).

    An empty file or one that is not UTF-8 raises :class:`ImportFailed`.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed([problem(None, None, f"The file is not UTF-8 text (byte {exc.start}).", "invalid_encoding")]) from exc
    items: list[ImportItem] = []
    refs: list = []
    problems: list[dict] = []
    lines = 0
    # Only "\n" separates lines: JSON strings may hold U+2028 and friends.
    for number, raw_line in enumerate(raw.split("\n"), start=1):
        text = raw_line.strip().rstrip("\r")
        if not text:
            continue
        lines += 1
        problems.extend(_parse_line(number, text, items, refs))
    if not lines:
        raise ImportFailed([problem(None, None, "The file is empty: expected one JSON object per line.", "empty")])
    return ParsedFile(items=items, refs=refs, problems=problems)
