"""The ``motcua`` command on a database it cannot use: one line and exit 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "command",
    [
        ["sweep_deadlines"],
        ["dossiers", "export", "out.json"],
        [
            "register",
            "--agency",
            "1",
            "--from",
            "01/01/2026",
            "--to",
            "31/01/2026",
            "r.xlsx",
        ],
    ],
    ids=["sweep", "export", "register"],
)
def test_a_database_never_migrated_is_a_message_and_exit_2(tmp_path, command):
    env = {
        **os.environ,
        "MOTCUA_DATA_DIR": str(tmp_path),
        "MOTCUA_DATABASE_URL": "",
    }
    done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "motcua", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "motcua migrate" in done.stderr
    assert not (tmp_path / command[-1]).exists()
