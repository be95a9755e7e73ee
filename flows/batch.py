"""The Prefect flow `illustrate_batch`: every story in an inbox becomes a book in the outbox."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.deployments import run_deployment
from pydantic import BaseModel

from flows.illustrate import RenderSettings, book_fingerprint, finished_book, illustrate_story
from layout.fonts import find_cjk_font
from layout.options import BookOptions
from storyboard.build import StoryboardOptions
from storyboard.errors import UserError
from storyboard.files import slugify
from storyboard.story_text import read_story

STORY_SUFFIXES = (".txt", ".text", ".md")
BOOK_DEPLOYMENT = "illustrate-story/book"  # the per-book deployment that workers on a pool pick up


class BookRow(BaseModel):
    """One line of the batch summary."""

    book: str
    pages: int = 0
    status: str  # built | unchanged | failed | queued
    seconds: float = 0.0
    message: str = ""


class BatchResult(BaseModel):
    """The batch summary; `failed` names the stories that did not become books."""

    rows: list[BookRow]

    @property
    def failed(self) -> list[str]:
        """Return the books that failed."""
        return [r.book for r in self.rows if r.status == "failed"]


def find_stories(inbox: Path) -> list[Path]:
    """Return the story files of an inbox, sorted by name (hidden files skipped)."""
    if not inbox.is_dir():
        raise UserError(f"{inbox}: not a folder; give the folder that holds the story files")
    return sorted(p for p in inbox.iterdir() if p.suffix.lower() in STORY_SUFFIXES and not p.name.startswith("."))


def book_folder(outbox: Path, story: Path) -> Path:
    """Return the book folder for a story: a slug of its file name, never a raw name from the text."""
    return outbox / slugify(story.stem)


@flow(name="illustrate-batch", log_prints=True)
def illustrate_batch(
    inbox: str,
    outbox: str,
    settings: RenderSettings = RenderSettings(),
    options: StoryboardOptions = StoryboardOptions(),
    font: str | None = None,
    book: BookOptions = BookOptions(),
    bundle: bool = False,
    dispatch: bool = False,
) -> BatchResult:
    """Build every story of `inbox` into its own folder of `outbox`; a broken story fails alone.

    dispatch=False builds the books here, one after another, with one model load for all of them.
    dispatch=True queues one run of the `illustrate-story/book` deployment per changed story, for the
    workers of its pool (one book per GPU at a time) and returns without waiting.
    """
    logger = get_run_logger()
    font_path = str(find_cjk_font(font))
    rows: list[BookRow] = []
    for story in find_stories(Path(inbox)):
        out = book_folder(Path(outbox), story)
        started = time.perf_counter()
        try:
            read_story(story, options.encoding)  # a bad file fails here, in one line, before a subflow starts
            done = finished_book(str(out), book_fingerprint(str(story), settings, options, font_path, book, bundle))
            if done is not None:
                rows.append(BookRow(book=story.name, pages=len(done.pages), status="unchanged"))
                continue
            if dispatch:
                params = {"source": str(story), "out_dir": str(out), "settings": settings.model_dump(),
                          "options": options.model_dump(), "font": font_path, "book": book.model_dump(),
                          "bundle": bundle}
                run = run_deployment(BOOK_DEPLOYMENT, parameters=params, timeout=0, as_subflow=False)
                rows.append(BookRow(book=story.name, status="queued", message=str(run.id)))
                continue
            result = illustrate_story(str(story), str(out), settings, options, font_path, book, bundle)
            rows.append(BookRow(book=story.name, pages=len(result.pages), status="built",
                                seconds=round(time.perf_counter() - started, 2)))
        except Exception as e:  # one broken story must not stop the others; the summary names it
            message = str(e).splitlines()[0] if str(e) else type(e).__name__
            logger.error("%s failed: %s", story.name, message)
            rows.append(BookRow(book=story.name, status="failed", seconds=round(time.perf_counter() - started, 2),
                                message=message))
    create_table_artifact([r.model_dump() for r in rows], key="batch-summary", description=f"{inbox} -> {outbox}")
    return BatchResult(rows=rows)
