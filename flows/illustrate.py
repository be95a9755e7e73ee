"""The Prefect flow `illustrate_story`: read -> storyboard -> render -> layout -> export."""

from __future__ import annotations

import hashlib
import json
import time
from importlib import metadata
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel

from layout.book import BookReport, write_book
from layout.export import PRINT_DPI, REVIEW_DPI, export_pages, write_contact_sheet, write_zip
from layout.fonts import find_cjk_font
from layout.manifest import build_manifest, write_manifest
from layout.options import BookOptions
from render.pages import render_pages
from render.renderer import get_renderer
from storyboard.build import StoryboardOptions, load_or_build_storyboard
from storyboard.errors import UserError
from storyboard.files import hold_lock
from storyboard.models import Storyboard
from storyboard.storyboard_file import save_storyboard

# Our own content-addressed page cache decides what to re-render; Prefect's result cache
# would only duplicate it (and would leak results between runs, see shared/PITFALLS.md).
# No task retries: every failure here is deterministic (bad input, missing model, full disk) and
# would fail again; the one transient failure, CUDA out of memory, is retried inside the renderer
# with smaller batches, and a killed run resumes from the picture cache on the next run.
STAGE = dict(cache_policy=NO_CACHE, persist_result=False, retries=0)


class RenderSettings(BaseModel):
    """How pictures are made: renderer, model and the size/steps overrides (None: model default)."""

    renderer: str = "preview"
    model: str = ""
    steps: int | None = None
    width: int | None = None
    height: int | None = None
    precision: str = "auto"
    ip_adapter: str = ""  # "": the model's own if downloaded; "none": off; or a local folder
    ip_scale: float = 0.6
    low_memory: bool = False


class RenderResult(BaseModel):
    """What rendering produced: picture paths and job keys per page, reference hashes, flagged pages."""

    pictures: list[str]
    jobs: list[str]
    references: dict[str, str] = {}
    flagged: dict[int, int] = {}  # page -> safety re-renders
    notes: list[str] = []


class BookResult(BaseModel):
    """What a build produced: the book folder's files and how long each stage took (s)."""

    out_dir: str
    pdf: str
    storyboard: str
    manifest: str
    pages: list[str]
    timings_s: dict[str, float]
    skipped: bool = False  # True: the book was already up to date


@task(name="make-storyboard", **STAGE)
def make_storyboard(source: str, options: StoryboardOptions) -> Storyboard:
    """Return the storyboard: the edited file as is, or one built from a story text."""
    return load_or_build_storyboard(source, options)


@task(name="render-pages", **STAGE)
def render_book_pages(board: Storyboard, settings: RenderSettings, font: str, out_dir: str) -> RenderResult:
    """Render reference portraits and embeddings, then every page not already in the cache."""
    logger = get_run_logger()
    renderer = get_renderer(
        settings.renderer, font, settings.model, settings.steps, settings.width, settings.height,
        settings.precision, settings.ip_adapter, settings.ip_scale, settings.low_memory,
    )
    for note in renderer.notes:
        logger.warning(note)
    cache = Path(out_dir) / "renders"
    renderer.load_inversions(board)

    bar = create_progress_artifact(0.0, key=artifact_key("progress", out_dir), description="pages rendered")

    def progress(kind: str):
        def report(done: int, total: int, job, cached: bool) -> None:
            logger.info("%s %d/%d %s", kind, done, total, "cached" if cached else "rendered")
            if kind == "page":
                update_progress_artifact(bar, 100.0 * done / total)

        return report

    portrait_jobs = renderer.plan_portraits(board)
    portraits = {c.name: Path(c.reference_image) for c in board.characters if c.reference_image}
    drawn = render_pages(renderer, portrait_jobs, cache, progress("portrait"))
    portraits.update({job.extra["portrait"]: path for job, path in zip(portrait_jobs, drawn)})
    references = renderer.encode_references(portraits, Path(out_dir) / "references")

    jobs = renderer.plan_jobs(board, references)
    paths = render_pages(renderer, jobs, cache, progress("page"))
    flagged = {j.page: renderer.flagged[j.key()] for j in jobs if j.key() in renderer.flagged}
    return RenderResult(pictures=[str(p) for p in paths], jobs=[j.key() for j in jobs], references=references,
                        flagged=flagged, notes=list(renderer.notes))


@task(name="layout-book", **STAGE)
def layout_book(board: Storyboard, pictures: list[str], pdf: str, font: str, book: BookOptions) -> BookReport:
    """Write book.pdf; return where each story page went, the warnings and the file size."""
    report = write_book(board, [Path(p) for p in pictures], Path(pdf), Path(font), book)
    logger = get_run_logger()
    for warning in report.warnings:
        logger.warning(warning)
    logger.info("book.pdf: %d pages, %.1f MB", report.page_count, report.pdf_bytes / 1e6)
    return report


@task(name="export-assets", **STAGE)
def export_assets(
    board: Storyboard, rendered: RenderResult, report: BookReport, out_dir: str, settings: RenderSettings,
    font: str, timings: dict[str, float], fingerprint: str, bundle: bool,
) -> tuple[list[str], str, str]:
    """Write storyboard.yaml, pictures/NN.png, pages/NN.png, contact.png, manifest.json (and book.zip)."""
    out = Path(out_dir)
    notes = list(rendered.notes) + list(report.warnings)
    storyboard = save_storyboard(board, out / "storyboard.yaml")
    pictures = export_pages([Path(p) for p in rendered.pictures], out / "pictures")
    # A preview book is for review, not for the printer: its page images need no print resolution.
    dpi = PRINT_DPI if settings.renderer != "preview" else REVIEW_DPI
    try:
        pages = export_pages(out / "book.pdf", out / "pages", dpi=dpi)
    except UserError as e:  # no poppler here: the book is whole, only the page images are missing
        get_run_logger().warning(str(e))
        notes.append(str(e))
        pages = []
    sheet = write_contact_sheet(pages or pictures, out / "contact.png")
    manifest = build_manifest(
        board, storyboard, pictures, rendered.jobs, out / "book.pdf", settings.renderer, settings.model, Path(font),
        timings, pdf_pages=report.pages,
    ).model_copy(update={
        "references": rendered.references, "flagged_pages": rendered.flagged, "notes": notes,
        "fingerprint": fingerprint, "print_pages": [str(p.relative_to(out)) for p in pages],
        "contact_sheet": sheet.name, "pdf_bytes": report.pdf_bytes,
    })
    path = write_manifest(manifest, out / "manifest.json")
    if bundle:
        write_zip(out, out / "book.zip")
    create_link_artifact(sheet.resolve().as_uri(), link_text=f"contact sheet of {board.title}",
                         key=artifact_key("contact-sheet", out_dir))
    return [str(p) for p in pictures], str(storyboard), str(path)


@flow(name="illustrate-story", log_prints=True)
def illustrate_story(
    source: str,
    out_dir: str,
    settings: RenderSettings = RenderSettings(),
    options: StoryboardOptions = StoryboardOptions(),
    font: str | None = None,
    book: BookOptions = BookOptions(),
    bundle: bool = False,
) -> BookResult:
    """Illustrate one story (or edited storyboard) into out_dir/book.pdf with its assets.

    A book whose inputs and settings are unchanged since its last build is left untouched; two
    builds into one folder take turns (the second waits, then finds the book done).
    """
    logger = get_run_logger()
    font_path = str(find_cjk_font(font))
    fingerprint = book_fingerprint(source, settings, options, font_path, book, bundle)
    with hold_lock(Path(out_dir) / ".huiben.lock", on_wait=lambda: logger.info("waiting: another build is writing %s", out_dir)):
        done = finished_book(out_dir, fingerprint)
        if done is not None:
            logger.info("%s is up to date: nothing to do", done.pdf)
            return done
        timings: dict[str, float] = {}
        clock = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[stage] = now - clock
            clock = now

        board = make_storyboard(source, options)
        publish_storyboard(board, out_dir)
        lap("storyboard")
        rendered = render_book_pages(board, settings, font_path, out_dir)
        lap("render")
        credits = {"绘图 Pictures": f"{settings.renderer} {settings.model}".strip(), "种子 Seed": str(board.seed),
                   "字体 Font": Path(font_path).stem}
        book = book.model_copy(update={"credits": {**credits, **book.credits}})
        pdf = str(Path(out_dir) / "book.pdf")
        report = layout_book(board, rendered.pictures, pdf, font_path, book)
        lap("layout")
        pages, storyboard, manifest = export_assets(
            board, rendered, report, out_dir, settings, font_path, timings, fingerprint, bundle
        )
        lap("export")
    return BookResult(out_dir=out_dir, pdf=pdf, storyboard=storyboard, manifest=manifest, pages=pages, timings_s=timings)


def book_fingerprint(source: str, settings: RenderSettings, options: StoryboardOptions, font: str,
                     book: BookOptions = BookOptions(), bundle: bool = False) -> str:
    """Return a hash of everything that decides a book: input bytes, cast file and the reference
    images and embeddings it names, settings, versions."""
    h = hashlib.sha256()
    for path in [Path(source), *([Path(options.cast)] if options.cast else []), *referenced_files(source, options)]:
        h.update(path.read_bytes())
    for c in (settings.model_dump_json(), options.model_dump_json(), book.model_dump_json(), font, str(bundle),
              metadata.version("huiben")):
        h.update(b"\0" + c.encode("utf-8"))
    return h.hexdigest()


def referenced_files(source: str, options: StoryboardOptions) -> list[Path]:
    """Return the reference images and embeddings that the cast file or an edited storyboard names."""
    from storyboard.cast_file import load_cast_file
    from storyboard.storyboard_file import is_storyboard_path, load_storyboard

    entries = load_cast_file(options.cast) if options.cast else []
    if is_storyboard_path(Path(source)):
        entries = [*entries, *load_storyboard(Path(source)).characters]
    # A missing file is the renderer's to report, with its name; here it only cannot be hashed.
    return [Path(p) for e in entries for p in (e.reference_image, e.embedding) if p and Path(p).is_file()]


def finished_book(out_dir: str, fingerprint: str) -> BookResult | None:
    """Return the finished book in out_dir if its manifest records this fingerprint and its files exist."""
    out = Path(out_dir)
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pages = [out / p["file"] for p in manifest.get("pages", [])]
    needed = [out / "book.pdf", *pages, *(out / p for p in manifest.get("print_pages", []))]
    if manifest.get("fingerprint") != fingerprint or not all(p.is_file() for p in needed):
        return None
    return BookResult(out_dir=out_dir, pdf=str(out / "book.pdf"), storyboard=str(out / "storyboard.yaml"),
                      manifest=str(out / "manifest.json"), pages=[str(p) for p in pages], timings_s={}, skipped=True)


def publish_storyboard(board: Storyboard, out_dir: str) -> None:
    """Show the storyboard as a table in the Prefect UI (page, text, characters, seed)."""
    rows = [{"page": i, "text": s.text[:60], "characters": "、".join(s.characters), "seed": s.seed}
            for i, s in enumerate(board.scenes, start=1)]
    create_table_artifact(rows, key=artifact_key("storyboard", out_dir), description=f"Storyboard of {board.title}")


def artifact_key(kind: str, out_dir: str) -> str:
    """Return a Prefect artifact key (lowercase letters, digits, dashes) unique to a book folder."""
    digest = hashlib.blake2b(str(Path(out_dir).resolve()).encode(), digest_size=4).hexdigest()
    return f"{kind}-{digest}"
