"""doccano 1.8.4 as the peer of bench/annotations_api.py's create: its own venv, database, project and users."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

DOCCANO_VERSION = "1.8.4"
# doccano's "postgresql" extra names no driver in 1.8.4: psycopg2 is installed beside it; and its
# environs 9.5 breaks with marshmallow 4 (no __version_info__) and pandas 1.5 with numpy 2, which
# pip would pick today.
DOCCANO_EXTRAS = ["psycopg2-binary==2.9.13", "marshmallow<4", "numpy<2"]
DOCCANO_USERS = 16
# Run by the doccano venv's Python inside doccano's backend folder: its own migrations, roles, one
# sequence-labelling project (overlapping spans allowed, as newsreader allows overlapping marks),
# the seed article as its one example, our label codes as its span types, and a token per user.
_DOCCANO_SETUP = r"""
import json, os, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from examples.models import Example
from label_types.models import SpanType
from projects.models import Member, SequenceLabelingProject
from roles.models import Role

spec = json.load(sys.stdin)
call_command("migrate", verbosity=0)
call_command("create_roles", verbosity=0)
users = [get_user_model().objects.create_user(f"bench{i}", password="bench-pass-123") for i in range(spec["users"])]
project = SequenceLabelingProject.objects.create(
    name="bench", description="bench", project_type="SequenceLabeling", created_by=users[0], allow_overlapping=True
)
project.add_admin()
annotator = Role.objects.get(name=settings.ROLE_ANNOTATOR)
for user in users[1:]:
    Member.objects.create(project=project, user=user, role=annotator)
example = Example.objects.create(project=project, text=spec["text"])
labels = {code: SpanType.objects.create(project=project, text=code).pk for code in spec["labels"]}
print(json.dumps({"project": project.pk, "example": example.pk, "labels": labels,
                  "tokens": [Token.objects.create(user=user).key for user in users]}))
"""


def doccano_install(venv: Path) -> str | None:
    """doccano 1.8.4 in its own venv (made when missing); None when it cannot be had (the reason is printed)."""
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"doccano: making a venv in {venv} and installing doccano=={DOCCANO_VERSION} (a few minutes)")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-c", "import backend, psycopg2, environs, pandas"], capture_output=True)
    if check.returncode != 0:
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"doccano=={DOCCANO_VERSION}", *DOCCANO_EXTRAS],
            capture_output=True, text=True,
        )  # fmt: skip
        if installed.returncode != 0:
            print(f"doccano: pip install failed: {installed.stderr.strip()[-500:]}")
            return None
    return subprocess.run(
        [str(python), "-c", "import backend, os; print(os.path.dirname(backend.__file__))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def doccano_env(venv: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
    url = database_url + ("&" if "?" in database_url else "?") + "sslmode=disable"
    return {
        **env, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.production", "DEBUG": "False",
        "SECRET_KEY": "bench-doccano-not-for-production", "MEDIA_ROOT": str(venv / "media"),
        "DATABASE_CONN_MAX_AGE": "600", "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}",
    }  # fmt: skip


def doccano_setup(venv: Path, backend: str, database_url: str, data: dict) -> dict:
    """Migrate doccano's own throwaway database and make its project, example, labels and users."""
    spec = {"users": DOCCANO_USERS, "text": data["text"], "labels": list(data["labels"])}
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-c", _DOCCANO_SETUP], input=json.dumps(spec), capture_output=True, text=True,
        cwd=backend, env=doccano_env(venv, database_url),
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"doccano set-up failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def doccano_requests(doccano: dict, data: dict, count: int) -> list[tuple[str, str, str, str]]:
    """POST a span (start_offset, end_offset, label): doccano's span create, the words and labels ours create."""
    path = f"/v1/projects/{doccano['project']}/examples/{doccano['example']}/spans"
    plan = itertools.cycle([(span, code) for code in data["labels"] for span in data["spans"]])
    tokens = itertools.cycle(doccano["tokens"])
    return [
        (path, json.dumps({"start_offset": start, "end_offset": end, "label": doccano["labels"][code]}),
         f"Token {next(tokens)}", "POST")
        for (start, end), code in itertools.islice(plan, count)
    ]  # fmt: skip
