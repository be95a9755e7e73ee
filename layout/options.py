"""BookOptions: how a book is laid out (page size, template, reading level, print marks, images)."""

from __future__ import annotations

from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

# Trim sizes in mm (width, height). Square 210 mm is the most common picture-book trim.
PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "square210": (210.0, 210.0),
    "a4": (210.0, 297.0),
    "a4-landscape": (297.0, 210.0),
    "a5": (148.0, 210.0),
    "a5-landscape": (210.0, 148.0),
    "8x8in": (203.2, 203.2),
}
TEMPLATES = ("picture-above", "full-bleed", "spread")


class Level(NamedTuple):
    """Type for one reading level: size and smallest size (pt), leading (line pitch / size), line length."""

    size: float  # pt, the size we try first
    min_size: float  # pt, shrink no further: smaller type is too hard for this age
    leading: float  # baseline-to-baseline distance / type size, without pinyin
    max_chars: int  # short lines for young readers: at most this many ems per line


LEVELS: dict[str, Level] = {
    "grade1-2": Level(size=22, min_size=17, leading=1.7, max_chars=14),
    "grade3-4": Level(size=17, min_size=13, leading=1.65, max_chars=20),
    "grade5-6": Level(size=14, min_size=11, leading=1.6, max_chars=26),
}

PageSize = Literal["square210", "a4", "a4-landscape", "a5", "a5-landscape", "8x8in"]
Template = Literal["picture-above", "full-bleed", "spread"]
ReadingLevel = Literal["grade1-2", "grade3-4", "grade5-6"]


class BookOptions(BaseModel):
    """How to lay out one book; the defaults give a 210 mm square, picture-above, grade 1–2 book."""

    model_config = ConfigDict(extra="forbid")

    page_size: PageSize = "square210"
    template: Template = "picture-above"  # per page: Scene.layout overrides it
    bleed_mm: float = Field(0.0, ge=0, le=10)  # mm added on each side; printers usually ask for 3 mm
    crop_marks: bool = False
    pinyin: bool = False  # tone-marked pinyin above every Chinese character
    level: ReadingLevel = "grade1-2"
    image_format: Literal["png", "jpeg"] = "png"  # png: lossless (Flate); jpeg: smaller files
    jpeg_quality: int = Field(90, ge=10, le=100)
    print_dpi: int = Field(300, ge=72, le=1200)  # pictures under this at their printed size get a warning
    author: str = ""
    series: str = ""
    fallback_font: str | None = None  # TrueType font for characters the main font lacks
    credits: dict[str, str] = {}  # end page lines, e.g. {"model": ..., "seeds": ..., "date": ...}
