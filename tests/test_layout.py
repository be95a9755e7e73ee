import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from conftest import SAMPLES
from layout.book import write_book
from layout.fonts import register_font
from layout.linebreak import NO_LINE_END, NO_LINE_START, break_lines
from render.pages import render_pages
from render.preview import PreviewRenderer
from storyboard.build import build_storyboard
from storyboard.sentences import split_sentences
from storyboard.story_text import read_story


def measure_chars(s):
    return float(len(s))  # every glyph one unit wide: easy to reason about


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    text = "他说：“今天天气真好，我们去公园吧！”妈妈笑了。「好啊，」爸爸说，「带上（小）风筝。」"
    for width in range(4, 16):
        lines = break_lines(text, width, measure_chars)
        assert "".join(lines) == text
        for line in lines[1:]:
            assert line[0] not in NO_LINE_START, (width, lines)
        for line in lines[:-1]:
            assert line[-1] not in NO_LINE_END, (width, lines)


def test_latin_words_and_numbers_are_not_split():
    lines = break_lines("小明买了2026个apple和banana。", 6, measure_chars)
    assert any("2026" in line for line in lines)
    assert any("apple" in line for line in lines) and any("banana" in line for line in lines)


def test_lines_fit_the_measured_width(font_path):
    font = register_font(font_path)
    text = read_story(SAMPLES / "kite_day.txt").body.replace("\n", "")
    width = 300.0
    lines = break_lines(text, width, lambda s: stringWidth(s, font, 16))
    # A carried-down or hanging mark may exceed by at most one glyph (16 pt).
    assert all(stringWidth(line, font, 16) <= width + 16 for line in lines)


@pytest.fixture(scope="module")
def book(tmp_path_factory, font_path):
    tmp = tmp_path_factory.mktemp("book")
    board = build_storyboard(read_story(SAMPLES / "lantern_festival.big5.txt"))
    renderer = PreviewRenderer(str(font_path))
    pictures = render_pages(renderer, renderer.plan_jobs(board), tmp / "renders")
    pdf = tmp / "book.pdf"
    write_book(board, pictures, pdf, font_path)
    return board, pdf


def test_pdf_has_cover_one_page_per_scene_and_an_end_page(book):
    board, pdf = book
    reader = PdfReader(pdf)
    assert len(reader.pages) == len(board.scenes) + 2
    assert reader.metadata.title == board.title


def test_pdf_embeds_only_the_cjk_truetype_font(book):
    _, pdf = book
    reader = PdfReader(pdf)
    fonts = {}
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            fonts[f["/BaseFont"]] = f
    assert fonts, "no fonts on the pages"
    for name, f in fonts.items():
        descriptor = f["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} is not an embedded TrueType font"
        assert "+" in name  # subset prefix: only the used glyphs are embedded


def test_pdf_text_contains_every_sentence(book):
    board, pdf = book
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = "".join(text.split())
    assert board.title in flat
    for scene in board.scenes:
        for sentence in split_sentences(scene.text):
            assert "".join(sentence.split()) in flat, sentence


def test_same_book_gives_the_same_pdf_bytes(book, tmp_path, font_path):
    board, pdf = book
    pictures = sorted((pdf.parent / "renders").glob("*.png"))
    order = {p.stem: p for p in pictures}
    jobs = PreviewRenderer(str(font_path)).plan_jobs(board)
    again = tmp_path / "again.pdf"
    write_book(board, [order[j.key()] for j in jobs], again, font_path)
    assert again.read_bytes() == pdf.read_bytes()
