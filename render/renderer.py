"""The Renderer interface and the process-wide registry that builds (and keeps) renderers."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

from PIL import Image

from storyboard.errors import UserError
from storyboard.models import Storyboard

from .jobs import RenderJob

RENDERERS = ("preview", "diffusion")


class Renderer(Protocol):
    """Plans one RenderJob per page and turns batches of jobs into images."""

    name: str
    batch_size: int
    notes: list[str]  # what the user should know about this renderer's run
    flagged: dict[str, int]  # job key -> re-renders the safety checker caused

    def plan_portraits(self, board: Storyboard) -> list[RenderJob]:
        """Return one reference-portrait job per character that needs one (may be empty)."""
        ...

    def encode_references(self, portraits: dict[str, Path], out_dir: Path) -> dict[str, str]:
        """Return {character: reference hash}, encoding each portrait once into out_dir."""
        ...

    def load_inversions(self, board: Storyboard) -> None:
        """Load the board's textual-inversion tokens, if the renderer uses them."""
        ...

    def plan_jobs(self, board: Storyboard, references: dict[str, str] | None = None) -> list[RenderJob]:
        """Return one job per scene, in page order."""
        ...

    def render(self, jobs: list[RenderJob]) -> list[Image.Image]:
        """Return one RGB image per job, in order."""
        ...


@lru_cache(maxsize=4)
def get_renderer(name: str, font_path: str = "", model: str = "", steps: int | None = None,
                 width: int | None = None, height: int | None = None, precision: str = "auto",
                 ip_adapter: str = "", ip_scale: float = 0.6, low_memory: bool = False) -> Renderer:
    """Return the renderer `name`, built once per process (a model loads once for a whole batch)."""
    if name == "preview":
        from .preview import PreviewRenderer

        return PreviewRenderer(font_path=font_path)
    if name == "diffusion":
        from .diffusion import DiffusionRenderer

        return DiffusionRenderer(model=model, steps=steps, width=width, height=height, precision=precision,
                                 ip_adapter=ip_adapter, ip_scale=ip_scale, low_memory=low_memory)
    raise UserError(f"unknown renderer '{name}'; choose one of: {', '.join(RENDERERS)}")
