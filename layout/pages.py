"""Page geometry (trim, bleed, slug for crop marks, margins) and the marks drawn on every page."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .options import PAGE_SIZES_MM, BookOptions

MARK_LENGTH = 6 * mm  # crop mark length
MARK_GAP = 1 * mm  # crop marks start this far outside the bleed, so they never print on the page
SLUG_EXTRA = 2 * mm  # white paper beyond the marks' ends


@dataclass(frozen=True)
class Geometry:
    """Where things go on a page, in pt; (0, 0) is the trim's lower-left corner once a page has begun."""

    trim_w: float
    trim_h: float
    bleed: float  # added on every side of the trim
    slug: float  # room outside the bleed for crop marks (0 without them)
    margin: float  # safe area: no text closer than this to the trim edge

    @property
    def offset(self) -> float:
        """Return the distance (pt) from the media box's corner to the trim's corner."""
        return self.bleed + self.slug

    @property
    def media(self) -> tuple[float, float]:
        """Return the media box size (pt): trim + bleed + slug on each side."""
        return self.trim_w + 2 * self.offset, self.trim_h + 2 * self.offset

    def content(self) -> tuple[float, float, float, float]:
        """Return the safe area (x, y, w, h) in trim coordinates (pt)."""
        m = self.margin
        return m, m, self.trim_w - 2 * m, self.trim_h - 2 * m

    def bleed_box(self) -> tuple[float, float, float, float]:
        """Return the area a full-bleed picture covers (x, y, w, h) in trim coordinates (pt)."""
        b = self.bleed
        return -b, -b, self.trim_w + 2 * b, self.trim_h + 2 * b


def page_geometry(options: BookOptions) -> Geometry:
    """Return the geometry for the options' page size, bleed and crop marks."""
    w_mm, h_mm = PAGE_SIZES_MM[options.page_size]
    bleed = options.bleed_mm * mm
    slug = (MARK_GAP + MARK_LENGTH + SLUG_EXTRA) if options.crop_marks else 0.0
    # 7 % of the short side (14.7 mm on a 210 mm square), within 10–18 mm: clear of the trim knife and the binding.
    margin = min(max(0.07 * min(w_mm, h_mm), 10.0), 18.0) * mm
    return Geometry(w_mm * mm, h_mm * mm, bleed, slug, margin)


def set_page_boxes(canvas: Canvas, geo: Geometry) -> None:
    """Set media, bleed and trim boxes for this and later pages (printers read TrimBox and BleedBox)."""
    o, b = geo.offset, geo.bleed
    canvas.setPageSize(geo.media)
    canvas.setTrimBox((o, o, o + geo.trim_w, o + geo.trim_h))
    canvas.setBleedBox((o - b, o - b, o + geo.trim_w + b, o + geo.trim_h + b))


def begin_page(canvas: Canvas, geo: Geometry) -> None:
    """Move the origin to the trim's lower-left corner for the page about to be drawn."""
    canvas.translate(geo.offset, geo.offset)


def draw_crop_marks(canvas: Canvas, geo: Geometry) -> None:
    """Draw the eight crop marks just outside the bleed, in registration black."""
    canvas.saveState()
    canvas.setLineWidth(0.25)
    canvas.setStrokeColorCMYK(1, 1, 1, 1)  # registration: prints on every plate
    start, end = geo.bleed + MARK_GAP, geo.bleed + MARK_GAP + MARK_LENGTH
    for x, sx in ((0.0, -1), (geo.trim_w, 1)):
        for y, sy in ((0.0, -1), (geo.trim_h, 1)):
            canvas.line(x + sx * start, y, x + sx * end, y)  # horizontal mark on the trim line
            canvas.line(x, y + sy * start, x, y + sy * end)  # vertical mark
    canvas.restoreState()


def fill_page(canvas: Canvas, geo: Geometry, rgb: tuple[float, float, float]) -> None:
    """Fill the page to the bleed edge with a paper colour."""
    canvas.saveState()
    canvas.setFillColorRGB(*rgb)
    canvas.rect(*geo.bleed_box(), stroke=0, fill=1)
    canvas.restoreState()
