"""The documentation site builds (quick mode, warnings as errors), its galleries hold every tutorial in
English and in Chinese with the same code, and README.zh-CN.md quotes what README.md quotes.

The quick build is the check CI runs (``make test``): the examples read ``DIGITNET_QUICK=1`` and run
their ``--quick`` form, so a tutorial that stops running, a broken link or a page that does not build
fails here. ``make docs`` builds the full site the same way, with every example run in full.
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import time
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("[0-9][0-9]_*.py"))
CHINESE = sorted((ROOT / "docs" / "zh" / "examples").glob("[0-9][0-9]_*_zh.py"))
DOCS_PACKAGES = ("sphinx", "sphinx_gallery", "myst_parser", "furo")


# -- the build ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory, mnist):
    """The quick build, once: ``mnist`` first, as the examples find the data the usual way."""
    missing = [name for name in DOCS_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        message = (f"the docs extra is not installed ({', '.join(missing)}): make test installs it, "
                   "or pip install -e '.[docs]'")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("site")
    # a copy of the sources: sphinx-gallery and autosummary write what they generate beside them, and a
    # `make docs` running in the checkout at the same time must not see quick results (or the reverse)
    generated = shutil.ignore_patterns("_build", "auto_examples", "generated", "sg_execution_times.rst", "__pycache__")
    for folder in ("docs", "examples"):
        shutil.copytree(ROOT / folder, out / "checkout" / folder, ignore=generated)
    for readme in ("README.md", "README.zh-CN.md"):
        shutil.copy2(ROOT / readme, out / "checkout" / readme)
    env = dict(os.environ, DIGITNET_QUICK="1", MPLBACKEND="Agg")
    started = time.perf_counter()
    build = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
                            str(out / "checkout" / "docs"), str(out / "html"), "-d", str(out / "doctrees")],
                           cwd=out, env=env, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - started
    assert build.returncode == 0, f"the quick docs build failed:\n{build.stderr[-6000:]}"
    html = out / "html"
    pages = sorted(html.rglob("*.html"))
    figures = [p for p in html.glob("_images/sphx_glr_*.png") if not p.stem.endswith("_thumb")]
    print(f"\nquick docs build: {seconds:.0f} s, {len(pages)} pages, {len(figures)} gallery figures")
    return html


def test_the_gallery_holds_every_example_with_its_figures_and_downloads(site):
    index = (site / "auto_examples" / "index.html").read_text(encoding="utf-8")
    for script in EXAMPLES:
        page = site / "auto_examples" / f"{script.stem}.html"
        assert page.is_file() and f"{script.stem}.html" in index, f"{script.name} is not in the gallery"
        text = page.read_text(encoding="utf-8")
        assert f"{script.stem}.ipynb" in text and f"{script.stem}.py" in text, f"{script.name}: no downloads"
        assert re.search(rf"sphx_glr_{script.stem}_00\d\.png", text), f"{script.name}: no figure on its page"
        assert "中文版" in text, f"{script.name}: no link to its Chinese page"


def test_the_backprop_page_comes_first_and_shows_the_agreement(site):
    index = (site / "auto_examples" / "index.html").read_text(encoding="utf-8")
    positions = [index.find(f"{script.stem}.html") for script in EXAMPLES]
    assert positions == sorted(positions) and EXAMPLES[0].stem == "00_backprop_on_one_screen"
    page = (site / "auto_examples" / "00_backprop_on_one_screen.html").read_text(encoding="utf-8")
    assert "largest difference between the weights after the step" in page


def test_the_chinese_gallery_has_every_page(site):
    index = (site / "zh" / "auto_examples" / "index.html").read_text(encoding="utf-8")
    for script in CHINESE:
        page = site / "zh" / "auto_examples" / f"{script.stem}.html"
        assert page.is_file() and f"{script.stem}.html" in index
        assert "English" in page.read_text(encoding="utf-8")


def test_the_site_has_the_readmes_the_pages_and_the_api_reference(site):
    assert "Two commands" in (site / "index.html").read_text(encoding="utf-8")
    assert "两条命令" in (site / "zh" / "index.html").read_text(encoding="utf-8")
    for page in ("book", "tutorials", "architecture", "cnn", "serve", "api/index"):
        assert (site / f"{page}.html").is_file(), page
    api = site / "api" / "generated"
    for module in ("digitnet.nn.layers.dense", "digitnet.book.network2", "digitnet.train.trainer"):
        assert (api / f"{module}.html").is_file(), f"no API page for {module}"
    assert "backprop" in (api / "digitnet.book.network.html").read_text(encoding="utf-8")


# -- one code, two languages -------------------------------------------------------------------------
def code_tokens(path: Path) -> list[tuple[int, str]]:
    """The script's code without its comments and its docstring: what must be the same in both languages."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    kept = [(t.type, t.string) for t in tokens
            if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)]
    assert kept[0][0] == tokenize.STRING, f"{path.name} should start with its docstring"
    return kept[1:]


def test_every_example_has_a_chinese_version():
    assert [p.name.replace("_zh.py", ".py") for p in CHINESE] == [p.name for p in EXAMPLES]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_the_chinese_version_runs_the_same_code(script):
    chinese = ROOT / "docs" / "zh" / "examples" / script.name.replace(".py", "_zh.py")
    english, translated = code_tokens(script), code_tokens(chinese)
    for i, (a, b) in enumerate(zip(english, translated)):
        assert a == b, f"{chinese.name} differs from {script.name} at code token {i}: {b[1]!r} instead of {a[1]!r}"
    assert len(english) == len(translated), f"{chinese.name} and {script.name} have different lengths of code"


# -- README.zh-CN.md against README.md ------------------------------------------------------------------
COMMAND = re.compile(r"(make|digitnet|python|pip)\s")
FIGURE = re.compile(r"\d+(?:\.\d+)?%")


def quoted(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """The command lines of a README's code blocks (without their comments) and the percentages in its
    tables and code blocks, each with the line it is first found on."""
    commands, figures, in_code = {}, {}, False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            command = re.split(r"\s+#", line, maxsplit=1)[0].strip()
            if COMMAND.match(command + " "):
                commands.setdefault(command, number)
        if in_code or line.startswith("|"):
            for figure in FIGURE.findall(line):
                figures.setdefault(figure, number)
    return commands, figures


def test_the_chinese_readme_quotes_the_same_commands_and_figures():
    english, chinese = ROOT / "README.md", ROOT / "README.zh-CN.md"
    problems = []
    for kind, en, zh in zip(("command", "figure"), quoted(english), quoted(chinese)):
        problems += [f"{kind} {item!r} (README.md line {line}) is missing from README.zh-CN.md"
                     for item, line in en.items() if item not in zh]
        problems += [f"{kind} {item!r} (README.zh-CN.md line {line}) is no longer in README.md"
                     for item, line in zh.items() if item not in en]
    assert not problems, "README.zh-CN.md has drifted from README.md:\n" + "\n".join(problems)


def test_the_drift_check_sees_commands_and_figures():
    commands, figures = quoted(ROOT / "README.md")
    assert {"make train", "make test", "make docs", "digitnet serve"} <= set(commands)
    assert {"99.27%", "95.42%", "96.0%"} <= set(figures)
