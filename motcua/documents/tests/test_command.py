"""``motcua register``: writes the workbook; bad input exits 2 naming the argument, writing
nothing."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from motcua.documents.tests.conftest import CENTRE


def run(*args: str) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("register", *args, stdout=out)
    return out.getvalue()


def test_writes_the_register(returned, tmp_path):
    target = tmp_path / "so-theo-doi.xlsx"

    output = run(
        "--agency", CENTRE, "--from", "01/11/2025", "--to", "30/11/2025", str(target)
    )

    assert output.startswith(
        "1 dossier(s) received by Trung tâm Phục vụ hành chính công phường Buôn Ma "
        "Thuột from 01/11/2025 to 30/11/2025:"
    )
    sheet = load_workbook(target).worksheets[0]
    assert sheet.cell(row=6, column=2).value == returned.code
    assert sheet.cell(row=7, column=2).value is None


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--agency", "000.99.99.H15"], "--agency"),
        (["--from", "2025-11-01"], "--from"),
        (["--to", "31/11/2025"], "--to"),
        (["--from", "05/11/2025", "--to", "04/11/2025"], "--to"),
        (["FILE"], "FILE"),
    ],
)
def test_bad_input_names_the_argument(world, tmp_path, args, named):
    options = {"--agency": CENTRE, "--from": "01/11/2025", "--to": "30/11/2025"}
    target = str(tmp_path / "so.xlsx")
    for name, value in zip(args[::2], args[1::2], strict=False):
        options[name] = value
    if args == ["FILE"]:
        target = str(tmp_path / "so.csv")
    flat = [item for pair in options.items() for item in pair]

    with pytest.raises(CommandError) as raised:
        run(*flat, target)

    assert raised.value.returncode == 2
    assert str(raised.value).startswith(named)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_named(world, tmp_path):
    with pytest.raises(CommandError, match=r"^FILE: the folder") as raised:
        run(
            "--agency", CENTRE, "--from", "01/11/2025", "--to", "30/11/2025",
            str(tmp_path / "missing" / "so.xlsx"),
        )  # fmt: skip
    assert raised.value.returncode == 2


def test_shell_exit_code_and_stderr_for_a_bad_date(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_DATABASE_URL"}
    env["MOTCUA_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable, "-m", "motcua", "register", "--agency", CENTRE,
            "--from", "1/13/2025", "--to", "30/11/2025", str(tmp_path / "so.xlsx"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )  # fmt: skip

    assert result.returncode == 2
    assert "--from" in result.stderr
    assert not (tmp_path / "so.xlsx").exists()
