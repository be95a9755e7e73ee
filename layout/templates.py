"""Page templates: cover, picture above text, full-bleed picture with a text panel, spread, text page, end page."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .images import ImageStore, Picture
from .options import BookOptions
from .pages import Geometry, fill_page
from .typeset import Block, Typesetter, draw_block

INK = (0.13, 0.13, 0.15)
PAPER = (1.0, 1.0, 1.0)
COVER_PAPER = (0.99, 0.97, 0.92)  # warm cream
PANEL = (1.0, 0.99, 0.96)
PANEL_ALPHA = 0.84  # translucent enough to show the picture, opaque enough for small readers
PANEL_PAD = 5 * mm
GAP = 7 * mm  # between picture and text
FOLIO_SIZE = 10.0  # pt
PICTURE_MIN = 0.45  # picture-above: the picture keeps at least this share of the content height
PANEL_MAX = 0.48  # full-bleed: the text panel takes at most this share of the content height
TEXT_PAGE_SCALE = 1.25  # a text-only page (a spread's text half) starts at 1.25 × the level's size
SENTENCE_END = set("。！？!?…」”』）")


@dataclass
class LowDpi:
    """A picture printed under the target resolution: where, how fine, and how many pixels it needs."""

    page: int
    dpi: float
    need: tuple[int, int]  # px for the target dpi at this printed size


@dataclass
class PageMaker:
    """Draws the templates on one canvas and collects what the user should hear about."""

    canvas: Canvas
    geo: Geometry
    setter: Typesetter
    images: ImageStore
    options: BookOptions
    low_dpi: list[LowDpi] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last_size: float = 0.0  # pt: the type size of the last story text set

    # --- pictures -------------------------------------------------------------------------------
    def picture_fit(self, pic: Picture, x: float, y: float, w: float, h: float, anchor: str = "n") -> tuple[float, float, float, float]:
        """Draw the picture whole inside the box, anchored n(orth), s(outh) or c(entre); return the drawn box."""
        scale = min(w / pic.width, h / pic.height)
        dw, dh = pic.width * scale, pic.height * scale
        dx = x + (w - dw) / 2
        dy = {"n": y + h - dh, "s": y}.get(anchor, y + (h - dh) / 2)
        self.images.draw(pic, dx, dy, dw, dh)
        self._check_dpi(pic, dw, dh)
        if dw * dh < 0.5 * w * h:
            self.warnings.append(f"PDF page {self.canvas.getPageNumber()}: picture {pic.path.name} ({pic.width}×{pic.height} px) "
                                 f"fills only {dw * dh / (w * h):.0%} of its box; its shape does not suit the page")
        return dx, dy, dw, dh

    def picture_cover(self, pic: Picture, x: float, y: float, w: float, h: float) -> None:
        """Fill the box with the picture, cropping its overflow evenly (a clip path, pixels untouched)."""
        scale = max(w / pic.width, h / pic.height)
        dw, dh = pic.width * scale, pic.height * scale
        c = self.canvas
        c.saveState()
        path = c.beginPath()
        path.rect(x, y, w, h)
        c.clipPath(path, stroke=0, fill=0)
        self.images.draw(pic, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh)
        c.restoreState()
        self._check_dpi(pic, dw, dh)
        if w * h < 0.6 * dw * dh:
            self.warnings.append(f"PDF page {self.canvas.getPageNumber()}: picture {pic.path.name} ({pic.width}×{pic.height} px) "
                                 f"loses {1 - w * h / (dw * dh):.0%} of its area to fill the page; its shape does not suit the page")

    def _check_dpi(self, pic: Picture, w: float, h: float) -> None:
        dpi = min(pic.width / (w / 72), pic.height / (h / 72))
        target = self.options.print_dpi
        if dpi < target - 0.5:
            need = (round(w / 72 * target), round(h / 72 * target))
            self.low_dpi.append(LowDpi(self.canvas.getPageNumber(), dpi, need))

    # --- text ------------------------------------------------------------------------------------
    def split_to_fit(self, block: Block, height: float, at_least_one: bool) -> tuple[Block, Block | None]:
        """Return the lines that fit `height` pt (ending a sentence where possible) and the rest, if any."""
        if block.height() <= height:
            return block, None
        n = 0
        while n < len(block.lines) and block.height(n + 1) <= height:
            n += 1
        if n == 0 and at_least_one:
            n = 1
        for k in range(n, (n + 1) // 2, -1):  # prefer a page break at a sentence end, if one is in the lower half
            last = block.lines[k - 1].cells[-1].text[-1]
            if last in SENTENCE_END:
                n = k
                break
        head, rest = block.split(n)
        return head, rest

    def draw_text(self, block: Block, x: float, top: float, w: float) -> None:
        """Draw the block in ink, its column centred in the width `w` pt."""
        self.canvas.setFillColorRGB(*INK)
        width = block.width()
        draw_block(self.canvas, block, x + (w - width) / 2, top)

    # --- templates -------------------------------------------------------------------------------
    def picture_above(self, text: str, pic: Picture) -> Block | None:
        """Picture on top, text below; return the lines that did not fit (None if all did)."""
        fill_page(self.canvas, self.geo, PAPER)
        x, y, w, h = self.geo.content()
        h -= FOLIO_SIZE * 1.5  # the page number's line
        y += FOLIO_SIZE * 1.5
        room = h - h * PICTURE_MIN - GAP
        block = self.setter.fit_block(text, w, room)
        self.last_size = block.size
        block, rest = self.split_to_fit(block, room, at_least_one=False)
        text_h = block.height()
        _, pic_y, _, _ = self.picture_fit(pic, x, y + text_h + GAP, w, h - text_h - GAP)
        if block.lines:
            # Centre the text in the space under the picture.
            free = pic_y - GAP - y
            self.draw_text(block, x, y + text_h + max(0.0, free - text_h) / 2, w)
        return rest

    def full_bleed(self, text: str, pic: Picture) -> Block | None:
        """Picture to the bleed edge, text on a translucent panel at the bottom; return the overflow."""
        self.picture_cover(pic, *self.geo.bleed_box())
        x, y, w, h = self.geo.content()
        y += FOLIO_SIZE * 1.5
        room = h * PANEL_MAX - 2 * PANEL_PAD
        block = self.setter.fit_block(text, w - 2 * PANEL_PAD, room)
        self.last_size = block.size
        block, rest = self.split_to_fit(block, room, at_least_one=False)
        if block.lines:
            pw, ph = block.width() + 2 * PANEL_PAD, block.height() + 2 * PANEL_PAD
            px = x + (w - pw) / 2
            self.panel(px, y, pw, ph)
            self.draw_text(block, px + PANEL_PAD, y + ph - PANEL_PAD, block.width())
        return rest

    def picture_page(self, pic: Picture) -> None:
        """The picture half of a spread: the picture alone, to the bleed edge."""
        self.picture_cover(pic, *self.geo.bleed_box())

    def text_page(self, text: str | Block) -> Block | None:
        """A page of text alone (the text half of a spread, or a continuation); return the overflow."""
        fill_page(self.canvas, self.geo, PAPER)
        x, y, w, h = self.geo.content()
        h -= FOLIO_SIZE * 1.5
        y += FOLIO_SIZE * 1.5
        # A page of its own gives the text room: start a little larger than the level's size.
        block = text if isinstance(text, Block) else self.setter.fit_block(text, w, h, scale=TEXT_PAGE_SCALE)
        self.last_size = block.size
        block, rest = self.split_to_fit(block, h, at_least_one=True)
        self.draw_text(block, x, y + (h + block.height()) / 2, w)  # centred on the page
        return rest

    def panel(self, x: float, y: float, w: float, h: float) -> None:
        """Draw a translucent rounded panel for text over a picture."""
        c = self.canvas
        c.saveState()
        c.setFillColorRGB(*PANEL)
        c.setFillAlpha(PANEL_ALPHA)
        c.roundRect(x, y, w, h, 4 * mm, stroke=0, fill=1)
        c.restoreState()

    def folio(self, number: int, over_picture: bool) -> None:
        """Draw the page number centred at the foot of the page (on a small disc over a picture)."""
        c = self.canvas
        cx, cy = self.geo.trim_w / 2, self.geo.margin * 0.55
        c.saveState()
        if over_picture:
            c.setFillColorRGB(*PANEL)
            c.setFillAlpha(PANEL_ALPHA)
            c.circle(cx, cy + FOLIO_SIZE * 0.33, FOLIO_SIZE * 1.1, stroke=0, fill=1)
            c.setFillAlpha(1)
        c.setFillColorRGB(0.35, 0.35, 0.38)
        c.setFont(self.setter.face.name, FOLIO_SIZE)
        c.drawCentredString(cx, cy, str(number))
        c.restoreState()

    # --- cover and end page ------------------------------------------------------------------------
    def cover(self, title: str, pic: Picture, full_bleed: bool) -> None:
        """The cover: picture, title (with pinyin when the book has it), series and author lines."""
        x, y, w, h = self.geo.content()
        line_gap = 3 * mm
        blocks = self._small_lines([self.options.series] if self.options.series else [])
        blocks.append(self._title_block(title, w * 0.9))
        blocks += self._small_lines([self.options.author] if self.options.author else [])
        text_h = sum(b.height() for b in blocks) + line_gap * (len(blocks) - 1)
        if full_bleed:  # the picture fills the page; the title stands on a panel at the top
            self.picture_cover(pic, *self.geo.bleed_box())
            pw = max(b.width() for b in blocks) + 2 * PANEL_PAD
            self.panel(x + (w - pw) / 2, y + h - text_h - 2 * PANEL_PAD, pw, text_h + 2 * PANEL_PAD)
            top = y + h - PANEL_PAD
        else:  # the picture sits on the title block at the foot of the page
            fill_page(self.canvas, self.geo, COVER_PAPER)
            self.picture_fit(pic, x, y + text_h + GAP, w, h - text_h - GAP, anchor="s")
            top = y + text_h
        for b in blocks:
            self.draw_text(b, x, top, w)
            top -= b.height() + line_gap

    def end_page(self, title: str, credits: dict[str, str]) -> None:
        """The last page: 完, the title, and the credits (model, seeds, date…) for the record."""
        fill_page(self.canvas, self.geo, COVER_PAPER)
        x, y, w, h = self.geo.content()
        blocks = [self.setter.set_block("完", 40, w, ruby=False), self._small_lines([title])[0]]
        lines = [f"{k}: {v}" for k, v in credits.items()] + ["排版 layout: huiben 绘本"]
        credit_blocks = [self.setter.set_block(line, 9, w, ruby=False) for line in lines]
        total = sum(b.height() for b in blocks) + 12 * mm + sum(b.height() + 1.5 * mm for b in credit_blocks)
        top = y + (h + total) / 2
        for b in blocks:
            self.draw_text(b, x, top, w)
            top -= b.height() + 6 * mm
        for b in credit_blocks:
            self.canvas.setFillColorRGB(0.4, 0.4, 0.42)
            draw_block(self.canvas, b, x + (w - b.width()) / 2, top)
            top -= b.height() + 1.5 * mm

    def _title_block(self, title: str, measure: float) -> Block:
        size = 40.0
        while True:
            block = self.setter.set_block(title, size, measure)
            if len(block.lines) <= 2 or size <= 18:
                return block
            size -= 2

    def _small_lines(self, texts: list[str]) -> list[Block]:
        w = self.geo.content()[2]
        return [self.setter.set_block(t, 13, w, ruby=False) for t in texts]
