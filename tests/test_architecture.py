"""The import rule of docs/architecture.md: a module uses its own level and the levels below, never above.

Two checks, both over every module under src/digitnet: importing a module (alone, in a fresh set of
digitnet modules) loads nothing from a higher level; and no ``import`` statement anywhere in it, at
the top or inside a function (a lazy import is still a dependency), names a higher level. And the
maps of the code in the docs say what is so: the level table of docs/architecture.md is ``LEVELS``, and
the README's map shows every package and names no file that is not there.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import digitnet

ROOT = Path(digitnet.__file__).parent

#: the levels of docs/architecture.md, by package or module (the longest matching prefix decides)
LEVELS = {
    "digitnet": 0, "digitnet._version": 0, "digitnet.errors": 0,
    "digitnet.nn": 1, "digitnet.augment": 1, "digitnet.metrics": 1, "digitnet.reject": 1,
    "digitnet.data": 2, "digitnet.io": 2, "digitnet.presets": 2, "digitnet.models": 2, "digitnet.images": 2,
    "digitnet.negatives": 2,
    "digitnet.train": 3,
    "digitnet.plots": 4, "digitnet.serve": 4, "digitnet.tutorials": 4,
    "digitnet.estimator": 4, "digitnet.scale": 4, "digitnet.export": 4, "digitnet.book": 4,
    "digitnet.cli": 5, "digitnet.__main__": 5,
}


def level(module: str) -> int:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LEVELS:
            return LEVELS[".".join(parts[:n])]
    raise AssertionError(f"{module} has no level: add its package to LEVELS and to docs/architecture.md")


def module_names() -> list[str]:
    names = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = ["digitnet", *path.relative_to(ROOT).with_suffix("").parts]
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def source(module: str) -> Path:
    relative = Path(*module.split(".")[1:])
    return ROOT / relative / "__init__.py" if (ROOT / relative).is_dir() else ROOT / relative.with_suffix(".py")


#: run in one fresh interpreter. The modules come level by level, from the bottom; before each, every
#: digitnet module of its level and above is forgotten, so importing it runs again every module of its
#: level or above that it needs. Those below stay loaded: they were checked before it, and what they
#: loaded is still there, so nothing they need is hidden. What is loaded afterwards is what it needs.
LOADER = """
import importlib, json, sys
levels = dict(json.loads(sys.argv[1]))
loaded = {}
for name, level in levels.items():
    for m in [m for m in sys.modules if m in levels and levels[m] >= level]:
        del sys.modules[m]
    importlib.import_module(name)
    loaded[name] = sorted(m for m in sys.modules if m == "digitnet" or m.startswith("digitnet."))
print(json.dumps(loaded))
"""


def test_every_module_has_a_level():
    for name in module_names():
        level(name)


def test_importing_a_module_loads_nothing_from_a_higher_level():
    names = [n for n in module_names() if n != "digitnet.__main__"]  # importing that one runs the command
    order = sorted(((name, level(name)) for name in names), key=lambda item: item[1])
    run = subprocess.run([sys.executable, "-c", LOADER, json.dumps(order)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout)
    above = {name: [m for m in modules if level(m) > level(name)] for name, modules in loaded.items()}
    assert {name: modules for name, modules in above.items() if modules} == {}


def test_no_import_anywhere_in_a_module_names_a_higher_level():
    """Imports inside functions count too: a lazy import up the levels is the same dependency, deferred."""
    wrong = []
    for name in module_names():
        for node in ast.walk(ast.parse(source(name).read_text())):
            targets = ([node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                       else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            wrong += [f"{name} imports {t}" for t in targets
                      if t.split(".")[0] == "digitnet" and level(t) > level(name)]
    assert wrong == []


def test_importing_the_core_loads_nothing_of_data_io_plots_or_serve():
    code = ("import sys, digitnet.nn; "
            "print(sorted(m for m in sys.modules if m.split('.')[:2] in "
            "(['digitnet', 'data'], ['digitnet', 'io'], ['digitnet', 'plots'], ['digitnet', 'serve'])))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_recipes_are_data_they_import_nothing_from_train():
    code = ("import sys, digitnet.presets; "
            "print(sorted(m for m in sys.modules if m.startswith(('digitnet.train', 'digitnet.data', 'digitnet.io'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_package_root_is_light_and_names_where_things_live():
    """``import digitnet`` gives the version and the error class; the public names live in subpackages."""
    out = subprocess.run([sys.executable, "-c", "import sys, digitnet; print(sorted(m for m in sys.modules "
                          "if m.startswith('digitnet')))"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(["digitnet", "digitnet._version", "digitnet.errors"])
    assert set(digitnet.__all__) == {"DigitnetError", "__version__"}
    assert not hasattr(digitnet, "__getattr__")
    for where in ("digitnet.nn.Network", "digitnet.data.load_mnist", "digitnet.io.load_model", "digitnet.presets",
                  "digitnet.train.run", "digitnet.estimator.DigitClassifier"):
        assert where in " ".join(digitnet.__doc__.split()), where


def test_no_module_imports_by_a_module_level_getattr():
    """Import circles are broken by the levels, not by ``__getattr__`` tricks that import on first use."""
    users = [name for name in module_names()
             if any(isinstance(node, ast.FunctionDef) and node.name == "__getattr__"
                    for node in ast.parse(source(name).read_text()).body)]
    assert users == []


# -- the maps of the code, in the docs ---------------------------------------------------------------
CHECKOUT = Path(__file__).resolve().parents[1]


def test_the_level_table_of_the_docs_is_the_one_tested_here():
    """docs/architecture.md's table "What may import what" names each package at the level LEVELS gives."""
    text = (CHECKOUT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = {}
    for row in text.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if row.startswith("|") and cells[0].isdigit():
            for name in re.findall(r"`([a-z_]+)`", cells[1]):
                table["digitnet" if name == "digitnet" else f"digitnet.{name}"] = int(cells[0])
    assert table == {name: n for name, n in LEVELS.items() if name != "digitnet.__main__"}


def test_the_readme_map_names_every_package_and_only_files_that_exist():
    """README.md's "How the code is laid out" shows each package of src/digitnet, and every ``.py`` or
    ``.js`` file it names is one of the tree's."""
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## How the code is laid out", 1)[1].split("```")[1]
    shown = set(re.findall(r"^  (\w+)/", block, flags=re.MULTILINE))
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages <= shown, f"packages missing from the README's map: {sorted(packages - shown)}"
    modules = {p.name for p in ROOT.glob("*.py") if not p.name.startswith("_")}
    assert [name for name in modules if f"  {name}" not in block] == [], "modules missing from the README's map"
    files = {p.name for folder in ("src", "benchmarks") for p in (CHECKOUT / folder).rglob("*.[pj][ys]")}
    named = set(re.findall(r"\b[\w]+\.(?:py|js)\b", block)) - {"model.js"}  # model.js: written by serve and export
    assert named <= files, f"the README's map names files that do not exist: {sorted(named - files)}"
