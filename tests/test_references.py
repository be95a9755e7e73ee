"""Character consistency on tiny random weights: reference portraits, IP-Adapter embeddings, inversions."""

import pytest

from conftest import SAMPLES
from storyboard.build import build_storyboard
from storyboard.story_text import read_story

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    from tiny_models import build_tiny_ip_adapter, build_tiny_taiyi

    root = tmp_path_factory.mktemp("tiny")
    return build_tiny_taiyi(root / "taiyi"), build_tiny_ip_adapter(root / "ip-adapter")


@pytest.fixture()
def renderer(models):
    from render.diffusion import DiffusionRenderer

    model, adapter = models
    return DiffusionRenderer(model=str(model), steps=2, width=64, height=64, device="cpu",
                             ip_adapter=str(adapter), ip_scale=1.0)


@pytest.fixture(scope="module")
def board():
    return build_storyboard(read_story(SAMPLES / "hedgehog_friends.txt"), seed=5)


def test_portraits_then_references_then_pages(renderer, board, tmp_path):
    from render.pages import render_pages

    portraits = renderer.plan_portraits(board)
    assert [j.extra["portrait"] for j in portraits] == [c.name for c in board.characters]
    assert all(board.character(j.extra["portrait"]).description in j.prompt for j in portraits)
    paths = render_pages(renderer, portraits, tmp_path / "renders")
    refs = renderer.encode_references({j.extra["portrait"]: p for j, p in zip(portraits, paths)}, tmp_path / "refs")
    assert set(refs) == {c.name for c in board.characters}
    assert all((tmp_path / "refs").glob("*.safetensors"))

    jobs = renderer.plan_jobs(board, refs)
    for scene, job in zip(board.scenes, jobs):
        focal = scene.characters[0] if scene.characters else ""
        assert job.extra["reference"] == focal
        assert job.reference_hash == refs.get(focal, "")


def test_reference_embeddings_change_the_picture(renderer, board, tmp_path):
    """PITFALLS: a failed IP-Adapter load ignores the embeddings silently; show they matter."""
    import numpy as np

    from render.pages import render_pages

    portraits = renderer.plan_portraits(board)[:1]
    name = portraits[0].extra["portrait"]
    path = render_pages(renderer, portraits, tmp_path)[0]
    refs = renderer.encode_references({name: path}, tmp_path / "refs")
    job = next(j for j in renderer.plan_jobs(board, refs) if j.extra["reference"] == name)
    with_ref = np.asarray(renderer.render([job])[0], dtype=int)
    without = np.asarray(renderer.render([job.model_copy(update={"extra": {**job.extra, "ip_scale": 0.0}})])[0], dtype=int)
    assert np.abs(with_ref - without).max() > 10
    # Scale 0 is the plain model: the same as a page whose scene shows nobody.
    plain = job.model_copy(update={"extra": {**job.extra, "reference": "", "ip_scale": 0.0}, "reference_hash": ""})
    assert np.abs(np.asarray(renderer.render([plain])[0], dtype=int) - without).max() <= 3


def test_references_are_encoded_once(renderer, board, tmp_path, monkeypatch):
    import render.diffusion as diffusion
    from render.pages import render_pages

    portraits = renderer.plan_portraits(board)[:2]
    paths = render_pages(renderer, portraits, tmp_path)
    by_name = {j.extra["portrait"]: p for j, p in zip(portraits, paths)}
    calls = []
    real = diffusion.encode_reference
    monkeypatch.setattr(diffusion, "encode_reference", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = renderer.encode_references(by_name, tmp_path / "refs")
    assert len(calls) == 2
    again = diffusion.DiffusionRenderer(model=renderer.spec.repo, steps=2, width=64, height=64, device="cpu",
                                        ip_adapter=str(renderer.adapter[1]))
    assert again.encode_references(by_name, tmp_path / "refs") == first
    assert len(calls) == 2 and again._pipe is None  # reused from disk: the model was not even loaded


def test_textual_inversion_tokens_are_loaded(models, board, tmp_path):
    from safetensors.torch import save_file

    from render.diffusion import DiffusionRenderer

    vector = torch.randn(32)
    save_file({"<ci>": vector}, str(tmp_path / "ci.safetensors"))
    first = board.characters[0]
    edited = board.model_copy(deep=True)
    edited.characters[0] = first.model_copy(update={"embedding": str(tmp_path / "ci.safetensors"), "token": "<ci>"})
    edited.scenes[0].prompt = "<ci> " + edited.scenes[0].prompt
    r = DiffusionRenderer(model=str(models[0]), steps=2, width=64, height=64, device="cpu", ip_adapter="none")
    r.load_inversions(edited)
    pipe = r.pipeline()
    token_id = pipe.tokenizer.convert_tokens_to_ids("<ci>")
    assert token_id != pipe.tokenizer.unk_token_id
    assert torch.allclose(pipe.text_encoder.get_input_embeddings().weight[token_id], vector)
    job = r.plan_jobs(edited)[0]
    assert "<ci>" in job.extra["inversions"]  # the embedding's hash decides the page's file name
    assert r.render([job])[0].size == (64, 64)
