"""The Renderer interface and the process-wide registry that builds (and keeps) renderers."""

from __future__ import annotations

from functools import lru_cache
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

    def plan_jobs(self, board: Storyboard) -> list[RenderJob]:
        """Return one job per scene, in page order."""
        ...

    def render(self, jobs: list[RenderJob]) -> list[Image.Image]:
        """Return one RGB image per job, in order."""
        ...


@lru_cache(maxsize=4)
def get_renderer(name: str, font_path: str = "", model: str = "", steps: int | None = None,
                 width: int | None = None, height: int | None = None) -> Renderer:
    """Return the renderer `name`, built once per process (a model loads once for a whole batch)."""
    if name == "preview":
        from .preview import PreviewRenderer

        return PreviewRenderer(font_path=font_path)
    if name == "diffusion":
        from .diffusion import DiffusionRenderer

        return DiffusionRenderer(model=model, steps=steps, width=width, height=height)
    raise UserError(f"unknown renderer '{name}'; choose one of: {', '.join(RENDERERS)}")
