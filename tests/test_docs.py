"""The documentation site builds (quick mode, warnings as errors), its galleries hold every tutorial in
English and in Chinese (the English code with the Chinese words, cell for cell), and README.zh-CN.md
quotes what README.md quotes.

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
def load(path: Path):
    """A module of the docs' own code (docs/_ext), which docs/conf.py imports the same way by name."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


zh_gallery = load(ROOT / "docs" / "_ext" / "zh_gallery.py")


def without_comments(code: str) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(code).readline)
    return [(t.type, t.string) for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL)]


def test_every_example_has_its_chinese_text():
    pairs = zh_gallery.pairs(ROOT / "examples", ROOT / "docs" / "zh" / "examples")
    assert [english for english, _ in pairs] == EXAMPLES
    assert [chinese.name for _, chinese in pairs] == [p.name for p in CHINESE]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_the_chinese_page_is_the_english_code_with_the_chinese_words(script, tmp_path):
    """The assembled script as sphinx-gallery reads it: the English cells' code (comments aside) and the
    Chinese text, cell for cell in the English order; and each page links to the other."""
    parser = pytest.importorskip("sphinx_gallery.py_source_parser")
    chinese = ROOT / "docs" / "zh" / "examples" / f"{script.stem}_zh.py"
    assembled = tmp_path / chinese.name
    assembled.write_text(zh_gallery.assemble(script, chinese), encoding="utf-8")
    _, english_cells = parser.split_code_and_text_blocks(str(script))
    _, chinese_cells = parser.split_code_and_text_blocks(str(chinese))
    _, cells = parser.split_code_and_text_blocks(str(assembled))
    assert [c.type for c in cells] == [c.type for c in english_cells]
    assert [c.content for c in cells if c.type == "text"] == [c.content for c in chinese_cells if c.type == "text"]
    for ours, theirs in zip(cells, english_cells):
        if ours.type == "code":
            assert without_comments(ours.content) == without_comments(theirs.content), f"line {ours.lineno}"
    assert f":doc:`/zh/auto_examples/{chinese.stem}`" in english_cells[0].content
    assert f"</auto_examples/{script.stem}>`" in cells[0].content


def test_the_chinese_pages_translate_the_code_comments():
    assembled = zh_gallery.assemble(EXAMPLES[0], CHINESE[0])
    assert "# 快速运行" in assembled and "# a smoke run" not in assembled
    assert "    Z2 = A1 @ W2 + b2                         # 输出层的分数" in assembled  # in the same column


#: ways a Chinese text stops lining up with its script (as changes of the two texts), and what the error says
MISALIGNED = {
    "a text cell left out": (lambda en, zh: (en, zh.replace("# %%\n# 训练", "# 训练", 1)),
                             "cells after its docstring"),
    "a cell added to the script": (lambda en, zh: (en + "\n# %%\n# One more.\nprint(1)\n", zh),
                                   "cells after its docstring"),
    "text where code stands": (lambda en, zh: (en, zh.replace("\n...\n", "\n# %%\n# 多余\n", 1)), "is code in"),
    "code in the Chinese text": (lambda en, zh: (en, zh.replace("\n...\n", "\nprint(1)\n", 1)),
                                 "in place of a code cell"),
    "a comment reworded in English": (lambda en, zh: (en.replace("# a smoke run: 200 steps", "# 200 steps"), zh),
                                      "no longer has: ['a smoke run: 200 steps']"),
    "a title without its underline": (lambda en, zh: (en, zh.replace("# ----------------\n", "", 1)),
                                      "has titles underlined with ['-']"),
}


@pytest.mark.parametrize("case", MISALIGNED)
def test_cells_that_do_not_line_up_stop_the_build_and_say_where(case, tmp_path):
    change, message = MISALIGNED[case]
    english = ROOT / "examples" / "01_is_it_zero.py"
    chinese = ROOT / "docs" / "zh" / "examples" / "01_is_it_zero_zh.py"
    before = english.read_text(encoding="utf-8"), chinese.read_text(encoding="utf-8")
    after = change(*before)
    assert after != before, "the change found nothing to change"
    for path, text in zip((english, chinese), after):
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    zh_gallery.assemble(english, chinese)  # the real pair lines up
    with pytest.raises(zh_gallery.Misaligned, match=re.escape(message)):
        zh_gallery.assemble(tmp_path / english.name, tmp_path / chinese.name)


def test_the_scripts_are_written_into_a_folder_of_their_own(tmp_path):
    out = tmp_path / "zh_examples"
    out.mkdir()
    (out / "99_removed_zh.py").write_text('"""An example that is gone."""\n', encoding="utf-8")
    written = zh_gallery.write_scripts(ROOT / "examples", ROOT / "docs" / "zh" / "examples", out)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)
    assert sorted(p.name for p in written) == sorted(["GALLERY_HEADER.rst"] + [p.name for p in CHINESE])
    (tmp_path / "text").mkdir()
    with pytest.raises(zh_gallery.Misaligned, match="missing"):
        zh_gallery.write_scripts(ROOT / "examples", tmp_path / "text", out)


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
