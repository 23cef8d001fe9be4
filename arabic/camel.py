"""camel-tools set-up: our own data folder, a catalogue, and "is it installed?".

camel-tools decides where its data lives *once*, when ``camel_tools.data`` is
first imported (``CT_DATA_DIR`` is read from ``$CAMELTOOLS_DATA`` at import
time), and on that same import it loads ``$CAMELTOOLS_DATA/catalogue.json`` —
downloading it from GitHub if the file is missing. Every camel module that
finds its data through the catalogue (``camel_tools.morphology.database``,
``camel_tools.ner``, ``camel_tools.disambig.*``, ...) imports it. So, before any
of those is imported:

1. ``CAMELTOOLS_DATA`` must point at the project's folder (``var/camel_tools``
   by default; newsreader/settings.py sets it from the settings), and
2. that folder must hold a ``catalogue.json``: we ship one
   (``arabic/data/catalogue.json``) and *copy* it there. A copy, not a link:
   ``camel_data -u`` overwrites the folder's catalogue with upstream's, which
   must never rewrite the file in the repository.

:func:`ensure_data_dir` does both; :func:`import_camel` is the one way this
package imports a catalogue-dependent camel module. The utilities used on every
request (``camel_tools.utils.*``, ``camel_tools.tokenizers.word``) never touch
the catalogue and need none of this.

The shipped catalogue lists only what newsreader uses, as two meta packages
that ``camel_data -i`` understands:

* ``light`` — the MSA morphology database (calima-msa-r13) and its MLE
  disambiguator (about 130 MB);
* ``ner`` — the AraBERT named entity model (about 540 MB).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
SHIPPED_CATALOGUE = Path(__file__).resolve().parent / "data" / "catalogue.json"
ENV_VAR = "CAMELTOOLS_DATA"

MORPHOLOGY_DB = "calima-msa-r13"
NER_MODEL = "arabert"
# Where camel-tools puts each dataset, relative to $CAMELTOOLS_DATA/data
# (the "path" of the dataset in the catalogue's components).
_DATASET_PATHS = {
    ("MorphologyDB", "calima-msa-r13"): "morphology_db/calima-msa-r13",
    ("DisambigMLE", "calima-msa-r13"): "disambig_mle/calima-msa-r13",
    ("NamedEntityRecognition", "arabert"): "ner/arabert",
}
_INSTALL_HINT = {"morphology": "light", "disambiguator": "light", "ner": "ner"}


class CamelSetupError(RuntimeError):
    """camel-tools was set up inconsistently (e.g. imported before us with another folder)."""


class NotInstalled(RuntimeError):
    """An optional camel-tools dataset (morphology database, NER model) is missing.

    ``str(error)`` is a sentence a user can act on, naming the command to run.
    """

    def __init__(self, status: ComponentStatus):
        self.status = status
        super().__init__(status.message)


def default_data_dir() -> Path:
    """The folder used when ``CAMELTOOLS_DATA`` is not set (same rule as settings.py)."""
    var_dir = os.environ.get("NEWSREADER_VAR_DIR")
    return (Path(var_dir) if var_dir else REPO_DIR / "var") / "camel_tools"


def data_dir() -> Path:
    """The camel-tools data folder in force: ``$CAMELTOOLS_DATA`` or the default."""
    value = os.environ.get(ENV_VAR)
    return Path(value).expanduser().absolute() if value else default_data_dir().absolute()


def ensure_data_dir(path: str | os.PathLike | None = None) -> Path:
    """Make camel-tools use our data folder and give it a catalogue; return the folder.

    ``path`` (or, without it, :func:`data_dir`) is written to ``CAMELTOOLS_DATA``
    for camel-tools to read on import. The folder is created when missing and
    the shipped catalogue copied into it unless one is already there (one
    fetched by ``camel_data -u`` is newer and kept).

    Raises :class:`CamelSetupError` when ``camel_tools.data`` was already
    imported with another folder: its paths are fixed for the process, so
    carrying on would silently read (or download into) the wrong place.
    """
    folder = Path(path).expanduser().absolute() if path is not None else data_dir()
    os.environ[ENV_VAR] = str(folder)
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = folder / "catalogue.json"
    if not catalogue.exists():
        # Copy to a temporary name and rename: a concurrent process never
        # sees a half-written catalogue.
        tmp = folder / f".catalogue.json.{os.getpid()}.tmp"
        shutil.copyfile(SHIPPED_CATALOGUE, tmp)
        os.replace(tmp, catalogue)
    loaded = sys.modules.get("camel_tools.data.catalogue")
    if loaded is not None and Path(loaded.CT_DATA_DIR).absolute() != folder:
        raise CamelSetupError(
            f"camel_tools.data was imported with CAMELTOOLS_DATA={loaded.CT_DATA_DIR}, "
            f"not {folder}; call arabic.camel.ensure_data_dir() before importing camel-tools modules"
        )
    return folder


def import_camel(module: str):
    """Import a camel-tools module after :func:`ensure_data_dir` (never reaches the network)."""
    ensure_data_dir()
    return importlib.import_module(module)


def dataset_path(component: str, name: str, folder: Path | None = None) -> Path:
    """Where camel-tools keeps a dataset: ``$CAMELTOOLS_DATA/data/<catalogue path>``."""
    folder = folder if folder is not None else data_dir()
    relative = _DATASET_PATHS.get((component, name))
    if relative is None:
        # Unknown to us: ask the catalogue in the data folder.
        with (folder / "catalogue.json").open(encoding="utf-8") as fp:
            relative = json.load(fp)["components"][component]["datasets"][name]["path"]
    return folder / "data" / relative


@dataclass(frozen=True)
class ComponentStatus:
    """Whether an optional camel-tools dataset is installed, and what to do if not."""

    component: str  # "morphology", "disambiguator" or "ner"
    installed: bool
    path: Path
    message: str

    def require(self) -> ComponentStatus:
        """Return self when installed, else raise :class:`NotInstalled`."""
        if not self.installed:
            raise NotInstalled(self)
        return self


def _status(component: str, label: str, path: Path, present: bool, folder: Path) -> ComponentStatus:
    if present:
        return ComponentStatus(component, True, path, f"{label} installed at {path}")
    package = _INSTALL_HINT[component]
    return ComponentStatus(
        component,
        False,
        path,
        f"{label} not installed — run `CAMELTOOLS_DATA={folder} camel_data -i {package}` "
        f"(or `python -m arabic.camel install {package}`) on a machine with internet access",
    )


def morphology_status(db_name: str = MORPHOLOGY_DB, folder: Path | None = None) -> ComponentStatus:
    """Is the camel-tools morphology database (calima-msa-r13 by default) installed?"""
    folder = folder if folder is not None else data_dir()
    path = dataset_path("MorphologyDB", db_name, folder) / "morphology.db"
    return _status("morphology", f"morphology database {db_name}", path, path.is_file(), folder)


def disambiguator_status(model: str = MORPHOLOGY_DB, folder: Path | None = None) -> ComponentStatus:
    """Is the MLE disambiguator (ranks analyses in context) installed?"""
    folder = folder if folder is not None else data_dir()
    path = dataset_path("DisambigMLE", model, folder) / "model.json"
    return _status("disambiguator", f"MLE disambiguator {model}", path, path.is_file(), folder)


def ner_status(model: str = NER_MODEL, folder: Path | None = None) -> ComponentStatus:
    """Is the camel-tools BERT NER model installed (config, weights and vocabulary present)?"""
    folder = folder if folder is not None else data_dir()
    path = dataset_path("NamedEntityRecognition", model, folder)
    present = (
        (path / "config.json").is_file()
        and (path / "vocab.txt").is_file()
        and any((path / weights).is_file() for weights in ("model.safetensors", "pytorch_model.bin"))
    )
    return _status("ner", f"BERT NER model {model}", path, present, folder)


def status() -> list[ComponentStatus]:
    return [morphology_status(), disambiguator_status(), ner_status()]


def main(argv: list[str] | None = None) -> int:
    """``python -m arabic.camel [status | install light|ner]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m arabic.camel", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("status", help="show the data folder and what is installed")
    install = sub.add_parser("install", help="download a package of the catalogue (needs internet)")
    install.add_argument("package", help="light, ner, or any package of the catalogue")
    install.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    folder = ensure_data_dir()
    if args.command == "install":
        catalogue = import_camel("camel_tools.data").CATALOGUE
        catalogue.download_package(args.package, recursive=True, force=args.force, print_status=True)
    print(f"CAMELTOOLS_DATA={folder}")
    for item in status():
        print(("  ok   " if item.installed else "  --   ") + item.message)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
