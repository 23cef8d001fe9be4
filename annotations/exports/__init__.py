"""Annotation exports and imports, one module per format.

=============  ======================================  ===========  ======
format         module                                  file         import
=============  ======================================  ===========  ======
``w3c``        :mod:`annotations.exports.w3c`          ``.jsonld``  yes
``doccano``    :mod:`annotations.exports.doccano`      ``.jsonl``   yes
``brat``       :mod:`annotations.exports.brat`         ``.zip``     no
``conll``      :mod:`annotations.exports.conll`        ``.conll``   no
``quotes-csv`` :mod:`annotations.exports.quotes_csv`   ``.csv``     no
=============  ======================================  ===========  ======

What is exported (visibility, status, current text only) is decided once, in
:mod:`annotations.exports.selection`; how files are imported: read by the
format modules into the records of :mod:`annotations.exports.import_records`, then written (through
the annotation services, all or nothing) by :mod:`annotations.exports.importing`.
The API (:mod:`annotations.api.exports`) and the ``export_annotations`` /
``import_annotations`` commands are thin callers of :func:`export` and
:func:`import_file`.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

from annotations.exports import brat, conll, doccano, quotes_csv, w3c
from annotations.exports.import_records import ImportFailed, problem
from annotations.exports.importing import ImportResult, import_items
from annotations.exports.selection import ExportContext, ExportQuery, iter_documents

FORMATS: dict[str, ModuleType] = {module.NAME: module for module in (w3c, doccano, brat, conll, quotes_csv)}
IMPORT_FORMATS: dict[str, ModuleType] = {module.NAME: module for module in (w3c, doccano)}


def export(format_name: str, query: ExportQuery, ctx: ExportContext) -> Iterator[bytes]:
    """The export file of ``query`` in ``format_name``, as a stream of bytes."""
    return FORMATS[format_name].export(iter_documents(query), ctx)


def import_file(format_name: str, raw: bytes, *, user, **options) -> ImportResult:
    """Read ``raw`` in ``format_name`` and import it (see :func:`importing.import_items` for ``options``).

    Raises :class:`ImportFailed` (nothing saved) with every problem found.
    """
    module = IMPORT_FORMATS.get(format_name)
    if module is None:
        raise ImportFailed(
            [problem(None, "format", f"Cannot import {format_name!r}; import {' or '.join(IMPORT_FORMATS)}.", "invalid_choice")]
        )
    return import_items(user=user, parsed=module.parse(raw), **options)


def filename(format_name: str, stem: str) -> str:
    return f"{stem}.{FORMATS[format_name].EXTENSION}"


__all__ = [
    "FORMATS",
    "IMPORT_FORMATS",
    "ExportContext",
    "ExportQuery",
    "ImportFailed",
    "ImportResult",
    "export",
    "filename",
    "import_file",
]
