"""Reference embeddings: one IP-Adapter image embedding per character, saved once as safetensors."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PIL import Image

from storyboard.files import write_atomic
from storyboard.models import Storyboard

from .jobs import RenderJob

PORTRAIT_SUFFIX = "全身像，正面站立，简单的浅色背景"


def plan_portraits(board: Storyboard, template: RenderJob) -> list[RenderJob]:
    """Return one reference-portrait job per character that has no user-supplied reference image.

    `template` carries the renderer's settings (model, size, steps); the prompt is the style,
    the character's canonical description and a plain full-figure framing, with its own seed.
    """
    from storyboard.prompts import STYLES

    style = STYLES.get(board.style, board.style)
    jobs = []
    for c in board.characters:
        if c.reference_image:
            continue
        look = f"{c.token} {c.description}" if c.token else c.description
        jobs.append(
            template.model_copy(
                update={
                    "page": 0,
                    "prompt": "；".join(p for p in (style, look, PORTRAIT_SUFFIX) if p),
                    "seed": c.seed,
                    "reference_hash": "",
                    "extra": {**template.extra, "portrait": c.name},
                }
            )
        )
    return jobs


def encode_reference(pipe, image: Image.Image, device: str):
    """Return the character's IP-Adapter embeds, shaped (2, 1, dim): negative half first (CFG)."""
    return pipe.prepare_ip_adapter_image_embeds(
        ip_adapter_image=[image.convert("RGB")], ip_adapter_image_embeds=None, device=device,
        num_images_per_prompt=1, do_classifier_free_guidance=True,
    )[0]


def save_reference(embeds, path: Path, metadata: dict[str, str]) -> str:
    """Write the embeds as safetensors (atomically) and return the file's content hash."""
    from safetensors.torch import save

    data = save({"ip_adapter_image_embeds": embeds.detach().to("cpu").contiguous()}, metadata=metadata)
    write_atomic(path, data)
    return hashlib.blake2b(data, digest_size=12).hexdigest()


def load_reference(path: Path):
    """Return the embeds saved by save_reference()."""
    from safetensors.torch import load_file

    return load_file(str(path))["ip_adapter_image_embeds"]


def reference_hash(path: Path, metadata: dict[str, str]) -> str | None:
    """Return the hash of a saved reference whose metadata matches (same portrait, same adapter), else None."""
    if not path.is_file():
        return None
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            if f.metadata() != metadata:
                return None
    except (OSError, ValueError):
        return None  # unreadable: encode again
    return hashlib.blake2b(path.read_bytes(), digest_size=12).hexdigest()
