"""Prefect orchestration with real parts: batches, a killed build that resumes, concurrent builds."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture()
def inbox(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    for name in ("kite_day.txt", "moon_boat.gb18030.txt", "hedgehog_friends.txt"):
        shutil.copy(SAMPLES / name, box / name)
    (box / "broken.txt").write_bytes(b"")
    return box


def snapshot(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and p.name != ".huiben.lock"}


def test_batch_builds_each_book_skips_unchanged_and_isolates_failures(prefect_harness, inbox, tmp_path, font_path, monkeypatch):
    import flows.illustrate as illustrate
    from flows.batch import illustrate_batch

    calls = []
    real = illustrate.get_renderer
    monkeypatch.setattr(illustrate, "get_renderer", lambda *a, **k: calls.append(a) or real(*a, **k))
    outbox = tmp_path / "outbox"
    first = illustrate_batch(str(inbox), str(outbox), font=str(font_path))
    assert {r.book: r.status for r in first.rows} == {
        "broken.txt": "failed", "hedgehog_friends.txt": "built", "kite_day.txt": "built", "moon_boat.gb18030.txt": "built",
    }
    assert "empty" in next(r.message for r in first.rows if r.book == "broken.txt")
    assert len(calls) == 3 and len(list(outbox.glob("*/book.pdf"))) == 3

    before = snapshot(outbox)
    calls.clear()
    second = illustrate_batch(str(inbox), str(outbox), font=str(font_path))
    assert [r.status for r in second.rows].count("unchanged") == 3 and second.failed == ["broken.txt"]
    assert calls == [] and snapshot(outbox) == before  # no renderer, no file touched

    (inbox / "kite_day.txt").write_text((SAMPLES / "kite_day.txt").read_text(encoding="utf-8") + "\n完。\n", encoding="utf-8")
    third = illustrate_batch(str(inbox), str(outbox), font=str(font_path))
    assert {r.book: r.status for r in third.rows}["kite_day.txt"] == "built" and len(calls) == 1


def _harness_env(tmp_path) -> dict[str, str]:
    """Return an environment for child processes that reports to the test session's Prefect server."""
    from prefect.settings import PREFECT_API_URL

    return {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "HUIBEN_HOME": str(tmp_path / "home")}


def test_killed_build_resumes_with_only_missing_pages(prefect_harness, tmp_path, font_path):
    pytest.importorskip("diffusers")
    from pypdf import PdfReader

    from tiny_models import build_tiny_taiyi

    model = build_tiny_taiyi(tmp_path / "model")
    args = [sys.executable, "-m", "flows.cli", "build", str(SAMPLES / "kite_day.txt"), "--renderer", "diffusion",
            "--model", str(model), "--steps", "40", "--width", "64", "--height", "64", "--ip-adapter", "none"]
    env = _harness_env(tmp_path)
    book = tmp_path / "book"
    proc = subprocess.Popen([*args, "--out", str(book)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while len(list((book / "renders").glob("*.png"))) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    survived = {p.name for p in (book / "renders").glob("*.png")}
    assert 2 <= len(survived) < 7, "the kill must land in the middle of rendering"
    assert not (book / "book.pdf").exists() and not list(book.rglob("*.part"))

    mtimes = {p.name: p.stat().st_mtime_ns for p in (book / "renders").glob("*.png")}
    subprocess.run([*args, "--out", str(book)], env=env, check=True, capture_output=True, timeout=300)
    after = {p.name: p.stat().st_mtime_ns for p in (book / "renders").glob("*.png")}
    assert all(after[n] == mtimes[n] for n in survived)  # finished pages were not drawn again
    assert len(after) == 7

    whole = tmp_path / "whole"
    subprocess.run([*args, "--out", str(whole)], env=env, check=True, capture_output=True, timeout=300)
    resumed = [p.read_bytes() for p in sorted((book / "pages").glob("*.png"))]
    straight = [p.read_bytes() for p in sorted((whole / "pages").glob("*.png"))]
    assert resumed == straight
    assert len(PdfReader(book / "book.pdf").pages) == len(PdfReader(whole / "book.pdf").pages)


def test_two_builds_into_one_folder_take_turns(prefect_harness, tmp_path, font_path):
    from pypdf import PdfReader

    env = _harness_env(tmp_path)
    book = tmp_path / "book"
    cmd = [sys.executable, "-m", "flows.cli", "build", str(SAMPLES / "hedgehog_friends.txt"), "--out", str(book)]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    messages = " ".join(err for _, err in outs)
    assert "up to date" in messages  # the second found the first's finished book
    assert len(PdfReader(book / "book.pdf").pages) >= 8  # cover + 7 story pages (+ end page)
    assert sorted(p.name for p in (book / "pictures").glob("*.png")) == [f"{i:02d}.png" for i in range(1, 8)]
