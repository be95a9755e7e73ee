"""manifest.json: what went into a book (inputs' hashes, seeds, renderer, versions, timings)."""

from __future__ import annotations

import platform
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from storyboard.files import sha256_file, write_atomic
from storyboard.models import Storyboard

_VERSIONED = ("huiben", "prefect", "reportlab", "pillow", "jieba", "pydantic", "torch", "diffusers", "transformers")


class PageRecord(BaseModel):
    """One exported page: its file, the render job that made it, the seed and who is in it."""

    model_config = ConfigDict(extra="forbid")

    page: int
    file: str
    sha256: str
    job: str
    seed: int
    characters: list[str]
    pdf_pages: list[int] = []  # where this story page landed in book.pdf (1-based; more than one if it spilled)


class Manifest(BaseModel):
    """The record of one build, written next to book.pdf."""

    model_config = ConfigDict(extra="forbid")

    title: str
    created: str
    source: str
    source_sha256: str
    storyboard_sha256: str
    renderer: str
    model: str
    book_seed: int
    character_seeds: dict[str, int]
    font: str
    pdf: str
    pdf_sha256: str
    pages: list[PageRecord]
    versions: dict[str, str]
    timings_s: dict[str, float]
    references: dict[str, str] = {}  # character -> reference-embedding hash (references/<name>.safetensors)
    flagged_pages: dict[int, int] = {}  # page -> times the safety checker made it re-render
    notes: list[str] = []
    fingerprint: str = ""  # hash of inputs + settings: an unchanged book is not built again
    print_pages: list[str] = []  # pages/NN.png: every PDF page at print resolution
    contact_sheet: str = ""
    pdf_bytes: int = 0


def build_manifest(
    board: Storyboard, storyboard_path: Path, pages: list[Path], jobs: list[str], pdf: Path,
    renderer: str, model: str, font: Path, timings: dict[str, float], pdf_pages: dict[int, list[int]] | None = None,
) -> Manifest:
    """Return the manifest of a finished book; paths are relative to the book folder."""
    root = pdf.parent
    return Manifest(
        title=board.title,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        source=board.source,
        source_sha256=board.source_sha256,
        storyboard_sha256=sha256_file(storyboard_path),
        renderer=renderer,
        model=model,
        book_seed=board.seed,
        character_seeds={c.name: c.seed for c in board.characters},
        font=str(font),
        pdf=pdf.name,
        pdf_sha256=sha256_file(pdf),
        pages=[
            PageRecord(page=i, file=str(p.relative_to(root)), sha256=sha256_file(p), job=job, seed=s.seed,
                       characters=s.characters, pdf_pages=(pdf_pages or {}).get(i, []))
            for i, (p, job, s) in enumerate(zip(pages, jobs, board.scenes), start=1)
        ],
        versions={"python": platform.python_version(), **_versions()},
        timings_s={k: round(v, 3) for k, v in timings.items()},
    )


def write_manifest(manifest: Manifest, path: Path) -> Path:
    """Write manifest.json atomically; returns its path."""
    return write_atomic(path, manifest.model_dump_json(indent=2) + "\n")


def _versions() -> dict[str, str]:
    found = {}
    for name in _VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found
