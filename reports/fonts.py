"""The fonts of the report PDF, and the check that every character of the report has a glyph in one of them.

Three families, tried in this order for each character (CSS ``font-family`` fallback, done by Pango):

- **Noto Sans** (Latin, Greek, Cyrillic, Vietnamese) and **Noto Sans Arabic**: the PyPI packages
  ``fontpkg-noto-sans`` and ``fontpkg-noto-sans-arabic`` (OFL), installed with the project, no root needed;
- **Noto Sans CJK** (Chinese, Japanese, Korean): 20 MB a weight, on no well-kept PyPI package, so it comes
  from the system: Debian/Ubuntu ``fonts-noto-cjk`` (``make run`` and ``.ci/run`` install it when they run
  as root and say how otherwise), Fedora ``google-noto-sans-cjk-fonts``, Arch ``noto-fonts-cjk``.

The report loads exactly these files with ``@font-face`` (served by ``pdf.ProjectFilesFetcher`` from
``FONT_URL_PREFIX``), and ``missing_glyphs`` reads their character maps (fontTools) so that a character
none of them covers is refused before rendering instead of coming out as an empty box.

Importing this module needs no Django settings (the Makefile asks it whether the CJK font is there).
"""

import functools
import hashlib
import importlib.util
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fontTools.ttLib import TTFont

# URLs of font files inside the report; pdf.ProjectFilesFetcher serves exactly the files listed here.
FONT_URL_PREFIX = "/fonts/"

# Where the distributions put Noto Sans CJK (Regular, Bold): Debian/Ubuntu, Fedora, Arch, a user's ~/.fonts.
CJK_DIRS = [
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/usr/share/fonts/noto-cjk"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
]
CJK_INSTALL_HINT = (
    "Debian/Ubuntu: sudo apt install fonts-noto-cjk; Fedora: sudo dnf install google-noto-sans-cjk-fonts; "
    "Arch: sudo pacman -S noto-fonts-cjk"
)


@dataclass(frozen=True)
class FontFace:
    """One font file of the report: its CSS family, weight and style. A variable font (Noto Sans's
    ``[wdth,wght]`` files) has no weight: Pango picks its bold instance from the one file, and WeasyPrint
    does not read weight ranges ("100 900") in ``@font-face``."""

    family: str
    path: Path
    weight: str = ""
    style: str = "normal"

    @property
    def url_path(self) -> str:
        """The path under which the report asks for this file (``/fonts/<family>/<file name>``)."""
        return f"{FONT_URL_PREFIX}{quote(self.family.replace(' ', '-'))}/{quote(self.path.name)}"


@dataclass(frozen=True)
class FontFamily:
    """A family the report may use; ``faces`` is empty when its files are not installed on this machine."""

    name: str
    faces: tuple[FontFace, ...]
    covers: str  # what it is for, in the error message when it is missing


def _package_files(package: str) -> list[Path]:
    """The font files shipped in a fontpkg wheel (``<package>/files/*.ttf``), or [] if it is not installed."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = Path(next(iter(spec.submodule_search_locations))) / "files"
    return sorted(folder.glob("*.ttf"))


def cjk_font_paths() -> dict[str, Path]:
    """Noto Sans CJK's Regular and Bold collections found on this machine: {"400": path, "700": path};
    empty when they are not installed. The first directory of ``CJK_DIRS`` that has Regular wins."""
    for folder in CJK_DIRS:
        regular = folder / "NotoSansCJK-Regular.ttc"
        if regular.is_file():
            found = {"400": regular}
            if (folder / "NotoSansCJK-Bold.ttc").is_file():
                found["700"] = folder / "NotoSansCJK-Bold.ttc"
            return found
    return {}


@functools.cache
def report_families() -> tuple[FontFamily, ...]:
    """The report's font families in fallback order (read once per process)."""
    latin = tuple(
        FontFace("Sambang Sans", path, style="italic" if "Italic" in path.name else "normal")
        for path in _package_files("fontpkg_noto_sans")
    )
    arabic = tuple(FontFace("Sambang Arabic", path) for path in _package_files("fontpkg_noto_sans_arabic"))
    cjk = tuple(FontFace("Sambang CJK", path, weight=weight) for weight, path in cjk_font_paths().items())
    return (
        FontFamily("Sambang Sans", latin, "Latin (pip package fontpkg-noto-sans)"),
        FontFamily("Sambang Arabic", arabic, "Arabic (pip package fontpkg-noto-sans-arabic)"),
        FontFamily("Sambang CJK", cjk, f"Chinese, Japanese, Korean ({CJK_INSTALL_HINT})"),
    )


def font_files() -> dict[str, Path]:
    """Every font file the report may load, by its URL path: what the URL fetcher may serve."""
    return {face.url_path: face.path for family in report_families() for face in family.faces}


@functools.cache
def _cmap(path: Path) -> frozenset[int]:
    """The code points that the font file at ``path`` (the first font of a collection) has a glyph for."""
    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _family_cmap(family: FontFamily) -> frozenset[int]:
    # The regular, upright face stands for the family: the bold and italic faces cover the same characters.
    regular = [face for face in family.faces if face.style == "normal"]
    return _cmap(regular[0].path) if regular else frozenset()


def needs_no_glyph(char: str) -> bool:
    """Characters that are never drawn: controls and format characters (line breaks, tabs, bidi marks,
    zero-width joiners, variation selectors), and the ordinary space."""
    category = unicodedata.category(char)
    return (
        char == " "
        or category in ("Cc", "Cf", "Zl", "Zp")
        or category == "Mn"
        and "VARIATION SELECTOR" in unicodedata.name(char, "")
    )


def families_for(text: str) -> tuple[list[FontFamily], list[str]]:
    """The families ``text`` needs (in fallback order: a character counts for the first family that has
    it) and the characters, in order of first appearance, that no installed family has."""
    families = report_families()
    cmaps = [_family_cmap(family) for family in families]
    used: set[int] = set()
    missing: dict[str, None] = {}
    for char in set(text):
        if needs_no_glyph(char):
            continue
        for index, cmap in enumerate(cmaps):
            if ord(char) in cmap:
                used.add(index)
                break
        else:
            missing[char] = None
    used.add(0)  # the Latin family always: the report's own words are set in it
    ordered_missing = sorted(missing, key=text.index)
    return [family for index, family in enumerate(families) if index in used], ordered_missing


def font_face_css(families: list[FontFamily]) -> str:
    """``@font-face`` rules for ``families`` (only those: a 20 MB CJK font is loaded only when needed)."""
    rules = []
    for family in families:
        for face in family.faces:
            weight = f" font-weight: {face.weight};" if face.weight else ""
            rules.append(
                f'@font-face {{ font-family: "{face.family}"; src: url("{face.url_path}");{weight} '
                f"font-style: {face.style}; }}"
            )
    return "\n".join(rules)


def fonts_identity() -> str:
    """A short digest of which font files the report uses (path, size, modification time): part of a stored
    report's fingerprint, so installing or updating a font renders stored reports again."""
    digest = hashlib.sha256()
    for url_path, path in sorted(font_files().items()):
        stat = path.stat()
        digest.update(f"{url_path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
