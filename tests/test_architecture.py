"""The import graph of the repository: apps depend in one direction, modules import in no circle.

The developers' guide: "Apps depend in one direction: no import circles, not even through imports
inside functions." This file reads every first-party module with :mod:`ast` (no import runs) and
checks two graphs:

* the **app graph**: which part of the project imports which (a node is a top-level package, with
  the project's wiring in ``newsreader`` — settings, URLs, ASGI/WSGI, preload — a node of its own,
  ``project``, above every app);
* the **module graph**: which module imports which.

Every ``import`` and ``from ... import`` counts, wherever it is: at the top, inside a function,
inside ``try``, inside ``if TYPE_CHECKING:``. A function-level import is a circle put off until the
call, not a circle removed. Nothing is excluded except what is not first-party code: ``tests/``
itself, the standalone scripts of ``bench/`` and ``bin/`` (nothing imports them; they sit on top of
everything) and the migrations (frozen history, never imported by code; Django loads them itself).

An edge goes to the most specific first-party module an import names: ``from a.b import c`` is an
edge to ``a.b.c`` when that is a module, else to ``a.b``. The package ``__init__`` modules that
Python runs on the way (``a`` before ``a.b``) are not edges: the ``__init__`` of a package that only
groups its modules would otherwise make every module of the package "import" its siblings.

The intended layer order, lowest first (a layer may import only layers below it and itself);
taken from what the code does, the reason for each step is beside it:
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Top-level directories that are not packages of the product (see the docstring).
NOT_CODE = {"tests", "bench", "bin", "docs", "locale", "static", "templates", "var", "node_modules", ".venv"}

# The project's wiring: modules of the ``newsreader`` package that put all apps together.
PROJECT = {"newsreader.settings", "newsreader.urls", "newsreader.asgi", "newsreader.wsgi", "newsreader.preload"}

LAYERS: list[set[str]] = [
    # Pure language code: no Django, no app (asserted below as well).
    {"arabic"},
    # Articles, sources, revisions, the reading pages, and the full-text engine under both searches
    # (newsreader.textsearch); apps that must follow an article's text register text hooks
    # (newsreader.services.articles.register_text_hook) instead of being called from here.
    # Accounts (sign-up, log-in pages) need Django's users only.
    {"newsreader", "accounts"},
    # Annotations and their event log (the outbox the apps above consume; they register in ready()).
    {"annotations"},
    # Health, workers, replicas, outages; its schema post-processing reads the annotation API's limits.
    {"ops"},
    # Entity and speaker pages, the quote search, the article search's entity filters.
    {"entities"},
    # The article search page: text (newsreader.textsearch) narrowed by entities' filters. Beside it,
    # apps that build on annotations (and ops, entities) but not on each other.
    {"search", "suggestions", "live", "projects"},
    # settings, URLs, ASGI/WSGI, preload: put every app together.
    {"project"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _first_party_files() -> dict[str, Path]:
    """Module name -> file, for every .py file of the product's packages."""
    modules = {}
    for top in sorted(ROOT.iterdir()):
        if not top.is_dir() or top.name in NOT_CODE or top.name.startswith("."):
            continue
        if not (top / "__init__.py").exists():
            continue
        for path in top.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            modules[_module_name(path)] = path
    return modules


MODULES = _first_party_files()
PACKAGES = {name.split(".")[0] for name in MODULES}


def _resolve(name: str) -> str | None:
    """The most specific first-party module ``name`` is or lies in; None for third-party names."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    """First-party modules ``module`` imports, anywhere in its file (functions, TYPE_CHECKING too)."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package this module is in
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [f"{prefix}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target)
            if resolved is not None and resolved != module:
                found.add(resolved)
    return found


MODULE_GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _app(module: str) -> str:
    return "project" if module in PROJECT else module.split(".")[0]


def _app_graph() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """App -> app it imports -> the (module, imported module) pairs that make the edge."""
    graph: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for module, targets in MODULE_GRAPH.items():
        for target in targets:
            a, b = _app(module), _app(target)
            graph.setdefault(a, {})
            if a != b:
                graph[a].setdefault(b, []).append((module, target))
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Circles of ``graph``: in each strongly connected component (Tarjan), shortest ones until every node is on one."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(set(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)

    cycles = []
    for component in components:
        covered: set[str] = set()
        for start in sorted(component):  # a shortest circle through each node no circle shown passes
            if start in covered:
                continue
            paths, queue, cycle = {start: [start]}, [start], None
            while queue and cycle is None:
                node = queue.pop(0)
                for nxt in sorted(graph.get(node, ())):
                    if nxt == start:
                        cycle = paths[node] + [start]
                        break
                    if nxt in component and nxt not in paths:
                        paths[nxt] = paths[node] + [nxt]
                        queue.append(nxt)
            covered.update(cycle)
            cycles.append(cycle)
    return cycles


def _describe(cycle: list[str], edges) -> str:
    steps = []
    for a, b in zip(cycle, cycle[1:]):
        how = edges(a, b)
        steps.append(f"  {a} -> {b}" + (f"   ({how})" if how else ""))
    return "\n".join(steps)


def test_the_graph_sees_the_product():
    # A walk that found nothing would pass every test below.
    assert {"arabic", "newsreader", "annotations", "entities", "search", "suggestions", "live", "projects"} <= PACKAGES
    assert len(MODULES) > 200
    assert "newsreader.models" in MODULE_GRAPH["search.selectors"]
    assert "annotations.outbox" in MODULE_GRAPH["annotations.tasks"]
    assert "annotations.models" in MODULE_GRAPH["search.forms"]  # an import inside a function


def test_every_app_has_a_layer():
    assert PACKAGES | {"project"} <= set(RANK), f"give these a place in LAYERS: {sorted(PACKAGES - set(RANK))}"


def test_the_apps_import_in_no_circle():
    app_graph = _app_graph()
    cycles = _cycles({a: set(b) for a, b in app_graph.items()})

    def edges(a, b):
        pairs = sorted(app_graph[a][b])
        return ", ".join(f"{m} imports {t}" for m, t in pairs[:3]) + (" ..." if len(pairs) > 3 else "")

    assert not cycles, "app import circles:\n" + "\n\n".join(_describe(c, edges) for c in cycles)


def test_the_apps_import_downwards_only():
    upwards = [
        f"{module} ({_app(module)}) imports {target} ({_app(target)})"
        for module, targets in sorted(MODULE_GRAPH.items())
        for target in sorted(targets)
        if RANK[_app(target)] > RANK[_app(module)]
        or (RANK[_app(target)] == RANK[_app(module)] and _app(target) != _app(module))
    ]
    assert not upwards, "imports against the layer order (LAYERS):\n" + "\n".join(upwards)


def test_the_modules_import_in_no_circle():
    cycles = _cycles(MODULE_GRAPH)
    assert not cycles, "module import circles:\n" + "\n\n".join(_describe(c, lambda a, b: "") for c in cycles)


def test_arabic_imports_nothing_from_django_or_the_apps():
    offenders = []
    for module, path in sorted(MODULES.items()):
        if not module.startswith("arabic"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in {"django", "rest_framework", "django_tasks"} or (top in PACKAGES and top != "arabic"):
                    offenders.append(f"{module}: {name}")
    assert offenders == []


# --- the checks themselves can fail ----------------------------------------------------------


def test_a_circle_is_found_and_shown():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []
    # Two circles through one node: both shown.
    assert _cycles({"a": {"b", "c"}, "b": {"a"}, "c": {"a"}}) == [["a", "b", "a"], ["c", "a", "c"]]


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("annotations.tasks", "def f():\n    from annotations import outbox\n", {"annotations.outbox"}),
        ("annotations.tasks", "from . import outbox\n", {"annotations.outbox"}),
        ("annotations.services", "from .base import x\n", {"annotations.services.base"}),
        ("search.views", "import django.db\nfrom entities.selectors import label_infos\n", {"entities.selectors"}),
    ],
)
def test_imports_inside_functions_and_relative_ones_count(tmp_path, module, source, expected):
    name = "__init__.py" if module == "annotations.services" else "x.py"
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    assert _imports(module, path) == expected
