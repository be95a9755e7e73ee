"""Storyboard + page pictures -> a picture-book PDF with an embedded CJK font."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from storyboard.errors import UserError
from storyboard.files import write_atomic
from storyboard.models import Storyboard

from .fonts import register_font
from .linebreak import break_lines

PAGE_SIZE = (210 * mm, 210 * mm)  # square: the most common picture-book trim
MARGIN = 14 * mm
PICTURE_HEIGHT = 128 * mm  # picture above text
COLUMN = PICTURE_HEIGHT * 4 / 3  # a 4:3 picture box; the text column below has the same width
TEXT_SIZES = (20, 19, 18, 17, 16, 15, 14, 13, 12, 11)  # pt, largest that fits wins (grade 1-2 reading size first)
LEADING = 1.65  # line height / type size: open leading reads easier for children
INK = (0.13, 0.13, 0.15)


@dataclass(frozen=True)
class BookPage:
    """One laid-out story page: its number, text lines and type size (pt)."""

    number: int
    lines: list[str]
    size: float


def write_book(board: Storyboard, pictures: list[Path], pdf_path: Path, font_path: Path) -> list[BookPage]:
    """Write the book PDF atomically (cover + one page per scene); return the story pages' layout."""
    if len(pictures) != len(board.scenes):
        raise ValueError(f"{len(pictures)} pictures for {len(board.scenes)} scenes")
    font = register_font(font_path)
    buf = io.BytesIO()
    # initialFontName: otherwise reportlab references (unembedded) Helvetica on every page.
    # invariant: no time stamps or random ids, so the same book gives the same PDF bytes.
    canvas = Canvas(buf, pagesize=PAGE_SIZE, pageCompression=1, initialFontName=font, initialFontSize=12, invariant=True)
    canvas.setTitle(board.title)
    canvas.setAuthor("huiben")
    canvas.setSubject(f"{board.title} · {len(board.scenes)} pages")
    canvas.setCreator("huiben (绘本)")

    draw_cover(canvas, board, pictures[0], font)
    canvas.bookmarkPage("cover")
    canvas.addOutlineEntry(board.title, "cover", level=0)
    canvas.showPage()

    pages = []
    for number, (scene, picture) in enumerate(zip(board.scenes, pictures), start=1):
        page = draw_story_page(canvas, scene.text, picture, number, font)
        key = f"p{number}"
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(f"{number}. {scene.text[:12]}", key, level=1)
        canvas.showPage()
        pages.append(page)
    canvas.save()
    write_atomic(pdf_path, buf.getvalue())
    return pages


def draw_cover(canvas: Canvas, board: Storyboard, picture: Path, font: str) -> None:
    """Draw the cover: picture, title in large type, a small imprint line."""
    width, height = PAGE_SIZE
    canvas.setFillColorRGB(0.99, 0.97, 0.92)
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    box_w, left = COLUMN, (width - COLUMN) / 2
    draw_picture(canvas, picture, left, height - MARGIN - PICTURE_HEIGHT, box_w, PICTURE_HEIGHT)
    size = 34.0
    while stringWidth(board.title, font, size) > box_w and size > 16:
        size -= 2
    canvas.setFillColorRGB(*INK)
    canvas.setFont(font, size)
    title_y = height - MARGIN - PICTURE_HEIGHT - 18 * mm - size * 0.3
    canvas.drawCentredString(width / 2, title_y, board.title)
    canvas.setFont(font, 10)
    canvas.setFillColorRGB(0.4, 0.4, 0.42)
    canvas.drawCentredString(width / 2, MARGIN, "绘本 huiben")


def draw_story_page(canvas: Canvas, text: str, picture: Path, number: int, font: str) -> BookPage:
    """Draw one story page (picture above text, page number below) and return its layout."""
    width, height = PAGE_SIZE
    box_w, left = COLUMN, (width - COLUMN) / 2
    draw_picture(canvas, picture, left, height - MARGIN - PICTURE_HEIGHT, box_w, PICTURE_HEIGHT)

    text_top = height - MARGIN - PICTURE_HEIGHT - 8 * mm
    text_bottom = MARGIN + 8 * mm  # room for the page number
    size, lines = fit_text(text, font, box_w, text_top - text_bottom)
    canvas.setFillColorRGB(*INK)
    canvas.setFont(font, size)
    y = text_top - size
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        draw_justified(canvas, line, left, y, box_w, font, size, justify=not last)
        y -= size * LEADING

    canvas.setFont(font, 10)
    canvas.setFillColorRGB(0.45, 0.45, 0.48)
    canvas.drawCentredString(width / 2, MARGIN - 2 * mm, str(number))
    return BookPage(number=number, lines=lines, size=size)


def fit_text(text: str, font: str, width: float, height: float) -> tuple[float, list[str]]:
    """Return the largest type size (pt) whose broken lines fit the box, and those lines."""
    for size in TEXT_SIZES:
        lines = break_lines(text, width, lambda s: stringWidth(s, font, size))
        if len(lines) * size * LEADING <= height:
            return size, lines
    # Never cut text silently: a scene this long is a storyboard problem the user can fix.
    raise UserError(
        f"page text too long to fit at {TEXT_SIZES[-1]} pt ({len(text)} characters: '{text[:16]}…'); "
        "split the scene in the storyboard"
    )


def draw_justified(canvas: Canvas, line: str, x: float, y: float, width: float, font: str, size: float, justify: bool) -> None:
    """Draw one line; full lines are spread to the box width (even justification)."""
    natural = stringWidth(line, font, size)
    space = (width - natural) / (len(line) - 1) if justify and len(line) > 1 and natural < width else 0.0
    canvas.drawString(x, y, line, charSpace=space)


def draw_picture(canvas: Canvas, path: Path, x: float, y: float, w: float, h: float) -> None:
    """Draw the picture centred in the box, scaled to fit without distortion."""
    try:
        with Image.open(path) as im:
            im.load()
            image = im.convert("RGB")
    except (OSError, ValueError) as e:
        raise UserError(f"{path}: page picture is missing or unreadable ({e}); re-run the build to render it") from None
    scale = min(w / image.width, h / image.height)
    dw, dh = image.width * scale, image.height * scale
    canvas.drawImage(ImageReader(image), x + (w - dw) / 2, y + (h - dh) / 2, dw, dh)
