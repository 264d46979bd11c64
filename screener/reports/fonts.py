"""Which characters of a printed report no font on this computer has.

A PDF is drawn with the fonts of the computer that makes it (WeasyPrint asks fontconfig, and
takes any installed font that has a character the report's own fonts lack). DejaVu Sans, the
report's font, has no Chinese, Japanese or Korean letters: a name written in them prints as
empty boxes unless a CJK font is installed (on Debian or Ubuntu ``fonts-wqy-microhei``, 1.6 MB,
or ``fonts-noto-cjk``). The report names such a font first after DejaVu where one is installed,
and when none has a character of the report, the PDF says so above the report
(``html_to_pdf``) instead of printing boxes with no word of why.

fontconfig is asked through ctypes (it is a library WeasyPrint itself needs, so it is there
wherever a PDF can be made); where it cannot be asked, nothing is said.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import html
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

_MATCH: Final = 0  # FcResultMatch
_TAGS: Final = re.compile(r"<(style|title|script)\b.*?</\1>|<[^>]+>", flags=re.S | re.I)


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.POINTER(ctypes.c_void_p))]


def _fontconfig() -> Any | None:
    name = ctypes.util.find_library("fontconfig")
    for candidate in (name, "libfontconfig.so.1", "libfontconfig.1.dylib"):
        if candidate:
            try:
                lib = ctypes.CDLL(candidate)
            except OSError:
                continue
            lib.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
            lib.FcPatternCreate.restype = ctypes.c_void_p
            lib.FcObjectSetCreate.restype = ctypes.c_void_p
            lib.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            lib.FcFontList.restype = ctypes.POINTER(_FontSet)
            lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
            lib.FcPatternGetCharSet.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p)]
            lib.FcCharSetHasChar.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
            lib.FcFontSetDestroy.argtypes = [ctypes.POINTER(_FontSet)]
            lib.FcPatternDestroy.argtypes = [ctypes.c_void_p]
            lib.FcObjectSetDestroy.argtypes = [ctypes.c_void_p]
            lib.FcConfigDestroy.argtypes = [ctypes.c_void_p]
            return lib
    return None


def missing_characters(characters: Iterable[str]) -> list[str]:
    """The characters (in the order given, each once) that no installed font has; [] when
    fontconfig cannot be asked (then nothing can be said)."""
    wanted = [character for character in dict.fromkeys(characters) if not character.isspace() and ord(character) > 0x7E]
    if not wanted:
        return []
    lib = _fontconfig()
    if lib is None:
        return []
    config = lib.FcInitLoadConfigAndFonts()
    pattern = lib.FcPatternCreate()
    objects = lib.FcObjectSetCreate()
    lib.FcObjectSetAdd(objects, b"charset")
    fonts = lib.FcFontList(config, pattern, objects)
    try:
        charsets = []
        for number in range(fonts.contents.nfont if fonts else 0):
            charset = ctypes.c_void_p()
            if lib.FcPatternGetCharSet(fonts.contents.fonts[number], b"charset", 0, ctypes.byref(charset)) == _MATCH:
                charsets.append(charset)
        if not charsets:
            return []  # no font listed at all: fontconfig is not what draws this report
        return [character for character in wanted if not any(lib.FcCharSetHasChar(charset, ord(character)) for charset in charsets)]
    finally:
        if fonts:
            lib.FcFontSetDestroy(fonts)
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)
        lib.FcConfigDestroy(config)


def page_text(page: str) -> str:
    """The text a page shows (its markup, styles and title left out)."""
    return html.unescape(_TAGS.sub(" ", page))


def _writing(character: str) -> bool:
    name = unicodedata.name(character, "")
    return any(word in name for word in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPH", "BOPOMOFO"))


def missing_font_note(missing: list[str], most: int = 6) -> str:
    """What the PDF says above the report when some of its characters print as empty boxes: how
    many, which (by code point: the characters themselves would be boxes too), and what to do."""
    shown = " ".join(f"U+{ord(character):04X}" for character in missing[:most]) + (" ..." if len(missing) > most else "")
    what = "Chinese, Japanese or Korean letter" if all(_writing(character) for character in missing) else "character"
    count = f"{len(missing)} {what}{'s' if len(missing) != 1 else ''}"
    return (
        f"This PDF cannot show {count} ({shown}): no font on the computer that made it has them, so each prints as "
        "an empty box. A name or medicine written so is still in the answers and the results, as given. To print "
        "them, install a font that has them (on Debian or Ubuntu: fonts-wqy-microhei or fonts-noto-cjk) and make "
        "the PDF again, or make the report as HTML (-o report.html) and open it in a browser."
    )
