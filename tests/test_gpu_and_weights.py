"""Checks that need a CUDA GPU or real downloaded weights: skipped where those are absent."""

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from conftest import SAMPLES  # noqa: E402
from storyboard.build import build_storyboard  # noqa: E402
from storyboard.story_text import read_story  # noqa: E402


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_fp16_batches_are_deterministic(tmp_path):
    from render.diffusion import DiffusionRenderer
    from render.pages import encode_png
    from tiny_models import build_tiny_taiyi

    model = build_tiny_taiyi(tmp_path / "m")
    r = DiffusionRenderer(model=str(model), steps=4, width=64, height=64, device="cuda", batch_size=4, ip_adapter="none")
    assert r.dtype_name == "fp16"
    jobs = r.plan_jobs(build_storyboard(read_story(SAMPLES / "kite_day.txt")))[:4]
    assert [encode_png(i) for i in r.render(jobs)] == [encode_png(i) for i in r.render(jobs)]


def _cached(repo: str) -> bool:
    try:
        from huggingface_hub import snapshot_download

        snapshot_download(repo, local_files_only=True)
        return True
    except Exception:
        return False


@pytest.mark.weights
@pytest.mark.skipif(not _cached("IDEA-CCNL/Taiyi-Stable-Diffusion-1B-Chinese-v0.1"), reason="Taiyi weights not downloaded")
def test_real_taiyi_renders_a_page():
    from render.diffusion import DiffusionRenderer

    r = DiffusionRenderer(model="taiyi", steps=10)
    image = r.render(r.plan_jobs(build_storyboard(read_story(SAMPLES / "hedgehog_friends.txt")))[:1])[0]
    assert image.size == (512, 512) and len(set(image.getdata())) > 1000  # a picture, not a flat field
