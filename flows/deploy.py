"""Register huiben's deployments on a Prefect work pool, for process workers on GPU machines."""

from __future__ import annotations

from pathlib import Path

from flows.illustrate import RenderSettings
from layout.options import BookOptions
from storyboard.build import StoryboardOptions

REPO = Path(__file__).resolve().parent.parent  # every worker machine has the code at this path


def ensure_pool(name: str) -> str:
    """Create the process work pool `name` unless it exists; return what was done."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists

    with get_client(sync_client=True) as client:
        try:
            client.create_work_pool(WorkPoolCreate(name=name, type="process"))
            return f"work pool {name}: created (type process)"
        except ObjectAlreadyExists:
            return f"work pool {name}: exists"


def deploy_books(
    pool: str, settings: RenderSettings, options: StoryboardOptions, font: str | None, book: BookOptions,
    bundle: bool, inbox: Path | None = None, outbox: Path | None = None, cron: str | None = None,
) -> list[str]:
    """Deploy illustrate-story/book (and illustrate-batch/dispatch with an inbox) on `pool`; return report lines."""
    from prefect import Flow

    lines = [ensure_pool(pool)]
    book_flow = Flow.from_source(source=str(REPO), entrypoint="flows/illustrate.py:illustrate_story")
    book_id = book_flow.deploy(
        name="book", work_pool_name=pool, build=False, push=False, print_next_steps=False,
        parameters={"settings": settings.model_dump(), "options": options.model_dump(), "font": font,
                    "book": book.model_dump(), "bundle": bundle},
    )
    lines.append(f"deployment illustrate-story/book: {book_id}")
    if inbox is not None and outbox is not None:
        batch_flow = Flow.from_source(source=str(REPO), entrypoint="flows/batch.py:illustrate_batch")
        batch_id = batch_flow.deploy(
            name="dispatch", work_pool_name=pool, build=False, push=False, print_next_steps=False, cron=cron,
            parameters={"inbox": str(inbox.resolve()), "outbox": str(outbox.resolve()), "settings": settings.model_dump(),
                        "options": options.model_dump(), "font": font, "book": book.model_dump(),
                        "bundle": bundle, "dispatch": True},
        )
        lines.append(f"deployment illustrate-batch/dispatch: {batch_id}" + (f" (cron {cron})" if cron else ""))
    lines.append(f"start one worker per GPU: prefect worker start --pool {pool} --limit 1")
    return lines
