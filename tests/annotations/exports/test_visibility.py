"""Exports show what the caller may see: never somebody else's private annotations, in any format."""

from __future__ import annotations

import io
import zipfile

import pytest

from annotations.exports import FORMATS
from annotations.models import Annotation
from annotations.services import annotation_set_hidden
from tests.annotations.exports.conftest import run_export

pytestmark = pytest.mark.django_db

ALL_FORMATS = list(FORMATS)
SECRET = "مصطفى الكاظمي"  # marked privately by user
SHARED = "واشنطن"  # marked for the group
PUBLIC = "جو بايدن"


def text_of(format_name: str, data: bytes) -> str:
    """Everything an export file says, as text (a brat zip: its .ann files)."""
    if format_name == "brat":
        archive = zipfile.ZipFile(io.BytesIO(data))
        return "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".ann"))
    return data.decode("utf-8")


@pytest.fixture
def marked(seed_article, user, member, group, make_entity, make_quote, loc):
    public = make_entity(user, PUBLIC)
    private = make_entity(user, SECRET, visibility="private", note="سري")
    shared = make_entity(member, SHARED, label=loc, visibility="group", group=group)
    private_quote = make_quote(user, visibility="private", speaker_name="شخص سري")
    return {"public": public, "private": private, "shared": shared, "private_quote": private_quote}


def spans_in(format_name: str, data: bytes, seed_text: str) -> set[str]:
    """Which of the three entity texts the export carries as annotations."""
    found = set()
    for needle, annotation_text in ((PUBLIC, PUBLIC), (SECRET, SECRET), (SHARED, SHARED)):
        start = seed_text.index(needle)
        content = text_of(format_name, data)
        markers = {
            "w3c": f'"start":{start},',
            "doccano": f'"start_offset":{start},',
            "brat": f" {start} {start + len(needle)}\t",
            "conll": f"{needle.split()[0]} B-",
            "quotes-csv": None,
        }[format_name]
        if markers is not None and markers in content:
            found.add(annotation_text)
    return found


@pytest.mark.parametrize("format_name", ["w3c", "doccano", "brat", "conll"])
def test_each_caller_gets_what_they_may_see(format_name, marked, user, other_user, member, staff_user, text):
    expected = {
        None: {PUBLIC},
        user: {PUBLIC, SECRET},
        other_user: {PUBLIC},
        member: {PUBLIC, SHARED},
        staff_user: {PUBLIC, SHARED},  # staff see group annotations, never others' private ones
    }
    for caller, visible in expected.items():
        data = run_export(format_name, user=caller)
        assert spans_in(format_name, data, text) == visible, caller


@pytest.mark.parametrize("format_name", ALL_FORMATS)
def test_private_words_never_leak(format_name, marked, other_user, staff_user):
    """Not the note, not the free-text speaker of a private quote, for anyone but their creator."""
    for caller in (None, other_user, staff_user):
        content = text_of(format_name, run_export(format_name, user=caller))
        assert "سري" not in content and "شخص سري" not in content


def test_quotes_csv_shows_private_quotes_to_their_creator_only(marked, user, other_user):
    assert "شخص سري" in run_export("quotes-csv", user=user).decode()
    assert "شخص سري" not in run_export("quotes-csv", user=other_user).decode()


def test_a_public_quote_does_not_reveal_a_private_speaker(seed_article, user, other_user, make_entity, make_quote):
    # (The services refuse such a speaker; here it was made private after the quote named it.)
    speaker = make_entity(user, "بايدن", occurrence=3)
    make_quote(user, speaker=speaker.pk)
    assert '"SPEAKER"' in run_export("doccano", user=other_user).decode()
    Annotation.objects.filter(pk=speaker.pk).update(visibility="private")
    line = run_export("doccano", user=other_user).decode()
    assert '"SPEAKER"' not in line
    assert "بايدن" not in run_export("quotes-csv", user=other_user).decode().splitlines()[1].split(",")[0]
    # Nobody's export links it from the public quote (the quote is public; its speaker is not).
    assert '"SPEAKER"' not in run_export("doccano", user=user).decode()


@pytest.mark.parametrize("format_name", ["w3c", "doccano", "brat"])
def test_hidden_annotations_are_not_exported(format_name, marked, moderator, group, member, text):
    annotation_set_hidden(user=moderator, annotation_id=marked["shared"].pk, hidden=True)
    # The moderator may still see it in the app, but an export leaves moderated annotations out.
    assert SHARED not in spans_in(format_name, run_export(format_name, user=moderator), text)
    assert SHARED not in spans_in(format_name, run_export(format_name, user=member), text)
