"""Find and register a CJK TrueType font that reportlab can embed (subset) in a PDF."""

from __future__ import annotations

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
    if not path.is_file():
        raise UserError(f"{path}: font file not found; {INSTALL_HINT}")
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    try:
        font = TTFont("huiben-check", str(path), subfontIndex=0)
    except TTFError as e:
        if "postscript" in str(e).lower():
            raise UserError(
                f"{path}: has PostScript (CFF) outlines, which PDF embedding here cannot use; "
                "use a TrueType font such as LXGW WenKai (fonts-lxgw-wenkai) or WenQuanYi Zen Hei"
            ) from None
        raise UserError(f"{path}: not a usable TrueType font ({e}); {INSTALL_HINT}") from None
    if ord("中") not in font.face.charToGlyph:
        raise UserError(f"{path}: has no Chinese characters; {INSTALL_HINT}")


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
    from reportlab.pdfbase.ttfonts import TTFont

    name = "huiben-" + Path(path).stem
    pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    return name
