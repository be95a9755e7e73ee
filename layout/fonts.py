"""Find and register a CJK TrueType font that reportlab can embed (subset) in a PDF."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from storyboard.errors import UserError

FONT_ENV = "HUIBEN_FONT"
# 楷体-style first: it is what Chinese primary-school textbooks are set in.
PREFERRED_FAMILIES = ("LXGW WenKai", "AR PL UKai", "AR PL UMing", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")
INSTALL_HINT = (
    "install a CJK TrueType font (Debian/Ubuntu: sudo apt-get install fonts-lxgw-wenkai) "
    f"or set {FONT_ENV}=/path/to/font.ttf"
)
CFF_HINT = (
    "has PostScript (CFF/OTF) outlines, which PDF embedding here cannot use; "
    "use a TrueType font such as LXGW WenKai (fonts-lxgw-wenkai, LXGWWenKai-Regular.ttf) or WenQuanYi Zen Hei"
)


@lru_cache(maxsize=4)
def find_cjk_font(explicit: str | None = None) -> Path:
    """Return the path of a usable CJK TrueType font: argument, then $HUIBEN_FONT, then fontconfig."""
    chosen = explicit or os.environ.get(FONT_ENV)
    if chosen:
        path = Path(chosen)
        check_font(path)
        return path
    for path in _fontconfig_candidates():
        try:
            check_font(path)
            return path
        except UserError:
            continue
    raise UserError(f"no Chinese TrueType font found; {INSTALL_HINT}")


def check_font(path: Path) -> None:
    """Raise UserError unless `path` is a TrueType font with Chinese glyphs that reportlab embeds."""
    font = open_ttfont(Path(path), "huiben-check")
    if ord("中") not in font.face.charToGlyph:
        raise UserError(f"{path}: has no Chinese characters; {INSTALL_HINT}")


def open_ttfont(path: Path, name: str):
    """Return a reportlab TTFont for `path`; UserError (naming a TrueType alternative) if it cannot embed it."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if not path.is_file():
        raise UserError(f"{path}: font file not found; {INSTALL_HINT}")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"OTTO":  # OpenType with CFF outlines (Noto Sans CJK, Source Han…)
        raise UserError(f"{path}: {CFF_HINT}")
    try:
        return TTFont(name, str(path), subfontIndex=0)
    except TTFError as e:
        if "postscript" in str(e).lower():
            raise UserError(f"{path}: {CFF_HINT}") from None
        raise UserError(f"{path}: not a usable TrueType font ({e}); {INSTALL_HINT}") from None
    except Exception as e:  # noqa: BLE001 - reportlab raises struct/index errors on garbage files
        raise UserError(f"{path}: not a TrueType font ({type(e).__name__}); {INSTALL_HINT}") from None


def _fontconfig_candidates() -> list[Path]:
    if not shutil.which("fc-list"):
        return []
    out = subprocess.run(
        ["fc-list", ":lang=zh:fontformat=TrueType", "family", "style", "file"],
        capture_output=True, text=True, check=False,
    ).stdout
    ranked = []
    for line in out.splitlines():
        file, _, rest = line.partition(":")
        family, _, style = rest.partition(":style=")
        rank = next((i for i, f in enumerate(PREFERRED_FAMILIES) if f in family), len(PREFERRED_FAMILIES))
        # "Light,Regular" is a light face that also answers to Regular: the first name counts.
        regular = 0 if style.split(",")[0].strip() in ("Regular", "Book", "Normal") else 1
        mono = 1 if "Mono" in family else 0
        ranked.append(((rank, mono, regular, file), Path(file.strip())))
    return [p for _, p in sorted(ranked)]


@lru_cache(maxsize=8)
def register_font(path: Path) -> str:
    """Return the reportlab name of the font at `path`, registering it once per process."""
    from reportlab.pdfbase import pdfmetrics

    path = Path(path)
    # The name carries a short hash of the path: two fonts with the same file name stay apart.
    name = f"huiben-{path.stem}-{hashlib.blake2b(str(path.resolve()).encode(), digest_size=3).hexdigest()}"
    pdfmetrics.registerFont(open_ttfont(path, name))
    return name


class Typeface:
    """A registered font with its character coverage and cached advance widths (em units)."""

    def __init__(self, path: Path):
        from reportlab.pdfbase import pdfmetrics

        self.path = Path(path)
        self.name = register_font(self.path)
        font = pdfmetrics.getFont(self.name)
        self.chars = frozenset(font.face.charToGlyph)
        self._width = font.face.getCharWidth  # 1/1000 em per code point
        self._ems: dict[str, float] = {}

    def has(self, ch: str) -> bool:
        """Return whether the font has a glyph for the character `ch`."""
        return ord(ch) in self.chars

    def em(self, text: str) -> float:
        """Return the advance width of `text` in ems (multiply by the type size for pt)."""
        ems = self._ems.get(text)
        if ems is None:
            ems = sum(self._width(ord(c)) for c in text) / 1000.0
            self._ems[text] = ems
        return ems


@lru_cache(maxsize=8)
def load_typeface(path: Path) -> Typeface:
    """Return the Typeface for `path`, loaded once per process."""
    return Typeface(Path(path))
