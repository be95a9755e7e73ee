"""Bad input through the real command: exit 2, one line on stderr, no traceback, nothing written."""

import subprocess
import sys

import pytest

from conftest import SAMPLES


def run_huiben(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("missing.txt", None, "no such file"),
        ("empty.txt", b"", "empty"),
        ("blank.txt", "  \n　\n".encode("utf-8"), "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("latin.txt", b"\x80\xff\x80\x81" * 20, "encoding"),
        ("bad.yaml", "title: [\n".encode("utf-8"), "not valid YAML"),
    ],
)
def test_build_rejects_bad_input_cleanly(tmp_path, name, content, words):
    src = tmp_path / name
    if content is not None:
        src.write_bytes(content)
    out = tmp_path / "out"
    result = run_huiben("build", str(src), "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and str(src) in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_directory_instead_of_file(tmp_path):
    result = run_huiben("storyboard", str(tmp_path))
    assert result.returncode == 2 and "is a directory" in result.stderr and "Traceback" not in result.stderr


def test_missing_font_is_a_clear_error(tmp_path):
    fake = tmp_path / "font.ttf"
    fake.write_bytes(b"not a font")
    result = run_huiben("build", str(SAMPLES / "kite_day.txt"), "--font", str(fake), "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert "TrueType" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_unknown_option_is_a_usage_error():
    result = run_huiben("build", str(SAMPLES / "kite_day.txt"), "--renderer", "oil-paint")
    assert result.returncode == 2 and "oil-paint" in result.stderr


def test_offline_missing_model_fails_fast(tmp_path):
    import os
    import time

    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "build", str(SAMPLES / "kite_day.txt"), "--renderer", "diffusion",
         "--out", str(tmp_path / "o")], capture_output=True, text=True, env=env, timeout=120,
    )
    assert result.returncode == 2
    assert "huiben models pull taiyi" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 20  # no retry loop, no Prefect start-up
    assert not (tmp_path / "o").exists()
