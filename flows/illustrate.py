"""The Prefect flow `illustrate_story`: read -> storyboard -> render -> layout -> export."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel

from layout.book import write_book
from layout.fonts import find_cjk_font
from layout.manifest import build_manifest, export_pages, write_manifest
from render.pages import render_pages
from render.renderer import get_renderer
from storyboard.build import StoryboardOptions, load_or_build_storyboard
from storyboard.models import Storyboard
from storyboard.storyboard_file import save_storyboard

# Our own content-addressed page cache decides what to re-render; Prefect's result cache
# would only duplicate it (and would leak results between runs, see shared/PITFALLS.md).
STAGE = dict(cache_policy=NO_CACHE, persist_result=False)


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

    def progress(kind: str):
        def report(done: int, total: int, job, cached: bool) -> None:
            logger.info("%s %d/%d %s", kind, done, total, "cached" if cached else "rendered")

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
def layout_book(board: Storyboard, pictures: list[str], pdf: str, font: str) -> str:
    """Write book.pdf and return its path."""
    write_book(board, [Path(p) for p in pictures], Path(pdf), Path(font))
    return pdf


@task(name="export-assets", **STAGE)
def export_assets(
    board: Storyboard, rendered: RenderResult, out_dir: str, settings: RenderSettings, font: str,
    timings: dict[str, float],
) -> tuple[list[str], str, str]:
    """Write storyboard.yaml, pages/NN.png and manifest.json; return their paths."""
    out = Path(out_dir)
    storyboard = save_storyboard(board, out / "storyboard.yaml")
    pages = export_pages([Path(p) for p in rendered.pictures], out / "pages")
    manifest = build_manifest(
        board, storyboard, pages, rendered.jobs, out / "book.pdf", settings.renderer, settings.model, Path(font), timings
    ).model_copy(update={"references": rendered.references, "flagged_pages": rendered.flagged, "notes": rendered.notes})
    path = write_manifest(manifest, out / "manifest.json")
    return [str(p) for p in pages], str(storyboard), str(path)


@flow(name="illustrate-story", log_prints=True)
def illustrate_story(
    source: str,
    out_dir: str,
    settings: RenderSettings = RenderSettings(),
    options: StoryboardOptions = StoryboardOptions(),
    font: str | None = None,
) -> BookResult:
    """Illustrate one story (or edited storyboard) into out_dir/book.pdf with its assets."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now

    font_path = str(find_cjk_font(font))
    board = make_storyboard(source, options)
    lap("storyboard")
    rendered = render_book_pages(board, settings, font_path, out_dir)
    lap("render")
    pdf = layout_book(board, rendered.pictures, str(Path(out_dir) / "book.pdf"), font_path)
    lap("layout")
    pages, storyboard, manifest = export_assets(board, rendered, out_dir, settings, font_path, timings)
    lap("export")
    return BookResult(out_dir=out_dir, pdf=pdf, storyboard=storyboard, manifest=manifest, pages=pages, timings_s=timings)
