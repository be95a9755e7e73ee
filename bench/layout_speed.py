"""Layout speed: a 100-page book with pictures and pinyin, against a minimal reportlab loop in the same run.

    .venv/bin/python bench/layout_speed.py [--pages 100] [--runs 5] [--no-pinyin] [--image-format png|jpeg]

The minimal loop draws the same pictures (reportlab's drawImage on the file) and the same text
(drawString on fixed 14-character lines) with none of our typography: no kinsoku, justification,
pinyin, fitting, fallback glyphs or print boxes. Both run after one untimed warm-up (font loading,
jieba's dictionary for 地/得), on the same 100 distinct preview pictures, in this process.
Goal (issue 5): >= 50 pages/s on a 2-core machine and a ratio (ours / minimal) <= 3.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from layout.book import write_book  # noqa: E402
from layout.fonts import find_cjk_font, register_font  # noqa: E402
from layout.images import ImageStore  # noqa: E402
from layout.pinyin import _pinyin_cached  # noqa: E402
from layout.options import BookOptions  # noqa: E402
from render.pages import render_pages  # noqa: E402
from render.preview import PreviewRenderer  # noqa: E402
from storyboard.build import build_storyboard  # noqa: E402
from storyboard.models import Scene, Storyboard  # noqa: E402
from storyboard.story_text import read_story  # noqa: E402


def make_board(pages: int) -> Storyboard:
    """Return a storyboard of `pages` scenes: the samples' scenes, repeated with distinct seeds."""
    scenes, cast = [], {}
    for path in sorted((ROOT / "samples").glob("*.txt")):
        board = build_storyboard(read_story(path))
        scenes += board.scenes
        cast.update({c.name: c for c in board.characters})
    # "第N页，" makes every page's text distinct, so no cache can skip the work of a repeated page.
    out = [Scene(text=f"第{i + 1}页，{s.text}", characters=s.characters, seed=i, prompt=s.prompt)
           for i, s in zip(range(pages), (scenes[i % len(scenes)] for i in range(pages)))]
    return Storyboard(title="长长的故事书", seed=1, characters=list(cast.values()), scenes=out)


def minimal_book(board: Storyboard, pictures: list[Path], font: str, passthrough: str = "") -> bytes:
    """Return the PDF of the minimal loop: cover, one page per scene (picture + plain lines), end page.

    passthrough: "png" or "jpeg" to embed pictures the way write_book does (PNG data as is, or
    JPEG) instead of reportlab's decode-and-recompress, so that the two differ by typography alone.
    """
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(210 * mm, 210 * mm), pageCompression=1, initialFontName=font, invariant=True)
    store = ImageStore(c, passthrough) if passthrough else None

    def draw_image(path: Path, x: float, y: float, w: float, h: float) -> None:
        if store:
            store.draw(store.load(path), x, y, w, h)
        else:
            c.drawImage(str(path), x, y, w, h)

    c.setFont(font, 34)
    draw_image(pictures[0], 28 * mm, 70 * mm, 154 * mm, 115 * mm)
    c.drawCentredString(105 * mm, 40 * mm, board.title)
    c.showPage()
    for scene, picture in zip(board.scenes, pictures):
        draw_image(picture, 28 * mm, 80 * mm, 154 * mm, 115 * mm)
        c.setFont(font, 22)
        text = scene.text.replace("\n", "")
        y = 70 * mm
        for i in range(0, len(text), 14):
            c.drawString(28 * mm, y, text[i : i + 14])
            y -= 22 * 1.7
        c.showPage()
    c.setFont(font, 40)
    c.drawCentredString(105 * mm, 105 * mm, "完")
    c.showPage()
    c.save()
    return buf.getvalue()


def timed(fn, runs: int) -> float:
    """Return the median wall time (s) of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib(fn) -> float:
    """Return the peak Python heap (MiB) while `fn` runs (tracemalloc; not timed)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-pinyin", action="store_true")
    parser.add_argument("--image-format", choices=["png", "jpeg"], default="png")
    args = parser.parse_args()

    font_path = find_cjk_font()
    font = register_font(font_path)
    board = make_board(args.pages)
    options = BookOptions(pinyin=not args.no_pinyin, image_format=args.image_format)
    with tempfile.TemporaryDirectory(prefix="huiben-bench-") as tmp:
        renderer = PreviewRenderer(str(font_path))
        pictures = render_pages(renderer, renderer.plan_jobs(board), Path(tmp) / "renders")
        pdf = Path(tmp) / "book.pdf"

        start = time.perf_counter()
        report = write_book(board, pictures, pdf, font_path, options)  # warm-up: fonts, jieba, pinyin
        cold = time.perf_counter() - start
        def ours_once() -> None:
            _pinyin_cached.cache_clear()  # every timed run reads all pinyin afresh
            write_book(board, pictures, pdf, font_path, options)

        ours = timed(ours_once, args.runs)
        minimal_pdf = minimal_book(board, pictures, font)
        minimal = timed(lambda: minimal_book(board, pictures, font), args.runs)
        same_images = timed(lambda: minimal_book(board, pictures, font, passthrough=args.image_format), args.runs)
        ours_peak = peak_mib(ours_once)
        minimal_peak = peak_mib(lambda: minimal_book(board, pictures, font))

    pages = report.page_count
    print(f"book: {args.pages} scenes -> {pages} PDF pages, pinyin {'off' if args.no_pinyin else 'on'}, "
          f"images {args.image_format}, {len(report.warnings)} warnings")
    print(f"ours:    median {ours:.3f} s = {pages / ours:.1f} pages/s   (first book in the process: {cold:.2f} s)   "
          f"PDF {report.pdf_bytes / 2**20:.1f} MiB   peak heap {ours_peak:.1f} MiB")
    print(f"minimal: median {minimal:.3f} s = {(args.pages + 2) / minimal:.1f} pages/s   "
          f"PDF {len(minimal_pdf) / 2**20:.1f} MiB   peak heap {minimal_peak:.1f} MiB   ({args.runs} runs each)")
    print(f"minimal with our picture embedding: median {same_images:.3f} s = {(args.pages + 2) / same_images:.1f} pages/s")
    print(f"ratio ours / minimal = {ours / minimal:.2f}  (goal <= 3; pages/s goal >= 50)")
    print(f"ratio ours / minimal with the same picture embedding = {ours / same_images:.2f}  (the cost of our typography)")


if __name__ == "__main__":
    main()
