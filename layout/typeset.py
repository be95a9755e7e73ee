"""Chinese text setting: lines with kinsoku rules, even justification, pinyin ruby, fallback glyphs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from .fonts import Typeface, load_typeface
from .linebreak import break_units, split_units
from .options import Level
from .pinyin import pinyin_for

RUBY_RATIO = 0.5  # pinyin size / character size: textbooks set pinyin at about half the character size
RUBY_GAP = 0.12  # em of the character size kept free between two neighbouring syllables
RUBY_RISE = 1.02  # pinyin baseline above the character baseline, in ems of the character size
ASCENT, DESCENT = 0.88, 0.14  # ems above/below the baseline that a CJK glyph occupies
MAX_STRETCH = 0.6  # em: justification adds at most this much to one gap; beyond that a line stays ragged
# Full-width marks whose glyph fills one half of the em: the other half can be given up (标点挤压).
SQUEEZE_RIGHT = set("，。、」』）》〉】")  # ink on the left: squeeze from the right
SQUEEZE_LEFT = set("「『（《〈【")  # ink on the right: squeeze from the left


@dataclass
class Cell:
    """One unbreakable unit on a line: a character or a Latin word, its box width (pt) and its pinyin."""

    text: str
    face: Typeface
    width: float  # pt: the advance, widened so that its pinyin fits above it
    glyphs: float  # pt: the advance of the text alone
    ruby: str | None = None
    squeeze: float = 0.0  # pt this cell can give up when a line is tight
    origin: float | None = None  # pt from the cell's left edge to the glyph origin; None: centred


@dataclass
class Line:
    """One set line: its cells, whether it is spread to the full measure, and its natural width (pt)."""

    cells: list[Cell]
    justify: bool

    @property
    def natural(self) -> float:
        return sum(c.width for c in self.cells)


@dataclass
class Block:
    """Set text: its lines at one type size (pt) within a measure (pt)."""

    lines: list[Line]
    size: float
    measure: float
    pitch: float  # pt from one baseline to the next
    ruby_face: Typeface | None  # the face pinyin is set in; None: no pinyin

    @property
    def ruby(self) -> bool:
        return self.ruby_face is not None

    @property
    def ascent(self) -> float:
        """Return the height (pt) from the block's top to its first baseline."""
        top = RUBY_RISE + RUBY_RATIO * 0.8 if self.ruby else ASCENT  # 0.8: tone marks sit above the x-height
        return self.size * top

    def height(self, n: int | None = None) -> float:
        """Return the height (pt) of the first `n` lines (all by default)."""
        n = len(self.lines) if n is None else n
        return 0.0 if n == 0 else self.ascent + (n - 1) * self.pitch + self.size * DESCENT

    def width(self) -> float:
        """Return the width (pt) the lines actually take: the measure, or less for a single short line."""
        return min(self.measure, max((line.natural for line in self.lines), default=0.0))

    def split(self, n: int) -> tuple["Block", "Block"]:
        """Return the first `n` lines and the rest as two blocks."""
        head = Block(self.lines[:n], self.size, self.measure, self.pitch, self.ruby_face)
        return head, Block(self.lines[n:], self.size, self.measure, self.pitch, self.ruby_face)


class Typesetter:
    """Sets text in the book's font (with an optional fallback) at a reading level, with or without pinyin."""

    def __init__(self, font_path: Path, level: Level, ruby: bool, fallback_path: Path | None = None):
        self.face = load_typeface(Path(font_path))
        self.fallback = load_typeface(Path(fallback_path)) if fallback_path else None
        self.level = level
        self.ruby = ruby
        self.missing: dict[str, None] = {}  # characters neither font has, in order of appearance

    def pitch(self, size: float, ruby: bool) -> float:
        """Return the baseline-to-baseline distance (pt) at `size`; pinyin needs room above each line."""
        return size * (self.level.leading + (0.25 if ruby else 0.0))

    def set_block(self, text: str, size: float, measure: float, ruby: bool | None = None) -> Block:
        """Return `text` broken into justified lines of at most `measure` pt at `size` pt."""
        ruby = self.ruby if ruby is None else ruby
        lines: list[Line] = []
        for para in text.split("\n"):
            para = para.strip()
            if not para:
                continue
            units = split_units(para)
            syllables = pinyin_for(para) if ruby else None
            cells, offset = [], 0
            for unit in units:
                ruby_text = syllables[offset] if syllables and len(unit) == 1 else None
                cells.append(self._cell(unit, size, ruby_text))
                offset += len(unit)
            spans = break_units(units, [c.width for c in cells], measure, [c.squeeze for c in cells])
            for i, (a, b) in enumerate(spans):
                lines.append(Line(squeeze_line(cells[a:b], measure), justify=i < len(spans) - 1))
        return Block(lines, size, measure, self.pitch(size, ruby), self.face if ruby else None)

    def fit_block(self, text: str, measure: float, height: float, ruby: bool | None = None, scale: float = 1.0) -> Block:
        """Return the block at the largest size that fits `height` pt, from the level's size × `scale` down
        to its smallest size (at which it is returned even if it does not fit: the caller moves the rest on)."""
        ruby = self.ruby if ruby is None else ruby
        start = round(self.level.size * scale)
        # Short lines for young readers: the column is max_chars wide at the starting size (smaller
        # type then fits more per line); pinyin widens some characters, so allow a little more.
        measure = min(measure, self.level.max_chars * start * (1.2 if ruby else 1.0))
        size = start
        while True:
            block = self.set_block(text, size, measure, ruby)
            if block.height() <= height or size <= self.level.min_size:
                return block
            size = max(self.level.min_size, size - 1)

    def _cell(self, unit: str, size: float, ruby: str | None) -> Cell:
        face = self._face_for(unit)
        glyphs = face.em(unit) * size
        width = glyphs
        squeeze = 0.0
        if unit in SQUEEZE_RIGHT or unit in SQUEEZE_LEFT:
            squeeze = 0.5 * size if glyphs >= 0.9 * size else 0.0  # only where this font sets it full-width
        if ruby:
            width = max(glyphs, (self.face.em(ruby) * RUBY_RATIO + RUBY_GAP) * size)
            for c in ruby:
                if not self.face.has(c):  # a font without tone-marked vowels: say so
                    self.missing[c] = None
        return Cell(unit, face, width, glyphs, ruby, squeeze)

    def _face_for(self, unit: str) -> Typeface:
        if all(self.face.has(c) or c.isspace() for c in unit):
            return self.face
        if self.fallback and all(self.fallback.has(c) or c.isspace() for c in unit):
            return self.fallback
        for c in unit:
            if not c.isspace() and not self.face.has(c) and not (self.fallback and self.fallback.has(c)):
                self.missing[c] = None
        return self.face


def squeeze_line(cells: list[Cell], measure: float) -> list[Cell]:
    """Return the line's cells with its full-width marks narrowed just enough to fit `measure` pt."""
    need = sum(c.width for c in cells) - measure
    room = sum(c.squeeze for c in cells)
    if need <= 0 or room <= 0:
        return cells
    share = min(1.0, need / room)
    out = []
    for c in cells:
        if c.squeeze:
            cut = c.squeeze * share
            origin = -cut if c.text in SQUEEZE_LEFT else 0.0
            c = replace(c, width=c.width - cut, squeeze=0.0, origin=origin)
        out.append(c)
    return out


def draw_block(canvas: Canvas, block: Block, x: float, top: float, align: str = "left") -> float:
    """Draw the block with its top-left corner at (x, top) pt; return the y of its bottom edge.

    Characters are drawn first and pinyin after, so that text extraction gives the story text
    in reading order followed by its pinyin, rather than syllables wedged between lines.
    """
    size = block.size
    width = block.width()
    if align == "center":
        x += (block.measure - width) / 2
    positions = []  # (cell, x, baseline) for the pinyin pass
    text = canvas.beginText()
    face = None
    y = top - block.ascent
    for line in block.lines:
        gaps = len(line.cells) - 1
        natural = line.natural
        extra = 0.0
        if line.justify and gaps > 0 and natural < width:
            extra = min((width - natural) / gaps, MAX_STRETCH * size)
        cx = x
        for cell in line.cells:
            if cell.face is not face:
                face = cell.face
                text.setFont(face.name, size)
            if not cell.text.isspace():
                offset = (cell.width - cell.glyphs) / 2 if cell.origin is None else cell.origin
                text.setTextOrigin(cx + offset, y)
                text.textOut(cell.text)
                if cell.ruby:
                    positions.append((cell.ruby, cx + cell.width / 2, y))
            cx += cell.width + extra
        y -= block.pitch
    canvas.drawText(text)
    if positions:
        ruby_size = size * RUBY_RATIO
        ruby = canvas.beginText()
        ruby.setFont(block.ruby_face.name, ruby_size)
        for syllable, centre, baseline in positions:
            ruby.setTextOrigin(centre - block.ruby_face.em(syllable) * ruby_size / 2, baseline + size * RUBY_RISE)
            ruby.textOut(syllable)
        canvas.drawText(ruby)
    return top - block.height()
