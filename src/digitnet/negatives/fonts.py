"""Which fonts and characters the training negatives are drawn from, and which characters never are.

The fonts are those that ship inside matplotlib (a dependency of digitnet): DejaVu Sans, Serif and
Mono, STIX and Computer Modern, 22 faces in all. So drawing the negatives needs nothing installed
beyond digitnet's own dependencies (the default recipe's Fashion-MNIST pictures are data, found by
:mod:`digitnet.data.fashion`), and none of these fonts is a handwriting font: the
held-out set of ``benchmarks/non_digits/`` is drawn from Debian's handwriting fonts (those of
``benchmarks/handwriting/``) and Liberation, so its pictures measure generalisation, not memory.

A character that people write the way they write a digit is never a negative: a network taught that
an "O" is not a digit would refuse many zeros. :data:`LOOKALIKES` lists them, digit by digit; a
character is also left out when its Unicode name says it is one of those letters in another style
(MATHEMATICAL SCRIPT CAPITAL O) or a digit (CIRCLED DIGIT ONE).
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

#: characters commonly written like a digit (in handwriting or in some font), and so never negatives
LOOKALIKES = {
    "0": "OoØøΘθΟοОоσ◦°º∅⊘⊖⊙◎❍▯",
    "1": "Ilij|!¡/\\()[]'`´‘’‚\",.:;ıιΙІіЇїǀ∣∕∖∤∥∦≀⟋⟍⁄▮↑↓↕↥↧↟↡⇡⇣↾↿⇂⇃",
    "2": "ZzƵƶʐʑΖζ☡",
    "3": "ЗзƷʒȜȝϨϩЭэ∃∄",
    "4": "ЧчҶҷ∜♃♮",
    "5": "SsЅѕƼƽ",
    "6": "bбБδƄƅϬϭ∂ðЬьд♭☌",
    "7": "⅂Ꞁ⌉¬⌐↰↱↲↳↴↵",
    "8": "ȢȣƐ♉",
    "9": "gqɡɋƍϤϥ¶",
    "": "∛",  # a cube root: its little 3 is a digit
}
#: words in a character's Unicode name that make it a look-alike: digits and numerals themselves (and any
#: character with a numeric value, such as CIRCLED NUMBER TEN: see is_lookalike); circles,
#: rings and arcs (a 0, a ")" of a 1); bars, brackets, parentheses, quotation and exclamation marks (a 1)
LOOKALIKE_WORDS = frozenset({"DIGIT", "NUMERAL", "CIRCLE", "CIRCLED", "RING", "ARC", "MOON", "VERTICAL",
                             "PARENTHESIS", "BRACKET", "QUOTATION", "INTEGRAL", "EXCLAMATION"})
LOOKALIKE_CHARS = frozenset("".join(LOOKALIKES.values()))
#: Latin letters whose other styles (script, bold, fraktur...) inherit the look-alike status
LOOKALIKE_LETTERS = frozenset(c for c in LOOKALIKE_CHARS if c.isascii() and c.isalpha())

LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SYMBOLS = "#$%&*+<=>?@^_{}~-§¶©®¥€£¢¤±×÷¬µßæœÆŒÐðÞþ¿"
GREEK = "ΓΔΛΞΠΣΦΨΩαβγελμνξπρστυφχψωηκ"
CYRILLIC = "БГДЖИЙЛПФЦШЩЪЫЬЮЯбгджийлпфцшщъыьюяКкМмНнТт"
#: Unicode blocks with shapes worth showing a network: arrows, maths, geometric shapes, miscellaneous
#: symbols and dingbats
SHAPES = [(0x2190, 0x21FF), (0x2200, 0x22FF), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF)]
#: the mathematical script letters, capital and small, plain and bold: the closest to handwriting
#: these fonts have
SCRIPT = [(0x1D49C, 0x1D503)]


def _blocks(ranges) -> str:
    return "".join(chr(c) for start, stop in ranges for c in range(start, stop + 1))


#: the kinds of character, and how often a glyph negative is one of each: letters most, since they are
#: what people write besides digits
GROUPS = {"latin": (LATIN, 0.4), "script": (_blocks(SCRIPT), 0.15), "greek and cyrillic": (GREEK + CYRILLIC, 0.1),
          "symbols": (SYMBOLS, 0.15), "shapes": (_blocks(SHAPES), 0.2)}

#: the faces, by file name in matplotlib's font folder (the cmex10 and cmsy10 faces are left out: their
#: letters' places hold delimiters and symbols, many of them bars and brackets that look like a 1)
FONT_FILES = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf",
    "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSerif-BoldItalic.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf", "DejaVuSansMono-BoldOblique.ttf",
    "STIXGeneral.ttf", "STIXGeneralBol.ttf", "STIXGeneralItalic.ttf", "STIXGeneralBolIta.ttf",
    "cmr10.ttf", "cmb10.ttf", "cmss10.ttf", "cmti10.ttf", "cmtt10.ttf", "cmmi10.ttf",
)
#: Computer Modern faces use TeX's own encodings: only their letters are where Unicode puts them
LETTERS_ONLY = ("cmr10.ttf", "cmb10.ttf", "cmss10.ttf", "cmti10.ttf", "cmtt10.ttf", "cmmi10.ttf")


def is_lookalike(char: str) -> bool:
    """Whether ``char`` may be written like a digit (see :data:`LOOKALIKES`), or is a digit itself."""
    if char in LOOKALIKE_CHARS or char.isdigit() or unicodedata.numeric(char, None) is not None:
        return True
    name = unicodedata.name(char, "")
    words = name.split()
    if LOOKALIKE_WORDS.intersection(words):
        return True
    # MATHEMATICAL SCRIPT CAPITAL O, FULLWIDTH LATIN SMALL LETTER L...: the letter is the last word
    if "LETTER" in words or name.startswith("MATHEMATICAL"):
        letter = words[-1]
        small = "SMALL" in words
        return len(letter) == 1 and (letter.lower() if small else letter.upper()) in LOOKALIKE_LETTERS
    return False


def candidates(chars: str) -> str:
    """``chars`` without look-alikes, unassigned code points and anything that is not a letter, symbol or
    punctuation, in their order."""
    return "".join(c for c in dict.fromkeys(chars) if unicodedata.category(c)[0] in "LSP" and not is_lookalike(c))


def font_folder() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@functools.lru_cache(maxsize=None)
def training_fonts() -> dict[str, tuple[tuple[Path, str], ...]]:
    """For each group of :data:`GROUPS`, (font file, the group's characters it draws) for every training
    face that draws some: the candidates its character map holds."""
    from matplotlib.ft2font import FT2Font

    maps = {}
    for name in FONT_FILES:
        path = font_folder() / name
        if path.is_file():
            maps[path] = FT2Font(str(path)).get_charmap()
    fonts = {}
    for group, (chars, _) in GROUPS.items():
        pool = candidates(chars)
        fonts[group] = tuple((path, drawn) for path, have in maps.items()
                             if (drawn := "".join(c for c in pool if ord(c) in have and
                                                  (path.name not in LETTERS_ONLY or c in LATIN))))
    return fonts
