"""The diffusion renderer: a Chinese Stable Diffusion model through diffusers, one generator per page.

Character consistency: every page repeats the character's description (storyboard), is seeded from
the storyboard, and — when an IP-Adapter is available — is conditioned on the reference embedding
of its focal character (the first one the scene mentions), computed once per character.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from PIL import Image

from storyboard.errors import UserError
from storyboard.files import sha256_file, slugify
from storyboard.models import Storyboard

from .jobs import RenderJob
from .models import ModelSpec, resolve_adapter, resolve_model
from .references import encode_reference, load_reference, plan_portraits, reference_hash, save_reference

VERSION = "diffusion/1"
SAFETY_RETRIES = 3  # a page the safety checker flags is drawn again with the next seeds, this often
PRECISIONS = ("auto", "fp16", "bf16", "fp32")


class DiffusionRenderer:
    """Loads the model once (lazily) and renders batches of pages with per-page seeds."""

    name = "diffusion"

    def __init__(self, model: str = "", steps: int | None = None, width: int | None = None,
                 height: int | None = None, batch_size: int | None = None, device: str | None = None,
                 precision: str = "auto", ip_adapter: str = "", ip_scale: float = 0.6, low_memory: bool = False):
        self.spec, self.path, self.revision = resolve_model(model)
        self.steps = steps or self.spec.steps
        self.width = width or self.spec.width
        self.height = height or self.spec.height
        self.device = device or pick_device()
        self.dtype_name = pick_precision(precision, self.device)
        # Pages per pipeline call: a GPU renders several at once for the price of ~one; a CPU cannot.
        self.batch_size = batch_size or (4 if self.device == "cuda" else 1)
        self.adapter = resolve_adapter(self.spec, ip_adapter)
        self.ip_scale = ip_scale
        self.low_memory = low_memory
        self.notes: list[str] = []  # what the user should know (no IP-Adapter, flagged pages)
        if self.adapter is None and ip_adapter != "none" and self.spec.ip_adapter:
            self.notes.append(
                f"IP-Adapter {self.spec.ip_adapter.repo} is not downloaded: characters are kept consistent by "
                "descriptions and seeds only (`huiben models pull ip-adapter` adds reference embeddings)"
            )
        self.reference_files: dict[str, Path] = {}  # character name -> saved embeds (safetensors)
        self._embeds: dict[Path, object] = {}  # loaded on first use: a finished book loads nothing
        self.flagged: dict[str, int] = {}  # job key -> retries the safety checker caused
        self._pipe = None
        self._adapter_loaded = False
        self._inversions: set[str] = set()

    # Planning ------------------------------------------------------------------------------

    def _template(self) -> RenderJob:
        return RenderJob(
            page=0, renderer=VERSION, model=f"{self.spec.repo}@{self.revision}", prompt="", seed=0,
            width=self.width, height=self.height, steps=self.steps, guidance=self.spec.guidance,
            # Same device type and precision => same pixels; not across them.
            extra={"device": self.device, "dtype": self.dtype_name},
        )

    def plan_portraits(self, board: Storyboard) -> list[RenderJob]:
        """Return one reference-portrait job per character without a user-supplied image."""
        if self.adapter is None:
            return []
        inversions = inversion_hashes(board)
        return [with_inversions(j, inversions) for j in plan_portraits(board, self._template())]

    def plan_jobs(self, board: Storyboard, references: dict[str, str] | None = None) -> list[RenderJob]:
        """Return one job per scene; model, revision and reference hash are part of every job's hash."""
        references = references or {}
        inversions = inversion_hashes(board)
        jobs = []
        for page, scene in enumerate(board.scenes, start=1):
            focal = next((n for n in scene.characters if n in references), "")
            job = self._template().model_copy(
                update={
                    "page": page,
                    "prompt": scene.prompt,
                    "negative_prompt": scene.negative_prompt,
                    "seed": scene.seed,
                    "reference_hash": references.get(focal, ""),
                    "extra": {**self._template().extra, "reference": focal, "ip_scale": self.ip_scale if focal else 0.0},
                }
            )
            jobs.append(with_inversions(job, inversions))
        return jobs

    # References ----------------------------------------------------------------------------

    def encode_references(self, portraits: dict[str, Path], out_dir: Path) -> dict[str, str]:
        """Return {character: embedding hash}; each portrait is encoded once and saved as safetensors."""
        if self.adapter is None or not portraits:
            return {}
        hashes = {}
        for name, portrait in portraits.items():
            if not Path(portrait).is_file():
                raise UserError(f"{portrait}: reference image of {name} not found; fix reference_image in the cast file")
            path = out_dir / f"{slugify(name, 40)}.safetensors"
            meta = {"character": name, "portrait_sha256": sha256_file(portrait), "adapter": self.adapter[0].repo}
            hashes[name] = reference_hash(path, meta)  # the same portrait and adapter: reuse, no model load
            if hashes[name] is None:
                with Image.open(portrait) as im:
                    embeds = encode_reference(self.pipeline(with_adapter=True), im, self.device)
                hashes[name] = save_reference(embeds, path, meta)
            self.reference_files[name] = path
        return hashes

    def load_inversions(self, board: Storyboard) -> None:
        """Load the board's textual-inversion embeddings as tokens (once per token per process)."""
        for c in board.characters:
            if c.embedding and c.token and c.token not in self._inversions:
                try:
                    self.pipeline().load_textual_inversion(c.embedding, token=c.token)
                except (ValueError, OSError, KeyError) as e:
                    raise UserError(f"{c.embedding}: cannot load the textual inversion for {c.name} ({e})") from None
                self._inversions.add(c.token)

    # Rendering -----------------------------------------------------------------------------

    def render(self, jobs: list[RenderJob]) -> list[Image.Image]:
        """Return one image per job; pages sharing a reference go through the pipeline together."""
        images: list[Image.Image] = []
        for _, group in groupby(jobs, key=lambda j: (j.extra.get("reference", ""), j.extra.get("portrait", ""))):
            images += self._render_group(list(group))
        return images

    def _render_group(self, jobs: list[RenderJob]) -> list[Image.Image]:
        """Return images for jobs that share a reference; on CUDA out-of-memory, retry in halves."""
        import torch

        try:
            return self._call(jobs)
        except torch.cuda.OutOfMemoryError:
            if len(jobs) == 1:
                raise UserError("the GPU ran out of memory on a single page; try --low-memory or a smaller --width/--height") from None
            torch.cuda.empty_cache()
            self.batch_size = max(1, len(jobs) // 2)  # remember: later batches start smaller
            half = len(jobs) // 2
            return self._render_group(jobs[:half]) + self._render_group(jobs[half:])

    def _call(self, jobs: list[RenderJob]) -> list[Image.Image]:
        """Return images for one pipeline call, redrawing pages the safety checker flags."""
        first = jobs[0]
        reference = first.extra.get("reference", "")
        pipe = self.pipeline(with_adapter=bool(reference) or self._adapter_loaded)
        kwargs = {}
        if self._adapter_loaded:
            # Portraits and pages without a character: scale 0 is the plain model exactly.
            pipe.set_ip_adapter_scale(first.extra.get("ip_scale", 0.0) if reference else 0.0)
            path = self.reference_files.get(reference)
            if path is not None and path not in self._embeds:
                self._embeds[path] = load_reference(path)
            embeds = self._embeds[path] if path is not None else self._neutral_embeds()
            kwargs["ip_adapter_image_embeds"] = [embeds.to(self.device, pipe.unet.dtype)]
        images = self._generate(pipe, jobs, [j.seed for j in jobs], kwargs)
        for _ in range(SAFETY_RETRIES):
            flagged = [i for i, (_, nsfw) in enumerate(images) if nsfw]
            if not flagged:
                break
            retry = [jobs[i] for i in flagged]
            for j in retry:
                self.flagged[j.key()] = self.flagged.get(j.key(), 0) + 1
            seeds = [(j.seed + 7919 * self.flagged[j.key()]) % 2**32 for j in retry]  # next seeds, stable
            for i, redo in zip(flagged, self._generate(pipe, retry, seeds, kwargs)):
                images[i] = redo
        still = [jobs[i].page for i, (_, nsfw) in enumerate(images) if nsfw]
        if still:
            raise UserError(f"pages {still} were flagged by the safety checker {SAFETY_RETRIES + 1} times; edit their prompts")
        return [im for im, _ in images]

    def _generate(self, pipe, jobs: list[RenderJob], seeds: list[int], kwargs: dict) -> list[tuple[Image.Image, bool]]:
        """Return (image, flagged) per job from one pipeline call."""
        import torch

        first = jobs[0]
        # One generator per page: a page's noise does not depend on which pages share its batch.
        generators = [torch.Generator(device="cpu" if self.device == "mps" else self.device).manual_seed(s) for s in seeds]
        with torch.inference_mode():
            out = pipe(
                prompt=[j.prompt for j in jobs], negative_prompt=[j.negative_prompt for j in jobs],
                num_inference_steps=first.steps, guidance_scale=first.guidance, width=first.width,
                height=first.height, generator=generators, output_type="pil", **kwargs,
            )
        nsfw = getattr(out, "nsfw_content_detected", None) or [False] * len(jobs)
        return list(zip(out.images, [bool(x) for x in nsfw]))

    def _neutral_embeds(self):
        """Return embeds for 'no reference': any tensor of the adapter's shape will do (the scale is 0)."""
        if self._embeds:
            return next(iter(self._embeds.values())).new_zeros(next(iter(self._embeds.values())).shape)
        # No reference yet (portraits, or a book without characters): the shape of a blank image's
        # embeds, which differs between plain and "plus" adapters.
        blank = encode_reference(self._pipe, Image.new("RGB", (224, 224), (128, 128, 128)), self.device)
        self._embeds[Path("<blank>")] = blank
        return blank.new_zeros(blank.shape)

    def pipeline(self, with_adapter: bool = False):
        """Return the loaded diffusers pipeline (loaded on first use); attach the IP-Adapter on request."""
        if self._pipe is None:
            self._pipe = load_pipeline(self.spec, str(self.path), self.device, self.dtype_name, self.low_memory)
        if with_adapter and not self._adapter_loaded and self.adapter is not None:
            adapter, folder = self.adapter
            try:
                self._pipe.load_ip_adapter(
                    str(folder), subfolder=adapter.subfolder, weight_name=adapter.weight_name,
                    image_encoder_folder=adapter.image_encoder_folder, local_files_only=True,
                )
            except (OSError, ValueError, KeyError) as e:
                raise UserError(f"{folder}: cannot load the IP-Adapter ({str(e).splitlines()[0]})") from None
            if self.device != "cpu" and not self.low_memory:
                self._pipe.to(self.device)
            self._adapter_loaded = True
        return self._pipe


def inversion_hashes(board: Storyboard) -> dict[str, str]:
    """Return {token: short hash of its embedding file} for the board's textual inversions (each read once)."""
    return {c.token: sha256_file(Path(c.embedding))[:16] for c in board.characters if c.token and c.embedding}


def with_inversions(job: RenderJob, inversions: dict[str, str]) -> RenderJob:
    """Return the job with the hashes of the textual inversions its prompt uses (they decide its pixels)."""
    used = {token: h for token, h in inversions.items() if token in job.prompt}
    return job.model_copy(update={"extra": {**job.extra, "inversions": used}}) if used else job


def pick_device() -> str:
    """Return 'cuda', 'mps' or 'cpu', the fastest available."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def pick_precision(precision: str, device: str) -> str:
    """Return the dtype name: fp16 on GPUs (half the memory, twice the speed), fp32 on CPUs."""
    if precision not in PRECISIONS:
        raise UserError(f"unknown precision '{precision}'; use one of {', '.join(PRECISIONS)}")
    if precision == "auto":
        return "fp16" if device in ("cuda", "mps") else "fp32"
    return precision


def load_pipeline(spec: ModelSpec, path: str, device: str, dtype_name: str = "fp32", low_memory: bool = False):
    """Return the spec's diffusers pipeline loaded from a local folder onto `device`."""
    try:
        import diffusers
        import torch
    except ImportError:
        raise UserError("the diffusion renderer needs the model stack: pip install 'huiben[diffusion]'") from None
    cls = getattr(diffusers, spec.pipeline, None)
    if cls is None:
        raise UserError(f"diffusers {diffusers.__version__} has no {spec.pipeline}; upgrade diffusers")
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32}[dtype_name]
    try:
        pipe = cls.from_pretrained(path, dtype=dtype, local_files_only=True)
    except (OSError, ValueError) as e:
        raise UserError(f"{path}: cannot load {spec.pipeline} ({str(e).splitlines()[0]})") from None
    pipe.set_progress_bar_config(disable=True)
    if device == "cuda" and not low_memory:
        # Throughput on big GPUs: NHWC convolutions and fused q/k/v projections (one matmul, not three).
        pipe.unet.to(memory_format=torch.channels_last)
        if hasattr(pipe, "fuse_qkv_projections"):
            pipe.fuse_qkv_projections()
    if low_memory:
        # Small GPUs: compute attention in slices, decode the VAE in tiles, keep idle models in RAM.
        pipe.enable_attention_slicing()
        if hasattr(pipe, "vae") and hasattr(pipe.vae, "enable_tiling"):
            pipe.vae.enable_tiling()
        if device == "cuda":
            pipe.enable_model_cpu_offload()
            return pipe
    return pipe.to(device)
