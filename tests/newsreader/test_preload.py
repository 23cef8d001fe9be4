"""Both server entry points import the URLconf (every view) while the process starts, not on its first request."""

import subprocess
import sys

import pytest

PROBE = """
import sys
import django
{setup}
print("newsreader.urls" in sys.modules, "entities.views" in sys.modules, "annotations.api.views" in sys.modules)
"""


def loaded(setup: str) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE.format(setup=setup)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


@pytest.mark.parametrize("module", ["newsreader.asgi", "newsreader.wsgi"])
def test_the_application_module_imports_the_views(module):
    assert loaded(f"import {module}") == "True True True"


def test_setting_up_django_alone_does_not():
    """The check above can fail: Django's own set-up leaves the URLconf to the first request."""
    assert loaded("django.setup()") == "False False False"
