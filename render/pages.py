"""Render a book's jobs into content-addressed PNGs, skipping those already on disk."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from storyboard.files import write_atomic

from .jobs import RenderJob
from .renderer import Renderer

Progress = Callable[[int, int, RenderJob, bool], None]  # (done, total, job, was_cached)


def render_pages(renderer: Renderer, jobs: list[RenderJob], cache_dir: Path, progress: Progress | None = None) -> list[Path]:
    """Return the PNG path of every job; only jobs without a PNG in `cache_dir` are rendered.

    Each PNG is written atomically as soon as its batch is done, so a killed run keeps every
    finished page and a re-run renders only what is missing or changed.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths = [cache_dir / f"{job.key()}.png" for job in jobs]
    todo = [(job, path) for job, path in zip(jobs, paths) if not path.exists()]
    done = 0
    for job, path in zip(jobs, paths):
        if path.exists() and progress:
            done += 1
            progress(done, len(jobs), job, True)
    step = max(1, renderer.batch_size)
    for start in range(0, len(todo), step):
        batch = todo[start : start + step]
        images = renderer.render([job for job, _ in batch])
        for (job, path), image in zip(batch, images):
            write_atomic(path, encode_png(image))
            done += 1
            if progress:
                progress(done, len(jobs), job, False)
    return paths


def encode_png(image: Image.Image) -> bytes:
    """Return PNG bytes with no time stamps or text chunks, so equal pixels give equal files."""
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG", optimize=False, compress_level=6)
    return buf.getvalue()
