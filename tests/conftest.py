"""Shared fixtures: an isolated PREFECT_HOME, the sample stories, a CJK font."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Before anything imports prefect: a private PREFECT_HOME per test session, so cached task
# results and the SQLite database never leak between runs (shared/PITFALLS.md).
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="huiben-prefect-")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.pop("PREFECT_API_URL", None)

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*.txt"))


@pytest.fixture(scope="session")
def font_path() -> Path:
    """Return the CJK font the build will use (the tests need one, like every user)."""
    from layout.fonts import find_cjk_font

    return find_cjk_font()


@pytest.fixture(scope="session")
def prefect_harness():
    """Start Prefect's test server once per session (about 20 s on this machine)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
