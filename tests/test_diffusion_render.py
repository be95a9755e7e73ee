"""The diffusion renderer on a tiny random-weight Taiyi-shaped model, loaded through the real code."""

import pytest

from conftest import SAMPLES
from storyboard.build import build_storyboard
from storyboard.errors import UserError
from storyboard.story_text import read_story

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from tiny_models import build_tiny_taiyi

    return build_tiny_taiyi(tmp_path_factory.mktemp("tiny-taiyi"))


@pytest.fixture(scope="module")
def renderer(tiny_model):
    from render.diffusion import DiffusionRenderer

    return DiffusionRenderer(model=str(tiny_model), steps=2, width=64, height=64, batch_size=2, device="cpu")


@pytest.fixture(scope="module")
def board():
    return build_storyboard(read_story(SAMPLES / "hedgehog_friends.txt"), seed=3)


def assert_close(images_a, images_b, tolerance=3):
    """Assert two lists of images agree to within BLAS rounding (0-255 levels)."""
    import numpy as np

    assert len(images_a) == len(images_b)
    for a, b in zip(images_a, images_b):
        assert np.abs(np.asarray(a, dtype=int) - np.asarray(b, dtype=int)).max() <= tolerance


def png(image):
    from render.pages import encode_png

    return encode_png(image)


def test_loads_bert_text_encoder_and_renders_pages(renderer, board):
    from transformers import BertModel

    jobs = renderer.plan_jobs(board)[:3]
    images = renderer.render(jobs)
    assert isinstance(renderer.pipeline().text_encoder, BertModel)
    assert [im.size for im in images] == [(64, 64)] * 3
    assert renderer.pipeline().tokenizer.model_max_length == 32


def test_same_seed_same_bytes_and_batching_does_not_change_the_noise(renderer, board):
    jobs = renderer.plan_jobs(board)[:2]
    batched = renderer.render(jobs)
    assert [png(im) for im in batched] == [png(im) for im in renderer.render(jobs)]  # same call: same bytes
    single = [renderer.render([j])[0] for j in jobs]
    # Per-page generators: a page's noise does not depend on its batch. CPU BLAS may round a
    # batched matmul differently, so pixels agree to within rounding, not always bit for bit.
    assert_close(batched, single)
    assert png(batched[0]) != png(batched[1])


def test_new_seed_changes_the_picture(renderer, board):
    job = renderer.plan_jobs(board)[0]
    other = job.model_copy(update={"seed": job.seed + 1})
    assert job.key() != other.key()
    assert png(renderer.render([job])[0]) != png(renderer.render([other])[0])


def test_prompt_reaches_the_text_encoder(renderer, board):
    job = renderer.plan_jobs(board)[0]
    other = job.model_copy(update={"prompt": "红色的狐狸"})
    assert png(renderer.render([job])[0]) != png(renderer.render([other])[0])


def test_out_of_memory_retries_in_smaller_batches(renderer, board, monkeypatch):
    jobs = renderer.plan_jobs(board)[:2]
    expected = renderer.render(jobs)
    calls = []
    real_call = renderer._call

    def flaky(batch):
        calls.append(len(batch))
        if len(batch) > 1:
            raise torch.cuda.OutOfMemoryError("simulated")
        return real_call(batch)

    monkeypatch.setattr(renderer, "_call", flaky)
    assert_close(renderer.render(jobs), expected)
    assert calls == [2, 1, 1] and renderer.batch_size == 1


def test_missing_registry_model_is_a_clear_offline_error(monkeypatch, tmp_path):
    from render.models import resolve_model

    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError, match="taiyi.*not in the Hugging Face cache.*huiben models pull taiyi"):
        resolve_model("taiyi")
    with pytest.raises(UserError, match="unknown model"):
        resolve_model("no-such-model")
    with pytest.raises(UserError, match="model_index.json"):
        resolve_model(str(tmp_path))


def test_flagged_pages_are_redrawn_with_the_next_seed_and_recorded(renderer, board, monkeypatch):
    jobs = renderer.plan_jobs(board)[:2]
    seen_seeds = []
    real = renderer._generate

    def checker(pipe, batch, seeds, kwargs):
        seen_seeds.append(list(seeds))
        images = real(pipe, batch, seeds, kwargs)
        # The "safety checker" flags page 1 the first time only.
        return [(im, len(seen_seeds) == 1 and j.page == 1) for (im, _), j in zip(images, batch)]

    monkeypatch.setattr(renderer, "_generate", checker)
    renderer.flagged.clear()
    images = renderer.render(jobs)
    assert len(images) == 2
    assert seen_seeds[0] == [jobs[0].seed, jobs[1].seed]
    assert seen_seeds[1] == [(jobs[0].seed + 7919) % 2**32]  # only the flagged page, with the next seed
    assert renderer.flagged == {jobs[0].key(): 1}
