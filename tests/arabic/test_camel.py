"""camel-tools set-up: our data folder, the shipped catalogue, no network, status messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from arabic import camel

REPO = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter (camel-tools fixes its data folder on first import,
# so the test process cannot show it). Every connection attempt is recorded and
# refused; the script prints what happened as JSON.
GUARDED_IMPORT = textwrap.dedent(
    """
    import json, socket, sys
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("network access in a test")
    socket.getaddrinfo = refuse
    socket.create_connection = refuse
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    result = {"attempts": attempts, "error": None}
    try:
        if SET_UP:
            from arabic.camel import ensure_data_dir
            result["folder"] = str(ensure_data_dir())
        for name in MODULES:
            __import__(name)
        import camel_tools.data
        result["components"] = sorted(camel_tools.data.CATALOGUE.components)
        result["packages"] = sorted(camel_tools.data.CATALOGUE.packages)
        result["ct_data_dir"] = str(camel_tools.data.CT_DATA_DIR)
    except BaseException as exc:
        result["error"] = type(exc).__name__ + ": " + str(exc)
    print(json.dumps(result))
    """
)


def run_guarded(tmp_path: Path, *, set_up: bool, modules: list[str], env: dict | None = None) -> dict:
    script = f"SET_UP = {set_up!r}\nMODULES = {modules!r}\n" + GUARDED_IMPORT
    environment = {k: v for k, v in os.environ.items() if k not in ("CAMELTOOLS_DATA", "NEWSREADER_VAR_DIR")}
    environment.update({"HOME": str(tmp_path / "home"), "PYTHONPATH": str(REPO)})
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "modules",
    [
        ["camel_tools.data"],
        ["camel_tools.morphology.database", "camel_tools.morphology.analyzer", "camel_tools.disambig.mle"],
        ["camel_tools.ner"],
    ],
)
def test_importing_camel_modules_after_set_up_never_reaches_the_network(tmp_path, modules):
    data = tmp_path / "fresh-data"
    result = run_guarded(tmp_path, set_up=True, modules=modules, env={"CAMELTOOLS_DATA": str(data)})
    assert result["error"] is None
    assert result["attempts"] == []
    assert result["ct_data_dir"] == str(data)
    assert (data / "catalogue.json").is_file()
    assert {"MorphologyDB", "NamedEntityRecognition"} <= set(result["components"])
    assert {"light", "ner"} <= set(result["packages"])


def test_without_set_up_camel_would_download_its_catalogue(tmp_path):
    # The control experiment: the guard above does catch camel's download.
    result = run_guarded(
        tmp_path, set_up=False, modules=["camel_tools.data"], env={"CAMELTOOLS_DATA": str(tmp_path / "empty")}
    )
    assert result["attempts"], "camel-tools did not try to download: the network test proves nothing"
    assert result["error"] is not None


def test_default_folder_is_var_camel_tools_under_the_var_dir(tmp_path):
    result = run_guarded(
        tmp_path, set_up=True, modules=["camel_tools.data"], env={"NEWSREADER_VAR_DIR": str(tmp_path / "var")}
    )
    assert result["error"] is None and result["attempts"] == []
    assert result["folder"] == str(tmp_path / "var" / "camel_tools")


def test_default_data_dir_without_environment(monkeypatch):
    monkeypatch.delenv("CAMELTOOLS_DATA", raising=False)
    monkeypatch.delenv("NEWSREADER_VAR_DIR", raising=False)
    assert camel.data_dir() == REPO / "var" / "camel_tools"


def test_environment_variable_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "elsewhere"))
    assert camel.data_dir() == tmp_path / "elsewhere"


def test_settings_point_camel_at_the_var_folder():
    from newsreader import settings

    assert os.environ["CAMELTOOLS_DATA"] == str(settings.CAMELTOOLS_DATA)


def test_catalogue_is_copied_not_linked_and_an_existing_one_is_kept(tmp_path, monkeypatch):
    folder = Path(camel.import_camel("camel_tools.data").CT_DATA_DIR)
    monkeypatch.setenv("CAMELTOOLS_DATA", str(folder))
    assert camel.ensure_data_dir() == folder
    catalogue = folder / "catalogue.json"
    assert catalogue.is_file() and not catalogue.is_symlink()
    # an upstream catalogue (camel_data -u) is newer: it must not be overwritten
    original = catalogue.read_bytes()
    try:
        catalogue.write_text('{"version": "upstream", "packages": {}, "components": {}}', encoding="utf-8")
        camel.ensure_data_dir()
        assert json.loads(catalogue.read_text(encoding="utf-8"))["version"] == "upstream"
        assert json.loads(camel.SHIPPED_CATALOGUE.read_text(encoding="utf-8"))["version"] == "1.6.0"
    finally:
        catalogue.write_bytes(original)


def test_a_fresh_folder_gets_the_shipped_catalogue(tmp_path, monkeypatch):
    folder = tmp_path / "new"
    # ensure_data_dir() refuses a folder other than the one camel-tools already
    # uses in this process; check the copy in a process of its own instead.
    result = run_guarded(tmp_path, set_up=True, modules=[], env={"CAMELTOOLS_DATA": str(folder)})
    assert result["error"] is None
    assert (folder / "catalogue.json").read_bytes() == camel.SHIPPED_CATALOGUE.read_bytes()


def test_switching_folder_after_camel_was_imported_is_an_error(tmp_path, monkeypatch):
    camel.import_camel("camel_tools.data")
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "other"))
    with pytest.raises(camel.CamelSetupError, match="ensure_data_dir"):
        camel.ensure_data_dir()


def test_shipped_catalogue_loads_with_camels_loader():
    from camel_tools.data.catalogue import Catalogue

    catalogue = Catalogue.load_catalogue(camel.SHIPPED_CATALOGUE)
    light = catalogue.get_package("light")
    assert {"morphology-db-msa-r13", "disambig-mle-calima-msa-r13"} <= set(light.dependencies)
    assert catalogue.get_package("ner").dependencies == {"ner-arabert"}
    for name in ("morphology-db-msa-r13", "disambig-mle-calima-msa-r13", "ner-arabert"):
        package = catalogue.get_package(name)
        assert package.url.startswith("https://github.com/CAMeL-Lab/camel-tools-data/releases/")
    # the dataset paths camel-tools will look in are the ones our status checks
    assert str(catalogue.get_dataset("MorphologyDB").path).endswith("data/morphology_db/calima-msa-r13")
    assert str(catalogue.get_dataset("NamedEntityRecognition").path).endswith("data/ner/arabert")


@pytest.mark.parametrize(
    "status, package",
    [(camel.morphology_status, "light"), (camel.disambiguator_status, "light"), (camel.ner_status, "ner")],
)
def test_missing_data_reports_not_installed_with_the_command(tmp_path, status, package):
    result = status(folder=tmp_path)
    assert not result.installed
    assert "not installed" in result.message
    assert f"camel_data -i {package}" in result.message
    assert str(tmp_path) in result.message
    with pytest.raises(camel.NotInstalled, match=f"camel_data -i {package}"):
        result.require()


def test_installed_data_is_reported(tmp_path):
    db = tmp_path / "data" / "morphology_db" / "calima-msa-r13" / "morphology.db"
    db.parent.mkdir(parents=True)
    db.write_text("x", encoding="utf-8")
    assert camel.morphology_status(folder=tmp_path).installed
    ner = tmp_path / "data" / "ner" / "arabert"
    ner.mkdir(parents=True)
    for name in ("config.json", "vocab.txt"):
        (ner / name).write_text("{}", encoding="utf-8")
    assert not camel.ner_status(folder=tmp_path).installed  # no weights yet
    (ner / "model.safetensors").write_bytes(b"")
    status = camel.ner_status(folder=tmp_path)
    assert status.installed and status.require() is status


def test_status_command_prints_every_component(capsys):
    assert camel.main(["status"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CAMELTOOLS_DATA=")
    assert "morphology database" in out and "BERT NER model" in out and "MLE disambiguator" in out
