"""The Chinese gallery: the English examples' code with the Chinese words, put together before the build.

A tutorial's code is written once, in ``examples/NN_name.py``. Its Chinese page keeps only its words, in
``docs/zh/examples/NN_name_zh.py``: the docstring and every text cell (``# %%`` and the comment lines
under it) in Chinese, and in place of each code cell one Python literal, either ``...`` or a dict that
translates comments of that cell (``{"a smoke run: 200 steps": "快速运行：200 步"}``; a comment it does
not name stays in English). Before sphinx-gallery runs, :func:`write_scripts` writes each page's runnable
script, the English code with the Chinese words, into a generated folder that the Chinese gallery is
built from.

The two files must line up cell by cell: the same cells in the same order, a title wherever the English
has one, and no translation of a comment the code no longer has. Where they do not, :class:`Misaligned`
says which file, which cell and what differs, and the build stops; nothing is guessed.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

#: the line that opens a text cell, as sphinx-gallery reads it: ``# %%`` or a line of 20 or more ``#``
CELL_START = re.compile(r"# ?%%|#{20,}")
#: a reStructuredText title's underline (the line under the title's words)
UNDERLINE = re.compile(r"([=\-~^\"'`#*+.:_])\1{2,}\s*")


class Misaligned(ValueError):
    """A Chinese text file and its English script do not line up, cell by cell."""


@dataclass(frozen=True)
class Part:
    """One piece of a script: ``docstring``, ``text`` (a ``# %%`` cell), ``code``, or ``blank`` lines
    between them; ``lines`` are the file's own lines (joined, the parts give back the file)."""

    kind: str
    lines: list[str]
    first: int  # the line number of its first line, for messages

    @property
    def titles(self) -> list[str]:
        """The underline characters of the titles in it, in order (``["="]`` for a page title)."""
        words = [re.sub(r"^# ?", "", line).rstrip() for line in self.lines]
        return [words[i][0] for i in range(1, len(words))
                if UNDERLINE.fullmatch(words[i]) and words[i - 1].strip() and not UNDERLINE.fullmatch(words[i - 1])]


def parts(path: Path) -> list[Part]:
    """A script as its docstring followed by its cells, split where sphinx-gallery splits it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    body = ast.parse("".join(lines), filename=str(path)).body
    if not (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        raise Misaligned(f"{path}: a gallery script starts with its docstring, the page's title and introduction")
    end = body[0].end_lineno or 1
    found = [Part("docstring", lines[:end], 1)]
    i = end
    while i < len(lines):
        start = i
        if CELL_START.match(lines[i]):
            i += 1
            while i < len(lines) and lines[i].startswith("#"):
                i += 1
            found.append(Part("text", lines[start:i], start + 1))
        else:
            while i < len(lines) and not CELL_START.match(lines[i]):
                i += 1
            kind = "code" if "".join(lines[start:i]).strip() else "blank"
            found.append(Part(kind, lines[start:i], start + 1))
    return found


def translations(part: Part, path: Path) -> dict[str, str]:
    """What a Chinese file's stand-in for a code cell says: ``...`` (nothing) or {English comment: Chinese}."""
    where = f"{path.name} line {part.first}"
    try:
        value = ast.literal_eval("".join(part.lines).strip())
    except (ValueError, SyntaxError):
        raise Misaligned(f"{where}: in place of a code cell, write `...` or a dict that translates its comments "
                         "({\"English comment\": \"中文注释\"}); the code itself is taken from the English script")
    if value is Ellipsis:
        return {}
    if not (isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())):
        raise Misaligned(f"{where}: the stand-in for a code cell is `...` or a dict of strings, not {value!r}")
    return value


def translate_comments(code: list[str], translated: dict[str, str], where: str) -> list[str]:
    """The code's lines with each comment named in ``translated`` (its words after ``#``) in Chinese."""
    lines = list(code)
    unused = dict(translated)
    for token in tokenize.generate_tokens(io.StringIO("".join(code)).readline):
        words = token.string[1:].strip()
        if token.type == tokenize.COMMENT and words in translated:
            (row, column), end = token.start, token.end[1]
            lines[row - 1] = lines[row - 1][:column] + "# " + translated[words] + lines[row - 1][end:]
            unused.pop(words, None)
    if unused:
        raise Misaligned(f"{where} translates comments that its code cell no longer has: {list(unused)} "
                         "(translate the comment as it is now, or leave it out to show it in English)")
    return lines


def assemble(english: Path, chinese: Path) -> str:
    """The runnable Chinese script: the code of ``english`` with the docstring and text of ``chinese``."""
    en, zh = parts(english), parts(chinese)
    en_cells = [p for p in en if p.kind != "blank"]
    zh_cells = [p for p in zh if p.kind != "blank"]
    for n, (a, b) in enumerate(zip(en_cells, zh_cells)):
        cell = "the docstring" if n == 0 else f"cell {n}"
        if a.kind != b.kind:
            raise Misaligned(f"{cell} is {a.kind} in {english.name} (line {a.first}) but {b.kind} in "
                             f"{chinese.name} (line {b.first}): the Chinese file has a text cell for each "
                             "English one and `...` for each code cell, in the same order")
        if a.kind != "code" and a.titles != b.titles:
            raise Misaligned(f"{cell} has titles underlined with {a.titles} in {english.name} (line {a.first}) "
                             f"but {b.titles} in {chinese.name} (line {b.first})")
    if len(en_cells) != len(zh_cells):
        raise Misaligned(f"{english.name} has {len(en_cells) - 1} cells after its docstring, {chinese.name} "
                         f"{len(zh_cells) - 1}: the Chinese file has a text cell for each English one and "
                         "`...` for each code cell, in the same order")
    words = iter(zh_cells)
    out = list(next(words).lines)
    for part in en[1:]:
        if part.kind == "blank":
            out += part.lines
        elif part.kind == "text":
            out += next(words).lines
        else:
            stand_in = next(words)
            where = f"{chinese.name} line {stand_in.first}"
            out += translate_comments(part.lines, translations(stand_in, chinese), where)
    return "".join(out)


def pairs(code: Path, text: Path) -> list[tuple[Path, Path]]:
    """Each English script of ``code`` with its Chinese text in ``text``; one missing on either side is an error."""
    english = sorted(code.glob("[0-9][0-9]_*.py"))
    chinese = sorted(text.glob("[0-9][0-9]_*_zh.py"))
    wanted = {script.stem + "_zh.py" for script in english}
    have = {path.name for path in chinese}
    if wanted != have:
        raise Misaligned(f"every script of {code} has its Chinese text in {text}, named NAME_zh.py: "
                         f"missing {sorted(wanted - have)}, without an English script {sorted(have - wanted)}")
    return [(script, text / (script.stem + "_zh.py")) for script in english]


def write_scripts(code: Path, text: Path, out: Path) -> list[Path]:
    """Write the Chinese gallery's scripts (and its header, ``text/GALLERY_HEADER.rst``) into ``out``.

    Files whose content is unchanged are left alone, and files that no longer have a source are removed.
    """
    written = {out / chinese.name: assemble(english, chinese) for english, chinese in pairs(code, text)}
    written[out / "GALLERY_HEADER.rst"] = (text / "GALLERY_HEADER.rst").read_text(encoding="utf-8")
    out.mkdir(parents=True, exist_ok=True)
    for path in out.iterdir():
        if path.is_file() and path not in written:
            path.unlink()
    for path, content in written.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
    return sorted(written)
