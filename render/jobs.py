"""RenderJob: everything that decides a picture's pixels, hashed into its file name."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict


class RenderJob(BaseModel):
    """One picture to render; two jobs with equal fields give equal pixels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    page: int  # 1-based page of the book
    renderer: str  # renderer name and version, e.g. "preview/1"
    model: str = ""  # model id + revision for diffusion; "" for preview
    prompt: str
    negative_prompt: str = ""
    seed: int
    width: int
    height: int
    steps: int = 0
    guidance: float = 0.0
    scheduler: str = ""
    reference_hash: str = ""  # hash of the reference embeddings passed in, if any
    extra: dict[str, Any] = {}  # renderer-specific inputs (the preview's scene text and cast)

    def key(self) -> str:
        """Return the content hash (24 hex chars) that names this job's PNG."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.blake2b(canonical.encode("utf-8"), digest_size=12).hexdigest()
