"""The Prefect flow end to end on a sample, under prefect_test_harness (one server per session)."""

import json

import pytest
from pypdf import PdfReader

from conftest import SAMPLES
from storyboard.storyboard_file import load_storyboard, save_storyboard
from storyboard.sentences import split_sentences
from storyboard.story_text import read_story

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(prefect_harness, tmp_path_factory, font_path):
    from flows.illustrate import illustrate_story

    out = tmp_path_factory.mktemp("book")
    result = illustrate_story(source=str(SAMPLES / "kite_day.txt"), out_dir=str(out), font=str(font_path))
    return result, out


def test_book_folder_has_every_output(built):
    result, out = built
    board = load_storyboard(out / "storyboard.yaml")
    assert (out / "book.pdf").is_file()
    pictures = sorted((out / "pictures").glob("*.png"))
    assert [p.name for p in pictures] == [f"{i:02d}.png" for i in range(1, len(board.scenes) + 1)]
    pages = sorted((out / "pages").glob("*.png"))  # every PDF page as an image: cover, story, end
    assert len(pages) == len(board.scenes) + 2 and (out / "contact.png").is_file()
    assert not list(out.rglob("*.part"))  # no temp file left behind
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["renderer"] == "preview" and manifest["book_seed"] == board.seed
    assert manifest["source_sha256"] == read_story(SAMPLES / "kite_day.txt").sha256
    assert [p["file"] for p in manifest["pages"]] == [f"pictures/{p.name}" for p in pictures]
    assert manifest["print_pages"] == [f"pages/{p.name}" for p in pages]
    assert [p["pdf_pages"] for p in manifest["pages"]] == [[i + 1] for i in range(1, len(board.scenes) + 1)]
    assert {"storyboard", "render", "layout"} <= set(manifest["timings_s"])
    assert "prefect" in manifest["versions"] and "reportlab" in manifest["versions"]


def test_pdf_pages_fonts_and_text(built):
    result, out = built
    board = load_storyboard(out / "storyboard.yaml")
    reader = PdfReader(out / "book.pdf")
    assert len(reader.pages) == len(board.scenes) + 2  # cover, story pages, end page
    fonts = {f.get_object()["/BaseFont"] for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and all("WenKai" in f or "Hei" in f or "Kai" in f or "Ming" in f for f in fonts), fonts
    flat = "".join("".join(p.extract_text() for p in reader.pages).split())
    story = read_story(SAMPLES / "kite_day.txt")
    sentences = split_sentences(story.body)
    assert len(sentences) > 10
    for sentence in sentences:
        assert "".join(sentence.split()) in flat, sentence


def test_rerun_renders_nothing_and_edit_rerenders_one_page(built, font_path):
    from flows.illustrate import illustrate_story

    result, out = built
    renders = {p: p.stat().st_mtime_ns for p in (out / "renders").glob("*.png")}
    illustrate_story(source=str(SAMPLES / "kite_day.txt"), out_dir=str(out), font=str(font_path))
    assert {p: p.stat().st_mtime_ns for p in (out / "renders").glob("*.png")} == renders

    board = load_storyboard(out / "storyboard.yaml")
    board.scenes[0].text = board.scenes[0].text.replace("红鲤鱼", "金鱼")
    edited = save_storyboard(board, out.parent / "edited.yaml")
    illustrate_story(source=str(edited), out_dir=str(out), font=str(font_path))
    new = set((out / "renders").glob("*.png")) - set(renders)
    assert len(new) == 1  # only the edited page was drawn again
    assert "金鱼" in "".join(PdfReader(out / "book.pdf").pages[1].extract_text().split())


def test_flow_with_diffusion_renderer_and_references_on_tiny_models(prefect_harness, tmp_path, font_path):
    pytest.importorskip("diffusers")
    from flows.illustrate import RenderSettings, illustrate_story
    from tiny_models import build_tiny_ip_adapter, build_tiny_taiyi

    model = build_tiny_taiyi(tmp_path / "tiny-taiyi")
    adapter = build_tiny_ip_adapter(tmp_path / "tiny-adapter")
    settings = RenderSettings(renderer="diffusion", model=str(model), steps=2, width=64, height=64,
                              ip_adapter=str(adapter))
    book = tmp_path / "book"
    result = illustrate_story(source=str(SAMPLES / "moon_boat.gb18030.txt"), out_dir=str(book),
                              settings=settings, font=str(font_path))
    manifest = json.loads((book / "manifest.json").read_text(encoding="utf-8"))
    board = load_storyboard(book / "storyboard.yaml")
    assert manifest["renderer"] == "diffusion" and manifest["model"] == str(model)
    assert set(manifest["references"]) == {c.name for c in board.characters}
    assert len(list((book / "references").glob("*.safetensors"))) == len(board.characters)
    assert len(PdfReader(result.pdf).pages) == len(result.pages) + 2
    # portraits + pages, each rendered once; a re-run renders nothing
    renders = {p: p.stat().st_mtime_ns for p in (book / "renders").glob("*.png")}
    assert len(renders) == len(board.characters) + len(board.scenes)
    illustrate_story(source=str(SAMPLES / "moon_boat.gb18030.txt"), out_dir=str(book), settings=settings,
                     font=str(font_path))
    assert {p: p.stat().st_mtime_ns for p in (book / "renders").glob("*.png")} == renders
