"""Production static files: collectstatic gives the annotator's ES modules hashed names *and* hashed imports."""

import json
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from newsreader.storage import StaticFilesStorage
from tests.conftest import ROOT

JS_DIR = Path(settings.BASE_DIR) / "static" / "js"
# The module specifier of a static `import … from "x"`, `export … from "x"` or bare `import "x"`.
# What lies between the keyword and `from` is names, braces, `* as x`: never a
# quote, `=`, parenthesis or `;` (which would mean an ordinary `export const`).
SPECIFIER = re.compile(r"""^\s*(?:(?:import|export)\b[^'";=()]*?\bfrom|import)\s*["']([^"']+)["']""", re.MULTILINE)
# Comments may mention import() freely; only code counts.
COMMENTS = re.compile(r"/\*.*?\*/|^\s*//.*$", re.DOTALL | re.MULTILINE)


def specifiers(text: str) -> list[str]:
    return SPECIFIER.findall(COMMENTS.sub("", text))


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """Run collectstatic with the production storage into a fresh STATIC_ROOT; return (root, manifest)."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(
        STATIC_ROOT=root,
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "newsreader.storage.StaticFilesStorage"}},
        # Only the project's own static/: the apps' files (admin, Swagger UI, ReDoc)
        # would add a minute of compression and are not ES modules of ours.
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((root / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    return root, manifest


def test_production_settings_use_this_storage():
    # The test settings turn the manifest off (STATIC_MANIFEST=false), so read the
    # settings production gets in a fresh process.
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "STATIC_MANIFEST"}}
    env.update(DEBUG="false", SECRET_KEY="storage-test-key", DJANGO_SETTINGS_MODULE="newsreader.settings")
    run = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"],
        cwd=ROOT,
        env={**env, "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "newsreader.storage.StaticFilesStorage"
    assert StaticFilesStorage.support_js_module_import_aggregation is True


def test_hashed_main_imports_the_hashed_modules(collected):
    root, manifest = collected
    source = (JS_DIR / "annotator" / "main.js").read_text(encoding="utf-8")
    imports = specifiers(source)
    assert len(imports) >= 10  # the pattern finds main.js's imports (api, card, dom, …)
    hashed_main = manifest["js/annotator/main.js"]
    assert hashed_main != "js/annotator/main.js"
    hashed_imports = specifiers((root / hashed_main).read_text(encoding="utf-8"))
    # Each "./x.js" became the hashed name of that very module, in the same place.
    expected = [
        "./" + posixpath.basename(manifest[posixpath.normpath(posixpath.join("js/annotator", spec))])
        for spec in imports
    ]
    assert hashed_imports == expected
    assert all(spec != "./" + posixpath.basename(name) for spec, name in zip(hashed_imports, imports, strict=True))


def test_every_import_of_every_collected_module_exists_and_is_hashed(collected):
    root, manifest = collected
    hashed_names = set(manifest.values())
    modules = [name for name in manifest if name.startswith("js/") and name.endswith(".js")]
    assert "js/annotator/dom.js" in modules
    for name in modules:
        hashed = manifest[name]
        for spec in specifiers((root / hashed).read_text(encoding="utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(hashed), spec))
            assert target in hashed_names, f"{hashed} imports {spec}, which is not a hashed file"
            assert (root / target).is_file(), f"{hashed} imports {spec}, which was not collected"


def test_no_dynamic_imports():
    # Django rewrites only static import/export statements: an import("./x.js")
    # would load the unhashed file (stale after a release, not cached long).
    offenders = [
        str(path.relative_to(JS_DIR))
        for path in sorted(JS_DIR.rglob("*.js"))
        if re.search(r"\bimport\s*\(", COMMENTS.sub("", path.read_text(encoding="utf-8")))
    ]
    assert offenders == []
