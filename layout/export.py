"""Book assets beside book.pdf: pages/NN.png at print resolution, a contact sheet, and one zip bundle."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from storyboard.errors import UserError
from storyboard.files import write_atomic

PRINT_DPI = 300
REVIEW_DPI = 96  # page images of preview books: for a screen, not a printer
POPPLER_HINT = "install poppler-utils (Debian/Ubuntu: sudo apt-get install poppler-utils) to export page images"


def export_pages(source: list[Path] | Path, pages_dir: Path, dpi: int = PRINT_DPI, pdf_pages: list[int] | None = None) -> list[Path]:
    """Write pages/NN.png (atomic per file) and return their paths; stale numbers are removed.

    `source` is either the book PDF, whose pages (`pdf_pages`, 1-based; all by default) are
    rendered at `dpi` and cut to the trim, or a list of rendered pictures, copied as they are.
    """
    pages_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(source, (str, Path)):
        images = render_pdf_pages(Path(source), dpi, pdf_pages)
        digits = max(2, len(str(len(images))))
        out = [write_atomic(pages_dir / f"{n:0{digits}d}.png", png) for n, png in enumerate(images, start=1)]
    else:
        digits = max(2, len(str(len(source))))
        out = [write_atomic(pages_dir / f"{n:0{digits}d}.png", Path(src).read_bytes()) for n, src in enumerate(source, start=1)]
    for stale in pages_dir.glob("*.png"):
        if stale not in out:
            stale.unlink()  # a storyboard edit removed pages: old numbers must not linger
    return out


def render_pdf_pages(pdf: Path, dpi: int, pdf_pages: list[int] | None = None) -> list[bytes]:
    """Return PNG bytes of the PDF's pages at `dpi`, cut to each page's TrimBox (no bleed, no marks)."""
    if not shutil.which("pdftoppm") or not shutil.which("pdfinfo"):
        raise UserError(f"pdftoppm/pdfinfo not found; {POPPLER_HINT}")
    media, trim = page_boxes(pdf)
    numbers = pdf_pages or sorted(media)
    scale = dpi / 72  # px per pt
    boxes = []
    for n in numbers:
        (mx0, _, _, my1), (tx0, ty0, tx1, ty1) = media[n], trim.get(n, media[n])
        # pdftoppm crops in pixels from the top-left corner of the media box.
        boxes.append((n, round((tx0 - mx0) * scale), round((my1 - ty1) * scale),
                      round((tx1 - tx0) * scale), round((ty1 - ty0) * scale)))
    # Two pdftoppm processes at a time: one per core on the 2-core machines this runs on.
    with tempfile.TemporaryDirectory(prefix="huiben-pages-") as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        def render(box: tuple[int, int, int, int, int]) -> bytes:
            n, x, y, w, h = box
            stem = Path(tmp) / f"p{n}"
            cmd = ["pdftoppm", "-png", "-r", str(dpi), "-f", str(n), "-l", str(n), "-singlefile",
                   "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf), str(stem)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise UserError(f"{pdf}: pdftoppm could not render page {n}: {done.stderr.strip()[:200]}")
            return stem.with_suffix(".png").read_bytes()

        return list(pool.map(render, boxes))


def page_boxes(pdf: Path) -> tuple[dict[int, tuple[float, ...]], dict[int, tuple[float, ...]]]:
    """Return each page's MediaBox and TrimBox (x0, y0, x1, y1 in pt), read with poppler's pdfinfo."""
    done = subprocess.run(["pdfinfo", "-box", "-f", "1", "-l", "100000", str(pdf)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise UserError(f"{pdf}: not a readable PDF ({done.stderr.strip()[:200]})")
    boxes: dict[str, dict[int, tuple[float, ...]]] = {"MediaBox": {}, "TrimBox": {}}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) == 7 and parts[0] == "Page" and parts[2].rstrip(":") in boxes:
            boxes[parts[2].rstrip(":")][int(parts[1])] = tuple(float(v) for v in parts[3:])
    return boxes["MediaBox"], boxes["TrimBox"]


def write_contact_sheet(pages: list[Path] | Path, path: Path, thumb: int = 240, columns: int = 0) -> Path:
    """Write a PNG with every page as a numbered thumbnail (`thumb` px on the long side); return its path.

    `pages` is a list of page images, or the book PDF (rendered at a low resolution for this).
    """
    if isinstance(pages, (str, Path)):
        pdf = Path(pages)
        x0, y0, x1, y1 = page_boxes(pdf)[1][1]
        long_side_pt = max(x1 - x0, y1 - y0)
        images = [Image.open(io.BytesIO(b)) for b in render_pdf_pages(pdf, max(20, round(thumb / (long_side_pt / 72))))]
    else:
        images = [Image.open(p) for p in pages]
    if not images:
        raise ValueError("no pages for a contact sheet")
    for im in images:
        im.thumbnail((thumb, thumb))
    columns = columns or min(6, len(images))
    rows = -(-len(images) // columns)
    pad, label = 12, 22  # px: gutter, and the line under each thumbnail for its number
    cell_w = max(im.width for im in images) + pad
    cell_h = max(im.height for im in images) + pad + label
    sheet = Image.new("RGB", (columns * cell_w + pad, rows * cell_h + pad), (236, 236, 232))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(16)
    for i, im in enumerate(images):
        x = pad + (i % columns) * cell_w + (cell_w - pad - im.width) // 2
        y = pad + (i // columns) * cell_h
        sheet.paste(im.convert("RGB"), (x, y))
        draw.rectangle((x - 1, y - 1, x + im.width, y + im.height), outline=(160, 160, 160))
        draw.text((x + im.width / 2, y + im.height + 4), str(i + 1), fill=(60, 60, 60), font=font, anchor="mt")
    buf = io.BytesIO()
    sheet.save(buf, "PNG", optimize=False)
    return write_atomic(Path(path), buf.getvalue())


def write_zip(book_dir: Path, zip_path: Path, exclude: tuple[str, ...] = ("renders",)) -> Path:
    """Write one zip of the book folder (PDF, pages, sheet, storyboard, manifest) atomically; return its path.

    The render cache is left out (it is rebuilt from the storyboard), and so are temp files and
    the zip itself. Entries are sorted and dated 1980-01-01, so the same folder gives the same zip.
    """
    book_dir, zip_path = Path(book_dir), Path(zip_path)
    files = sorted(
        p for p in book_dir.rglob("*")
        if p.is_file() and p.resolve() != zip_path.resolve() and not p.name.endswith(".part") and not p.name.startswith(".")
        and p.relative_to(book_dir).parts[0] not in exclude
    )
    if not files:
        raise UserError(f"{book_dir}: nothing to bundle; build the book first")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in files:
            info = zipfile.ZipInfo(p.relative_to(book_dir).as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
            # PNG and PDF are compressed already: storing them saves time and loses nothing.
            info.compress_type = zipfile.ZIP_STORED if p.suffix.lower() in (".png", ".pdf", ".jpg", ".zip") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, p.read_bytes())
    return write_atomic(zip_path, buf.getvalue())
