"""Storyboard + page pictures -> a picture-book PDF: cover, story pages, end page, print boxes and marks."""

from __future__ import annotations

import io
from pathlib import Path

from pydantic import BaseModel
from reportlab.pdfgen.canvas import Canvas

from storyboard.errors import UserError
from storyboard.files import write_atomic
from storyboard.models import Storyboard

from .images import ImageStore
from .options import LEVELS, TEMPLATES, BookOptions
from .pages import begin_page, draw_crop_marks, page_geometry, set_page_boxes
from .templates import PageMaker
from .typeset import Typesetter


class BookReport(BaseModel):
    """What write_book made: which PDF pages each story page became, warnings, and the file's size."""

    pdf: str
    page_count: int
    pages: dict[int, list[int]]  # story page (scene number, from 1) -> its PDF pages (from 1)
    type_sizes: dict[int, float]  # story page -> type size used (pt)
    warnings: list[str]
    pdf_bytes: int
    image_bytes: int  # of which embedded picture data


def write_book(
    board: Storyboard, pictures: list[Path], pdf_path: Path, font_path: Path, options: BookOptions = BookOptions()
) -> BookReport:
    """Write the book PDF atomically (cover, story pages, end page); return where each story page went."""
    # 1. Check what can be checked before drawing anything.
    if len(pictures) != len(board.scenes):
        raise ValueError(f"{len(pictures)} pictures for {len(board.scenes)} scenes")
    templates = [template_for(i, scene.layout, options.template) for i, scene in enumerate(board.scenes)]
    fallback = Path(options.fallback_font) if options.fallback_font else None
    setter = Typesetter(Path(font_path), LEVELS[options.level], options.pinyin, fallback)
    geo = page_geometry(options)

    # 2. One canvas in memory: nothing reaches pdf_path unless the whole book was made.
    buf = io.BytesIO()
    # initialFontName: otherwise reportlab references (unembedded) Helvetica on every page.
    # invariant: no time stamps or random ids, so the same book gives the same PDF bytes.
    canvas = Canvas(buf, pagesize=geo.media, pageCompression=1, initialFontName=setter.face.name,
                    initialFontSize=12, invariant=True)
    set_page_boxes(canvas, geo)
    set_metadata(canvas, board, options)
    images = ImageStore(canvas, options.image_format, options.jpeg_quality)
    maker = PageMaker(canvas, geo, setter, images, options)
    warnings: list[str] = []

    def finish_page(label: str, folio: bool = True, over_picture: bool = False) -> None:
        if folio:
            maker.folio(canvas.getPageNumber() - 1, over_picture)  # the cover is not counted
        if options.crop_marks:
            draw_crop_marks(canvas, geo)
        key = f"page{canvas.getPageNumber()}"
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(label, key, level=0)
        canvas.showPage()

    # 3. The cover, with the first scene's picture.
    begin_page(canvas, geo)
    cover_picture = images.load(pictures[0])
    maker.cover(board.title, cover_picture, full_bleed=options.template == "full-bleed")
    finish_page(f"封面 {board.title}", folio=False)

    # 4. The story pages; text that does not fit goes on to text pages of its own.
    placed: dict[int, list[int]] = {}
    sizes: dict[int, float] = {}
    for number, (scene, path, template) in enumerate(zip(board.scenes, pictures, templates), start=1):
        pic = images.load(path)
        warnings += [f"story page {number}: picture {path.name} {note}" for note in pic.notes]
        first = canvas.getPageNumber()
        label = f"{number} · {scene.text.strip()[:12]}"
        begin_page(canvas, geo)
        if template == "spread":
            if first % 2 == 1:
                warnings.append(f"story page {number}: its spread starts on a right-hand page (PDF page {first}), "
                                "so its picture and text do not face each other")
            maker.picture_page(pic)
            finish_page(label, over_picture=True)
            begin_page(canvas, geo)
            rest = maker.text_page(scene.text)
            finish_page(f"{number} · 文")
        elif template == "full-bleed":
            rest = maker.full_bleed(scene.text, pic)
            finish_page(label, over_picture=True)
        else:
            rest = maker.picture_above(scene.text, pic)
            finish_page(label)
        sizes[number] = maker.last_size
        while rest is not None:
            warnings.append(
                f"story page {number}: text does not fit at {rest.size:g} pt (smallest for {options.level}); "
                f"{len(rest.lines)} lines moved to PDF page {canvas.getPageNumber()}"
            )
            begin_page(canvas, geo)
            rest = maker.text_page(rest)
            finish_page(f"{number} · 续")
        placed[number] = list(range(first, canvas.getPageNumber()))

    # 5. The end page with the credits.
    begin_page(canvas, geo)
    maker.end_page(board.title, options.credits)
    finish_page("版权页 credits", folio=False)

    # 6. Say what the reader of the book would notice.
    warnings += glyph_warnings(setter)
    warnings += maker.warnings
    if maker.low_dpi:
        worst = min(maker.low_dpi, key=lambda r: r.dpi)
        need = max(r.need for r in maker.low_dpi)
        warnings.append(
            f"pictures print under {options.print_dpi} dpi on PDF pages {page_ranges([r.page for r in maker.low_dpi])} "
            f"(lowest {worst.dpi:.0f} dpi on page {worst.page}); render at least {need[0]}×{need[1]} px for print"
        )
    page_count = canvas.getPageNumber() - 1
    canvas.save()
    data = buf.getvalue()
    write_atomic(Path(pdf_path), data)
    return BookReport(pdf=str(pdf_path), page_count=page_count, pages=placed, type_sizes=sizes, warnings=warnings,
                      pdf_bytes=len(data), image_bytes=images.image_bytes)


def template_for(index: int, override: str | None, default: str) -> str:
    """Return the template of scene `index`: its own layout field, else the book's; UserError if unknown."""
    name = override or default
    if name not in TEMPLATES:
        raise UserError(f"scenes.{index}.layout: unknown page template '{name}'; use one of {', '.join(TEMPLATES)} or leave it empty")
    return name


def set_metadata(canvas: Canvas, board: Storyboard, options: BookOptions) -> None:
    """Set the PDF's title, author, subject and keywords (what library catalogues and readers show)."""
    canvas.setTitle(board.title)
    canvas.setAuthor(options.author or "huiben")
    subject = f"{board.title} · 绘本 picture book · {len(board.scenes)} story pages"
    canvas.setSubject(f"{options.series} · {subject}" if options.series else subject)
    names = [c.name for c in board.characters]
    canvas.setKeywords(", ".join(["绘本", "picture book", options.level, *names]))
    canvas.setCreator("huiben (绘本)")


def glyph_warnings(setter: Typesetter) -> list[str]:
    """Return a warning listing the characters no font of the book could draw (they print as boxes)."""
    if not setter.missing:
        return []
    chars = " ".join(setter.missing)
    if setter.fallback:
        return [f"neither {setter.face.path.name} nor the fallback {setter.fallback.path.name} has "
                f"{len(setter.missing)} characters: {chars} (they print as empty boxes)"]
    return [f"font {setter.face.path.name} lacks {len(setter.missing)} characters: {chars} "
            "(they print as empty boxes); set a fallback font that has them"]


def page_ranges(pages: list[int]) -> str:
    """Return page numbers as compact ranges: [1, 2, 3, 5] -> '1–3, 5'."""
    out: list[str] = []
    last = None
    for p in sorted(set(pages)):
        if last is not None and p == last + 1:
            first = out[-1].split("–")[0]
            out[-1] = f"{first}–{p}"
        else:
            out.append(str(p))
        last = p
    return ", ".join(out)
