
import pytest
from PIL import Image

from conftest import SAMPLES
from render.pages import encode_png, render_pages
from render.preview import PreviewRenderer
from storyboard.build import build_storyboard
from storyboard.story_text import read_story


@pytest.fixture(scope="module")
def board():
    return build_storyboard(read_story(SAMPLES / "hedgehog_friends.txt"), seed=7)


class CountingPreview(PreviewRenderer):
    """The real preview renderer, counting the jobs it is asked to draw."""

    def __init__(self, font_path):
        super().__init__(font_path)
        self.rendered = []

    def render(self, jobs):
        self.rendered.extend(j.page for j in jobs)
        return super().render(jobs)


def test_preview_is_byte_for_byte_deterministic(board, font_path):
    jobs = PreviewRenderer(str(font_path)).plan_jobs(board)
    first = [encode_png(im) for im in PreviewRenderer(str(font_path)).render(jobs)]
    second = [encode_png(im) for im in PreviewRenderer(str(font_path)).render(jobs)]
    assert first == second
    assert len(set(first)) == len(first)  # every page is its own picture


def test_new_seed_changes_pictures_and_job_keys(font_path):
    story = read_story(SAMPLES / "hedgehog_friends.txt")
    r = PreviewRenderer(str(font_path))
    a = r.plan_jobs(build_storyboard(story, seed=1))
    b = r.plan_jobs(build_storyboard(story, seed=2))
    assert [j.key() for j in a] != [j.key() for j in b]
    assert encode_png(r.render(a[:1])[0]) != encode_png(r.render(b[:1])[0])


def test_preview_is_marked_and_sized(board, font_path):
    job = PreviewRenderer(str(font_path)).plan_jobs(board)[0]
    image = PreviewRenderer(str(font_path)).render([job])[0]
    assert image.size == (job.width, job.height) and image.mode == "RGB"
    # The red PREVIEW banner sits in the bottom-right corner.
    r, g, b = image.getpixel((job.width - 40, job.height - 40))
    assert r > 180 and g < 80 and b < 80


def test_cache_skips_rendered_pages_and_rerenders_edits(tmp_path, board, font_path):
    renderer = CountingPreview(str(font_path))
    jobs = renderer.plan_jobs(board)
    paths = render_pages(renderer, jobs, tmp_path)
    assert renderer.rendered == list(range(1, len(jobs) + 1))
    assert all(Image.open(p).size == (jobs[0].width, jobs[0].height) for p in paths)

    renderer.rendered.clear()
    assert render_pages(renderer, jobs, tmp_path) == paths
    assert renderer.rendered == []  # a finished book re-renders nothing

    edited = board.model_copy(deep=True)
    edited.scenes[2].text = edited.scenes[2].text + "风停了。"
    render_pages(renderer, renderer.plan_jobs(edited), tmp_path)
    assert renderer.rendered == [3]  # only the edited page


def test_progress_reports_every_page(tmp_path, board, font_path):
    seen = []
    renderer = PreviewRenderer(str(font_path))
    render_pages(renderer, renderer.plan_jobs(board), tmp_path, lambda d, t, job, cached: seen.append((d, t, cached)))
    assert [d for d, _, _ in seen] == list(range(1, len(board.scenes) + 1))
    assert not any(c for _, _, c in seen)
