"""Sphinx configuration of digitnet's documentation site.

Sources: the README (included in ``index.md``), the Markdown pages of ``docs/`` (MyST), an API reference
generated from the docstrings (autosummary, recursive: every module of ``src/digitnet`` gets a page
without a list kept by hand), and two galleries built by sphinx-gallery by *running* the example
scripts: ``examples/`` (English) and its Chinese twin. The Chinese pages have no code of their own:
``docs/zh/examples/`` holds only their words, and ``_ext/zh_gallery.py`` puts each together with the
English script's code into a runnable script (in ``_build/zh_examples``, generated) before the galleries
are made, stopping the build where the cells do not line up. Each example becomes a page with its printed
output and figures, downloadable as a script and a notebook.

Two modes, chosen by the environment:

- the full site (``make docs``): every example runs in full, as the published site shows it;
- ``DIGITNET_QUICK=1`` (what ``make test`` runs, ``tests/test_docs.py``): the examples read the same
  variable and run their ``--quick`` version, and the Chinese gallery is rendered without running (its
  code is the English code, which has just run), so the whole build stays short. Together with ``-W`` a
  tutorial that stops running, a broken link or a docstring that is not valid reStructuredText fails the
  build.
"""

from __future__ import annotations

import os
import re
import sys
import types
from pathlib import Path

from sphinx.errors import SphinxError

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
if (ROOT / "src" / "digitnet").is_dir():  # the checkout's digitnet, also when it is not installed in editable mode
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(DOCS / "_ext"))

import zh_gallery  # noqa: E402

from digitnet import __version__  # noqa: E402

# ``python -m digitnet`` runs the command line as soon as it is imported; the API reference walks every
# module, so it finds this stand-in instead (and leaves it out: see _templates/autosummary/module.rst)
sys.modules.setdefault("digitnet.__main__", types.ModuleType("digitnet.__main__", "``python -m digitnet``"))

QUICK = os.environ.get("DIGITNET_QUICK") == "1"

project = "digitnet"
author = "the digitnet developers"
copyright = "digitnet developers, MIT licence"
version = release = __version__
language = "en"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx_gallery.gen_gallery",
]
if not QUICK:
    extensions.append("sphinx.ext.viewcode")  # pages of highlighted source: for the site, not for the check

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "zh/examples", "**/GALLERY_HEADER.rst", "**/README.rst"]
templates_path = ["_templates"]

# -- Markdown (MyST) -------------------------------------------------------------------------------
myst_heading_anchors = 3  # "cnn.md#the-engine-against-pytorch" links to a heading, as on GitHub
myst_enable_extensions = ["dollarmath"]

# -- API reference ---------------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
# a package's __init__ re-exports names documented on their own module's page: ignore __all__, so each
# object is described once, where it is defined
autodoc_default_options = {"members": True, "show-inheritance": True, "ignore-module-all": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_inherit_docstrings = False
# type hints name classes by their short names ("Network"), which several modules define; Sphinx picks
# one and would warn each time. Missing targets are not affected (the Python domain does not report them).
suppress_warnings = ["ref.python"]

# -- the galleries ---------------------------------------------------------------------------------
os.environ.setdefault("MPLBACKEND", "Agg")
#: the Chinese gallery's scripts, written by ``zh_gallery`` from ``examples/`` and ``docs/zh/examples/``
ZH_SCRIPTS = DOCS / "_build" / "zh_examples"


def _quick_pattern() -> str:
    """Which example files run: in quick mode only the English gallery's (the Chinese has the same code)."""
    english = re.escape(str(ROOT / "examples") + os.sep) + r"\d\d_"
    return english if QUICK else r"\d\d_[^" + re.escape(os.sep) + r"]*\.py$"


sphinx_gallery_conf = {
    "examples_dirs": [str(ROOT / "examples"), str(ZH_SCRIPTS)],
    "gallery_dirs": ["auto_examples", "zh/auto_examples"],
    "filename_pattern": _quick_pattern(),
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "run_stale_examples": True,  # quick and full builds share one source: never keep the other's results
    "remove_config_comments": True,
    "min_reported_time": 1,
    "capture_repr": (),
    "matplotlib_animations": False,
    "reset_modules": ("matplotlib",),
    "image_srcset": [],
    "show_memory": False,
    "write_computation_times": False,
}


def outside_digitnet(app, what, name, obj, skip, options):
    """Leave out members another library adds to digitnet's classes (scikit-learn's ``set_*_request``)."""
    module = getattr(obj, "__module__", None) or ""
    if callable(obj) and module and not module.startswith("digitnet"):
        return True
    return None


#: the page that shows each README, and where that README's links (written for GitHub, from the top
#: of the repository) lead on the site, relative to that page
README_PAGES = {
    "index": ("README.md", {"docs/": "", "examples/)": "auto_examples/index.rst)",
                            "README.zh-CN.md)": "zh/index.md)"}),
    "zh/index": ("README.zh-CN.md", {"docs/": "../", "examples/)": "auto_examples/index.rst)",
                                     "README.md)": "../index.md)"}),
}


def readme_into_page(app, docname, source):
    """Put a README where its page says ``<!-- README -->``, its links turned into links between pages."""
    if docname not in README_PAGES or "<!-- README -->" not in source[0]:
        return
    name, links = README_PAGES[docname]
    app.env.note_dependency(str(ROOT / name))
    text = (ROOT / name).read_text(encoding="utf-8")
    for target, page in links.items():
        text = text.replace("](" + target, "](" + page)
    source[0] = source[0].replace("<!-- README -->", text)


class ChineseGalleryError(SphinxError):
    category = "Chinese gallery"


def chinese_scripts(app):
    """Write the Chinese gallery's scripts before sphinx-gallery reads them; misaligned cells stop the build."""
    try:
        zh_gallery.write_scripts(ROOT / "examples", DOCS / "zh" / "examples", ZH_SCRIPTS)
    except zh_gallery.Misaligned as error:
        raise ChineseGalleryError(str(error)) from None


def setup(app):
    app.connect("builder-inited", chinese_scripts, priority=400)  # sphinx-gallery makes the galleries at 500
    app.connect("source-read", readme_into_page)
    app.connect("autodoc-skip-member", outside_digitnet)


# -- HTML ------------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"digitnet {version}"
html_static_path = ["_static"]
html_css_files = ["digitnet.css"]
html_show_sourcelink = False
