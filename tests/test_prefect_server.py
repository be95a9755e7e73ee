"""End to end against a real `prefect server start` on 127.0.0.1: a work pool, two process workers,
a batch of four stories dispatched as book runs. Every book is built exactly once; none is lost."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import SAMPLES

pytestmark = pytest.mark.slow
PREFECT = str(Path(sys.executable).with_name("prefect"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture()
def server(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_API_URL": url,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", "HUIBEN_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: healthy(url), 180, "prefect server start")
        yield url, env
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


def test_two_workers_build_a_dispatched_batch_exactly_once(server, tmp_path):
    url, env = server
    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    inbox.mkdir()
    stories = ["kite_day.txt", "moon_boat.gb18030.txt", "hedgehog_friends.txt", "lantern_festival.big5.txt"]
    for name in stories:
        shutil.copy(SAMPLES / name, inbox / name)

    deployed = subprocess.run([sys.executable, "-m", "flows.cli", "deploy", "--pool", "gpu", "--inbox", str(inbox),
                               "--out", str(outbox)], env=env, capture_output=True, text=True, timeout=180)
    assert deployed.returncode == 0, deployed.stderr
    assert "illustrate-story/book" in deployed.stdout and "illustrate-batch/dispatch" in deployed.stdout

    workers = [subprocess.Popen([PREFECT, "worker", "start", "--pool", "gpu", "--limit", "1", "--name", f"gpu-{i}"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
               for i in range(2)]
    try:
        run = subprocess.run([PREFECT, "deployment", "run", "illustrate-batch/dispatch"], env=env,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        wait_for(lambda: len(list(outbox.glob("*/manifest.json"))) == 4, 400, "four books")
        runs = wait_for(lambda: _book_runs(url, finished=True), 120, "book runs to finish")
    finally:
        for w in workers:
            os.killpg(w.pid, 15)
        for w in workers:
            w.wait(timeout=60)

    assert len(runs) == 4 and all(r.state_type.value == "COMPLETED" for r in runs)
    assert sorted(Path(r.parameters["source"]).name for r in runs) == sorted(stories)  # each exactly once
    for book in outbox.iterdir():
        assert (book / "book.pdf").stat().st_size > 10_000


def _book_runs(url: str, finished: bool):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: url}):
        with get_client(sync_client=True) as client:
            runs = client.read_flow_runs(deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["book"])))
    if finished and any(not r.state or not r.state.is_final() for r in runs):
        return None
    return runs
