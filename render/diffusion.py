"""The diffusion renderer: a Chinese Stable Diffusion model through diffusers, one generator per page."""

from __future__ import annotations

from PIL import Image

from storyboard.errors import UserError
from storyboard.models import Storyboard

from .jobs import RenderJob
from .models import ModelSpec, resolve_model

VERSION = "diffusion/1"


class DiffusionRenderer:
    """Loads the model once (lazily) and renders batches of pages with per-page seeds."""

    name = "diffusion"

    def __init__(self, model: str = "", steps: int | None = None, width: int | None = None,
                 height: int | None = None, batch_size: int | None = None, device: str | None = None):
        self.spec, self.path, self.revision = resolve_model(model)
        self.steps = steps or self.spec.steps
        self.width = width or self.spec.width
        self.height = height or self.spec.height
        self.device = device or pick_device()
        # Pages per pipeline call: a GPU renders several at once for the price of ~one; a CPU cannot.
        self.batch_size = batch_size or (4 if self.device == "cuda" else 1)
        self._pipe = None

    def plan_jobs(self, board: Storyboard) -> list[RenderJob]:
        """Return one job per scene; the model id and revision are part of every job's hash."""
        return [
            RenderJob(
                page=page,
                renderer=VERSION,
                model=f"{self.spec.repo}@{self.revision}",
                prompt=scene.prompt,
                negative_prompt=scene.negative_prompt,
                seed=scene.seed,
                width=self.width,
                height=self.height,
                steps=self.steps,
                guidance=self.spec.guidance,
                extra={"device": self.device},  # same device type => same pixels, not across types
            )
            for page, scene in enumerate(board.scenes, start=1)
        ]

    def render(self, jobs: list[RenderJob]) -> list[Image.Image]:
        """Return one image per job; on CUDA out-of-memory, retry the batch in halves."""
        import torch

        try:
            return self._call(jobs)
        except torch.cuda.OutOfMemoryError:
            if len(jobs) == 1:
                raise UserError("the GPU ran out of memory on a single page; try --width/--height 512 or a smaller model") from None
            torch.cuda.empty_cache()
            self.batch_size = max(1, len(jobs) // 2)  # remember: later batches start smaller
            half = len(jobs) // 2
            return self.render(jobs[:half]) + self.render(jobs[half:])

    def _call(self, jobs: list[RenderJob]) -> list[Image.Image]:
        import torch

        pipe = self.pipeline()
        first = jobs[0]
        # One generator per page seeded from the storyboard: a page's noise does not depend on
        # which other pages share its batch.
        generators = [torch.Generator(device=self.device).manual_seed(j.seed) for j in jobs]
        with torch.inference_mode():
            out = pipe(
                prompt=[j.prompt for j in jobs],
                negative_prompt=[j.negative_prompt for j in jobs],
                num_inference_steps=first.steps,
                guidance_scale=first.guidance,
                width=first.width,
                height=first.height,
                generator=generators,
                output_type="pil",
            )
        return list(out.images)

    def pipeline(self):
        """Return the loaded diffusers pipeline, loading it on first use."""
        if self._pipe is None:
            self._pipe = load_pipeline(self.spec, str(self.path), self.device)
        return self._pipe


def pick_device() -> str:
    """Return 'cuda', 'mps' or 'cpu', the fastest available."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def load_pipeline(spec: ModelSpec, path: str, device: str):
    """Return the spec's diffusers pipeline loaded from a local folder onto `device`."""
    try:
        import diffusers
        import torch
    except ImportError:
        raise UserError("the diffusion renderer needs the model stack: pip install 'huiben[diffusion]'") from None
    cls = getattr(diffusers, spec.pipeline, None)
    if cls is None:
        raise UserError(f"diffusers {diffusers.__version__} has no {spec.pipeline}; upgrade diffusers")
    # fp16 on GPUs halves memory and doubles speed; CPUs compute fp32 (fp16 is slow or unsupported there).
    dtype = torch.float16 if device == "cuda" else torch.float32
    try:
        pipe = cls.from_pretrained(path, dtype=dtype, local_files_only=True)
    except (OSError, ValueError) as e:
        raise UserError(f"{path}: cannot load {spec.pipeline} ({str(e).splitlines()[0]})") from None
    pipe.set_progress_bar_config(disable=True)
    return pipe.to(device)
