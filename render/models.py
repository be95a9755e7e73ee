"""The model registry: short names -> diffusers repos, pipeline classes and sensible defaults."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from storyboard.errors import UserError


class AdapterSpec(BaseModel):
    """Where an IP-Adapter's weights and image encoder live (a Hugging Face repo or a local folder)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repo: str
    subfolder: str = ""
    weight_name: str = "ip_adapter.safetensors"
    image_encoder_folder: str = "image_encoder"


class ModelSpec(BaseModel):
    """A diffusion model huiben knows how to run, with its defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    repo: str  # Hugging Face repo id, or a local folder
    pipeline: str  # diffusers pipeline class name
    width: int = 512
    height: int = 512
    steps: int = 25
    guidance: float = 7.5
    max_tokens: int = 77  # text-encoder budget the prompt must fit
    ip_adapter: AdapterSpec | None = None  # reference-image conditioning for character consistency
    note: str = ""


# Taiyi's UNet is SD1.4's, so the SD1.5 IP-Adapter (ViT-H image encoder) applies.
SD15_IP_ADAPTER = AdapterSpec(
    repo="h94/IP-Adapter", subfolder="models", weight_name="ip-adapter_sd15.safetensors",
    image_encoder_folder="models/image_encoder",
)

REGISTRY = {
    spec.name: spec
    for spec in [
        ModelSpec(
            name="taiyi",
            repo="IDEA-CCNL/Taiyi-Stable-Diffusion-1B-Chinese-v0.1",
            pipeline="StableDiffusionPipeline",
            max_tokens=512,
            ip_adapter=SD15_IP_ADAPTER,
            note="SD1.4 UNet + Chinese BERT text encoder (default)",
        ),
        ModelSpec(
            name="taiyi-anime",
            repo="IDEA-CCNL/Taiyi-Stable-Diffusion-1B-Anime-Chinese-v0.1",
            pipeline="StableDiffusionPipeline",
            max_tokens=512,
            ip_adapter=SD15_IP_ADAPTER,
            note="Taiyi fine-tuned on anime-style pictures",
        ),
        ModelSpec(
            name="kolors",
            repo="Kwai-Kolors/Kolors-diffusers",
            pipeline="KolorsPipeline",
            width=1024,
            height=1024,
            guidance=5.0,
            max_tokens=256,
            ip_adapter=AdapterSpec(
                repo="Kwai-Kolors/Kolors-IP-Adapter-Plus", weight_name="ip_adapter_plus_general.safetensors"
            ),
            note="SDXL-class UNet + ChatGLM3 text encoder; needs sentencepiece",
        ),
        ModelSpec(
            name="hunyuan-dit",
            repo="Tencent-Hunyuan/HunyuanDiT-v1.2-Diffusers",
            pipeline="HunyuanDiTPipeline",
            width=1024,
            height=1024,
            guidance=5.0,
            max_tokens=256,
            note="bilingual DiT (CLIP + mT5 text encoders)",
        ),
    ]
}
DEFAULT_MODEL = "taiyi"
# Adapters by name, for `huiben models pull` (only the files huiben uses are fetched).
ADAPTERS = {"ip-adapter": SD15_IP_ADAPTER, "kolors-ip-adapter": REGISTRY["kolors"].ip_adapter}


def adapter_files(adapter: AdapterSpec) -> list[str]:
    """Return the repo file patterns an adapter needs: its weights and its image encoder."""
    weights = f"{adapter.subfolder}/{adapter.weight_name}" if adapter.subfolder else adapter.weight_name
    return [weights, f"{adapter.image_encoder_folder}/*"]


def resolve_model(name: str) -> tuple[ModelSpec, Path, str]:
    """Return (spec, local folder, revision) for a registry name or a local diffusers folder.

    Never downloads: a model that is not on disk is a UserError that says how to get it.
    """
    name = name or DEFAULT_MODEL
    folder = Path(name).expanduser()
    if folder.is_dir():
        index = folder / "model_index.json"
        if not index.is_file():
            raise UserError(f"{folder}: not a diffusers model folder (no model_index.json)")
        pipeline = json.loads(index.read_text(encoding="utf-8")).get("_class_name", "DiffusionPipeline")
        spec = ModelSpec(name=str(folder), repo=str(folder.resolve()), pipeline=pipeline)
        return spec, folder, _folder_revision(folder)
    spec = REGISTRY.get(name)
    if spec is None:
        raise UserError(f"unknown model '{name}'; use one of {', '.join(REGISTRY)} or a local diffusers folder")
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:
        raise UserError("the diffusion renderer needs the model stack: pip install 'huiben[diffusion]'") from None

    try:
        path = Path(snapshot_download(spec.repo, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError):
        raise UserError(
            f"model '{spec.name}' ({spec.repo}) is not in the Hugging Face cache; on a machine online run "
            f"`huiben models pull {spec.name}`, or pass --model /path/to/a/diffusers/folder"
        ) from None
    return spec, path, path.name  # the snapshot folder is named after the commit hash


def resolve_adapter(spec: ModelSpec, choice: str = "") -> tuple[AdapterSpec, Path] | None:
    """Return (adapter, local folder) for the model's IP-Adapter, a local folder, or None.

    `choice`: "" = the registry's adapter if it is on disk, "none" = off, or a local folder that
    holds ip_adapter.safetensors and image_encoder/. Never downloads.
    """
    if choice == "none":
        return None
    if choice:
        folder = Path(choice).expanduser()
        adapter = AdapterSpec(repo=str(folder.resolve()))
        if not (folder / adapter.weight_name).is_file() or not (folder / adapter.image_encoder_folder).is_dir():
            raise UserError(f"{folder}: an IP-Adapter folder holds {adapter.weight_name} and {adapter.image_encoder_folder}/")
        return adapter, folder
    if spec.ip_adapter is None:
        return None
    try:
        from huggingface_hub import snapshot_download

        return spec.ip_adapter, Path(snapshot_download(spec.ip_adapter.repo, local_files_only=True))
    except Exception:  # not in the cache: consistency falls back to descriptions and seeds
        return None


def _folder_revision(folder: Path) -> str:
    """Return a short hash of a local folder's file names, sizes and mtimes (its 'revision')."""
    import hashlib

    h = hashlib.blake2b(digest_size=8)
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            st = p.stat()
            h.update(f"{p.relative_to(folder)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()
