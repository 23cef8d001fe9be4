"""The API's shortcut past AnnotationInputSerializer: taken only when the serializer would return the input unchanged."""

from __future__ import annotations

import pytest

from annotations.api.base import _plainly_valid
from annotations.api.serializers import AnnotationInputSerializer

UNCHANGED = [
    {"kind": "entity", "start": 3, "end": 9, "label": "PER"},
    {"kind": "entity", "start": 0, "end": 5, "label": 7, "exact": "بايدن", "prefix": " ", "suffix": ""},
    {"kind": "quote", "exact": " قال ", "speaker": 12, "cue_start": None, "cue_end": 4, "quote_type": "direct"},
    {"kind": "quote", "speaker_name": "", "quote_type": "", "note": "  ملاحظة\n", "visibility": "group", "group": 3},
    {"start": None, "end": None, "label": None, "revision": 4, "status": "human", "suggester": ""},
    {},
]
CHANGED_OR_REFUSED = [
    {"kind": " entity"},  # trimmed
    {"kind": ""},  # blank not allowed
    {"kind": None},  # null not allowed
    {"status": "   "},
    {"start": "3"},  # converted to 3
    {"start": 3.0},
    {"end": True},
    {"label": True},
    {"label": 2.5},
    {"label": ["PER"]},
    {"speaker_name": "x" * 1001},
    {"prefix": "x" * 1001},
    {"note": "a\x00b"},
    {"exact": "\ud800"},
    {"quote_type": "direct "},
    {"confidence": 0.5},  # floats: the serializer decides
    {"group": {"id": 3}},
]


@pytest.mark.parametrize("values", UNCHANGED)
def test_taken_when_the_serializer_returns_the_input_as_it_is(values):
    assert _plainly_valid(values)
    serializer = AnnotationInputSerializer(data=values)
    assert serializer.is_valid(), serializer.errors
    assert dict(serializer.validated_data) == values
    assert all(type(serializer.validated_data[k]) is type(v) for k, v in values.items())


@pytest.mark.parametrize("values", CHANGED_OR_REFUSED)
def test_not_taken_when_the_serializer_would_convert_or_refuse(values):
    assert not _plainly_valid(values)
    serializer = AnnotationInputSerializer(data=values)
    if "confidence" in values:
        return
    valid = serializer.is_valid()
    out = dict(serializer.validated_data) if valid else None
    assert not valid or out != values or any(type(out[k]) is not type(v) for k, v in values.items())
