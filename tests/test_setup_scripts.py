"""scripts/_venv.sh, which scripts/start and scripts/check source: it installs only when the
pinned set or the extras asked for changed, and says so in one line when it does."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "_venv.sh"
# Stands in for the virtual environment's python: records each call instead of running pip.
FAKE_PYTHON = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/../calls"
"""


def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPT, tmp_path / "scripts" / "_venv.sh")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / "requirements.lock").write_text("rich==13.9.4\n")
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "python").write_text(FAKE_PYTHON)
    (venv_bin / "python").chmod(0o755)
    return tmp_path


def pinned_hash(root: Path) -> str:
    text = (root / "pyproject.toml").read_bytes() + (root / "requirements.lock").read_bytes()
    return hashlib.sha256(text).hexdigest()


def setup(root: Path, extras: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f'source scripts/_venv.sh "{extras}"'],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=True,
    )


def pip_calls(root: Path) -> list[str]:
    calls = root / ".venv" / "calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_a_changed_pinned_set_is_installed_again_with_one_line_said(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".venv" / ".installed").write_text("an older pinned set\n")

    done = setup(root, "")

    assert done.stderr.count("\n") == 1
    assert "Setting up .venv" in done.stderr
    assert pip_calls(root)[-1] == "-m pip install -c requirements.lock -e ."
    assert (root / ".venv" / ".installed").read_text().strip() == pinned_hash(root)


def test_nothing_is_installed_when_the_pinned_set_is_in_place(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".venv" / ".installed").write_text(pinned_hash(root) + "\n")

    done = setup(root, "")

    assert done.stderr == ""
    assert pip_calls(root) == []


def test_the_dev_install_serves_the_plain_one_but_not_the_other_way(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".venv" / ".installed-dev").write_text(pinned_hash(root) + "\n")

    assert setup(root, "").stderr == ""  # scripts/start after scripts/check
    assert pip_calls(root) == []

    (root / ".venv" / ".installed-dev").unlink()
    (root / ".venv" / ".installed").write_text(pinned_hash(root) + "\n")
    setup(root, "[dev]")  # scripts/check after scripts/start

    assert pip_calls(root)[-1] == "-m pip install -c requirements.lock -e .[dev]"
