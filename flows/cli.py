"""The `huiben` command line: a thin layer over the library and the Prefect flow."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from storyboard.errors import UserError
from storyboard.files import slugify

EXIT_USER_ERROR = 2


class HuibenGroup(click.Group):
    """A click group that turns UserError into one line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as e:
            click.echo(f"huiben: error: {e}", err=True)
            ctx.exit(EXIT_USER_ERROR)


@click.group(cls=HuibenGroup)
@click.version_option(package_name="huiben")
def cli() -> None:
    """huiben (绘本): illustrate Chinese stories into picture books.

    \b
    Quick start:
      huiben build samples/kite_day.txt --renderer preview --out out/kite
    Defaults for any option (pages: 12, style: crayon, …) can be set in
    $HUIBEN_HOME/config.yaml (default ~/.huiben/config.yaml).
    """


def storyboard_options(command):
    """Add the options that decide the storyboard (shared by `storyboard` and `build`)."""
    options = [
        click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=None, help="Book seed; same seed, same pictures."),
        click.option("--style", default="watercolor", show_default=True, help="Style preset: watercolor, crayon, ink, flat."),
        click.option("--pages", type=click.IntRange(1, 1000), default=None, help="Fit the story to this many pages."),
        click.option("--max-page-chars", type=click.IntRange(20, 2000), default=160, show_default=True,
                     help="Most story characters on one page."),
        click.option("--max-pages", type=click.IntRange(1, 100000), default=200, show_default=True,
                     help="Refuse books longer than this."),
        click.option("--cast", type=click.Path(path_type=Path), default=None,
                     help="Cast file (YAML): names, aliases, looks, seeds, reference images."),
        click.option("--encoding", default=None, help="Force the story's encoding (default: detected)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_options(seed, style, pages, max_page_chars, max_pages, cast, encoding):
    """Return StoryboardOptions from the shared CLI options."""
    from storyboard.build import StoryboardOptions

    return StoryboardOptions(seed=seed, style=style, pages=pages, max_page_chars=max_page_chars,
                             max_pages=max_pages, cast=str(cast) if cast else None, encoding=encoding)


@cli.command()
@click.argument("story", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file (.yaml/.json) instead of stdout.")
@storyboard_options
def storyboard(story: Path, fmt: str, output: Path | None, **options) -> None:
    """Print the storyboard of STORY (scenes, characters, prompts).

    \b
    Example:
      huiben storyboard samples/kite_day.txt --format json
      huiben storyboard samples/kite_day.txt -o kite.yaml   # edit, then: huiben build kite.yaml
    """
    from storyboard.build import build_from_story, load_or_build_storyboard
    from storyboard.story_text import read_story
    from storyboard.storyboard_file import dump_storyboard, is_storyboard_path, save_storyboard

    opts = make_options(**options)
    if is_storyboard_path(story):
        board = load_or_build_storyboard(story, opts)
    else:
        text = read_story(story, opts.encoding)
        warn(text.notes)
        board = build_from_story(text, opts)
    if output:
        save_storyboard(board, output)
        click.echo(f"wrote {output} ({len(board.scenes)} scenes, {len(board.characters)} characters)", err=True)
    else:
        click.echo(dump_storyboard(board, fmt), nl=False)


def render_options(command):
    """Add the options that decide how pictures are made (shared by build, batch, serve, deploy)."""
    options = [
        click.option("--renderer", type=click.Choice(["preview", "diffusion"]), default="preview", show_default=True),
        click.option("--model", default="", help="Diffusion model: a registry name (taiyi, kolors…) or a local folder."),
        click.option("--steps", type=click.IntRange(1, 200), default=None, help="Diffusion steps (default: the model's)."),
        click.option("--width", type=click.IntRange(64, 2048), default=None, help="Picture width in pixels, a multiple of 8."),
        click.option("--height", type=click.IntRange(64, 2048), default=None, help="Picture height in pixels, a multiple of 8."),
        click.option("--precision", type=click.Choice(["auto", "fp16", "bf16", "fp32"]), default="auto",
                     show_default=True, help="Diffusion precision (auto: fp16 on GPUs, fp32 on CPUs)."),
        click.option("--ip-adapter", default="",
                     help="Reference-image adapter: a local folder, 'none', or (default) the model's own."),
        click.option("--ip-scale", type=click.FloatRange(0, 2), default=0.6, show_default=True,
                     help="How strongly pages follow the character reference portraits."),
        click.option("--low-memory", is_flag=True, help="Small GPUs: attention slicing, VAE tiling, CPU offload."),
        click.option("--font", default=None, help="CJK TrueType font file (default: $HUIBEN_FONT, then fontconfig)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def book_options(command):
    """Add the options that decide the PDF's layout (shared by build, batch, serve, deploy)."""
    options = [
        click.option("--page-size", type=click.Choice(["square210", "a4", "a4-landscape", "a5", "a5-landscape", "8x8in"]),
                     default="square210", show_default=True, help="Trim size of the book."),
        click.option("--template", type=click.Choice(["picture-above", "full-bleed", "spread"]), default="picture-above",
                     show_default=True, help="Page template (a scene's `layout:` in the storyboard overrides it)."),
        click.option("--bleed", type=click.FloatRange(0, 10), default=0.0, help="Bleed in mm for print (printers ask for 3)."),
        click.option("--crop-marks", is_flag=True, help="Draw crop marks (use with --bleed)."),
        click.option("--pinyin", is_flag=True, help="Tone-marked pinyin above every Chinese character."),
        click.option("--level", type=click.Choice(["grade1-2", "grade3-4", "grade5-6"]), default="grade1-2",
                     show_default=True, help="Reading level: type size, leading, line length."),
        click.option("--image-format", type=click.Choice(["png", "jpeg"]), default="png", show_default=True,
                     help="Pictures in the PDF: lossless PNG or smaller JPEG."),
        click.option("--author", default="", help="Author line on the cover."),
        click.option("--series", default="", help="Series line on the cover."),
        click.option("--fallback-font", default=None, help="TrueType font for characters the main font lacks."),
        click.option("--zip", "bundle", is_flag=True, help="Also write book.zip with the whole book folder."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def make_book(page_size, template, bleed, crop_marks, pinyin, level, image_format, author, series, fallback_font):
    """Return BookOptions from the shared layout options."""
    from layout.options import BookOptions

    return BookOptions(page_size=page_size, template=template, bleed_mm=bleed, crop_marks=crop_marks, pinyin=pinyin,
                       level=level, image_format=image_format, author=author, series=series, fallback_font=fallback_font)


def make_settings(renderer, model, steps, width, height, precision, ip_adapter, ip_scale, low_memory):
    """Return RenderSettings after checking what can be checked before Prefect starts."""
    for side in (width, height):
        if side is not None and side % 8:
            raise UserError(f"--width/--height must be multiples of 8 (got {side})")
    if renderer == "diffusion":
        from render.models import resolve_adapter, resolve_model

        spec, _, _ = resolve_model(model)  # offline and missing: exit 2 now, not after Prefect's start-up
        resolve_adapter(spec, ip_adapter)
    configure_prefect()
    from flows.illustrate import RenderSettings

    return RenderSettings(renderer=renderer, model=model, steps=steps, width=width, height=height,
                          precision=precision, ip_adapter=ip_adapter, ip_scale=ip_scale, low_memory=low_memory)


def split_options(options: dict) -> tuple[dict, dict, str | None, object, bool]:
    """Return (render options, storyboard options, font, BookOptions, zip?) from a command's keyword arguments."""
    render_keys = ("renderer", "model", "steps", "width", "height", "precision", "ip_adapter", "ip_scale", "low_memory")
    book_keys = ("page_size", "template", "bleed", "crop_marks", "pinyin", "level", "image_format", "author", "series",
                 "fallback_font")
    render = {k: options.pop(k) for k in render_keys}
    book = make_book(**{k: options.pop(k) for k in book_keys})
    bundle = options.pop("bundle")
    return render, options, options.pop("font"), book, bundle


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None, help="Book folder (default: out/<story name>).")
@render_options
@book_options
@storyboard_options
def build(source: Path, out_dir: Path | None, **options) -> None:
    """Build SOURCE (a story .txt or an edited storyboard .yaml) into a picture book.

    \b
    Writes OUT/book.pdf, OUT/pages/NN.png, OUT/storyboard.yaml and OUT/manifest.json.
    An unchanged book is not built again; a second build into the same folder waits its turn.
    Example:
      huiben build samples/hedgehog_friends.txt --renderer preview --out out/hedgehog
    """
    started = time.perf_counter()
    render, story_options, font, book, bundle = split_options(options)
    opts = make_options(**story_options)
    check_source(source, opts)
    from layout.fonts import find_cjk_font

    font_path = find_cjk_font(font)  # before Prefect starts: a missing font costs no server start-up
    out_dir = out_dir or Path("out") / slugify(source.stem)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: exists and is not a folder; choose another --out")
    settings = make_settings(**render)
    from flows.illustrate import illustrate_story

    result = illustrate_story(source=str(source), out_dir=str(out_dir), settings=settings, options=opts,
                              font=str(font_path), book=book, bundle=bundle)
    state = "up to date" if result.skipped else f"{len(result.pages)} story pages"
    click.echo(f"book: {result.pdf} ({state}) in {time.perf_counter() - started:.1f} s", err=True)


@cli.command()
@click.argument("inbox", type=click.Path(path_type=Path))
@click.option("--out", "outbox", type=click.Path(path_type=Path), required=True, help="Folder for the books.")
@render_options
@book_options
@storyboard_options
def batch(inbox: Path, outbox: Path, **options) -> None:
    """Build every story file in INBOX into its own book folder in OUT.

    \b
    Unchanged books are skipped (their files are left untouched); a broken story fails alone
    and the command exits with status 1 after building the others. The model loads once.
    Example:
      huiben batch stories/ --out books/ --renderer diffusion --model taiyi
    """
    render, story_options, font, book, bundle = split_options(options)
    opts = make_options(**story_options)
    from flows.batch import find_stories
    from layout.fonts import find_cjk_font

    find_stories(inbox)  # a wrong folder fails now
    font_path = find_cjk_font(font)
    settings = make_settings(**render)
    from flows.batch import illustrate_batch

    result = illustrate_batch(str(inbox), str(outbox), settings, opts, str(font_path), book, bundle)
    click.echo(summary_table(result.rows), err=True)
    if result.failed:
        click.echo(f"huiben: {len(result.failed)} of {len(result.rows)} stories failed: {', '.join(result.failed)}", err=True)
        sys.exit(1)


def summary_table(rows) -> str:
    """Return the batch summary as an aligned text table (book, pages, status, time)."""
    lines = [f"{'book':<32} {'pages':>5}  {'status':<9} {'time':>7}"]
    for r in rows:
        lines.append(f"{r.book[:32]:<32} {r.pages:>5}  {r.status:<9} {r.seconds:>6.1f}s" + (f"  {r.message}" if r.message else ""))
    return "\n".join(lines)


@cli.command()
@click.argument("inbox", type=click.Path(path_type=Path))
@click.option("--out", "outbox", type=click.Path(path_type=Path), required=True, help="Folder for the books.")
@click.option("--cron", default="0 2 * * *", show_default=True, help="When to run (cron, server time zone).")
@click.option("--name", default="nightly", show_default=True, help="Deployment name.")
@render_options
@book_options
@storyboard_options
def serve(inbox: Path, outbox: Path, cron: str, name: str, **options) -> None:
    """Serve a scheduled batch deployment (illustrate-batch/NAME) against a Prefect server.

    \b
    Runs until stopped; every CRON tick builds the changed stories of INBOX into OUT.
    Example:
      prefect server start &                       # the UI at http://127.0.0.1:4200
      export PREFECT_API_URL=http://127.0.0.1:4200/api
      huiben serve stories/ --out books/ --cron "0 2 * * *"
      prefect deployment run illustrate-batch/nightly   # a run now, by hand
    """
    render, story_options, font, book, bundle = split_options(options)
    opts = make_options(**story_options)
    from layout.fonts import find_cjk_font

    font_path = find_cjk_font(font)
    settings = make_settings(**render)
    require_server()
    from flows.batch import find_stories, illustrate_batch

    find_stories(inbox)
    params = {"inbox": str(inbox.resolve()), "outbox": str(outbox.resolve()), "settings": settings.model_dump(),
              "options": opts.model_dump(), "font": str(font_path), "book": book.model_dump(), "bundle": bundle}
    illustrate_batch.serve(name=name, cron=cron, parameters=params, pause_on_shutdown=False)


@cli.command()
@click.option("--pool", required=True, help="Work pool (type process) that the GPU workers poll.")
@click.option("--inbox", type=click.Path(path_type=Path), default=None, help="Also deploy a batch over this folder…")
@click.option("--out", "outbox", type=click.Path(path_type=Path), default=None, help="…into this folder.")
@click.option("--cron", default=None, help="Schedule for the batch deployment (cron).")
@render_options
@book_options
@storyboard_options
def deploy(pool: str, inbox: Path | None, outbox: Path | None, cron: str | None, **options) -> None:
    """Register huiben's deployments on a work pool, for workers on several GPU machines.

    \b
    Deploys illustrate-story/book (one book per run) and, with --inbox/--out, illustrate-batch/
    dispatch, which queues one book run per changed story for the pool's workers.
    Every machine needs this repository at the same path and a worker that takes one run at a time:
      prefect worker start --pool gpu --limit 1      # on each GPU machine, one per GPU
    Example:
      huiben deploy --pool gpu --inbox /shared/stories --out /shared/books --cron "0 2 * * *"
    """
    render, story_options, font, book, bundle = split_options(options)
    opts = make_options(**story_options)
    settings = make_settings(**render)
    require_server()
    from flows.deploy import deploy_books

    for line in deploy_books(pool, settings, opts, font, book, bundle, inbox, outbox, cron):
        click.echo(line)


def require_server() -> None:
    """Raise UserError unless PREFECT_API_URL names a Prefect server (schedules need one that stays up)."""
    if not os.environ.get("PREFECT_API_URL"):
        from prefect.settings import PREFECT_API_URL

        if not PREFECT_API_URL.value():
            raise UserError(
                "no Prefect server: start one with `prefect server start` and set "
                "PREFECT_API_URL=http://127.0.0.1:4200/api (see README)"
            )


@cli.group(cls=HuibenGroup, invoke_without_command=True)
@click.pass_context
def models(ctx: click.Context) -> None:
    """List the diffusion models huiben knows and whether each is on this machine.

    \b
    Example:
      huiben models             # registry and local presence
      huiben models pull taiyi  # download on a machine that is online
    """
    if ctx.invoked_subcommand:
        return
    from render.models import ADAPTERS, REGISTRY, resolve_adapter, resolve_model

    for spec in REGISTRY.values():
        try:
            _, path, _ = resolve_model(spec.name)
            where = f"present: {path}"
        except UserError:
            where = "not downloaded"
        click.echo(f"{spec.name:<18} {spec.repo:<55} {spec.width}x{spec.height}  {where}")
        click.echo(f"{'':<18} {spec.note}")
    for name, adapter in ADAPTERS.items():
        owner = next(s for s in REGISTRY.values() if s.ip_adapter == adapter)
        where = "present" if resolve_adapter(owner) else "not downloaded"
        click.echo(f"{name:<18} {adapter.repo:<55} reference embeddings for {owner.name}  {where}")


@models.command()
@click.argument("name")
def pull(name: str) -> None:
    """Download model or adapter NAME into the Hugging Face cache.

    \b
    Example:
      huiben models pull taiyi
      huiben models pull ip-adapter   # reference embeddings for taiyi
    """
    from render.models import ADAPTERS, REGISTRY, adapter_files

    if name in REGISTRY:
        repo, patterns = REGISTRY[name].repo, None
    elif name in ADAPTERS:
        repo, patterns = ADAPTERS[name].repo, adapter_files(ADAPTERS[name])
    else:
        raise UserError(f"unknown model '{name}'; use one of {', '.join([*REGISTRY, *ADAPTERS])}")
    from huggingface_hub import snapshot_download

    try:
        path = snapshot_download(repo, allow_patterns=patterns)
    except Exception as e:  # network, auth, disk: all end the same way for the user
        raise UserError(f"could not download {repo}: {str(e).splitlines()[0]}") from None
    click.echo(f"{name}: {path}")


def check_source(source: Path, options) -> None:
    """Raise UserError now for a bad input, so a typo never waits for Prefect to start."""
    from storyboard.cast_file import load_cast_file
    from storyboard.story_text import read_story
    from storyboard.storyboard_file import is_storyboard_path, load_storyboard

    if is_storyboard_path(source):
        load_storyboard(source)
    else:
        warn(read_story(source, options.encoding).notes)
    if options.cast:
        load_cast_file(options.cast)


def warn(notes: list[str]) -> None:
    """Print each note as one warning line on stderr."""
    for note in notes:
        click.echo(f"huiben: warning: {note}", err=True)


def configure_prefect() -> None:
    """Set quiet, CI-safe Prefect defaults unless the user has set them (see shared/PITFALLS.md)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def config_path() -> Path:
    """Return the user's config file: $HUIBEN_HOME/config.yaml (default ~/.huiben/config.yaml)."""
    return Path(os.environ.get("HUIBEN_HOME", "~/.huiben")).expanduser() / "config.yaml"


def load_config_defaults() -> dict:
    """Return click's default_map from the config file: its keys are option names (pages, style…)."""
    path = config_path()
    if not path.is_file():
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise UserError(f"{path}: cannot read the config file ({str(e).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: the config file must be a mapping such as `pages: 12`")
    data = {k.replace("-", "_"): v for k, v in data.items()}
    return {"build": data, "storyboard": data}


def main() -> None:
    """Entry point of the `huiben` console script."""
    try:
        defaults = load_config_defaults()
    except UserError as e:
        click.echo(f"huiben: error: {e}", err=True)
        sys.exit(EXIT_USER_ERROR)
    cli(prog_name="huiben", default_map=defaults)


if __name__ == "__main__":
    sys.exit(main())
