"""``motcua catalogue import`` refuses a damaged workbook and text with control characters:
a message naming the cause and its place, exit status 2, and nothing changed (issue 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.procedures.interchange import export_catalogue_xlsx
from motcua.procedures.services import import_catalogue
from motcua.procedures.tests.catalogue_sample import catalogue_snapshot, sample_document
from motcua.procedures.tests.test_admin import _change_form, _change_url
from motcua.procedures.tests.test_same_day import same_day_version  # noqa: F401

pytestmark = pytest.mark.django_db


def _import(path) -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("catalogue", "import", str(path), stdout=StringIO(), stderr=err)
    return refused.value, err.getvalue()


def _damaged_copy(source, target, member: str) -> None:
    """``source`` with the XML of ``member`` cut in half and ended with garbage."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == member:
                data = data[: len(data) // 2] + b"<<<not xml"
            copy.writestr(item, data)


@pytest.fixture
def catalogue_changed(agencies, tmp_path):
    """The sample in the database, and a workbook of it with a changed name: importing the
    workbook would change the database."""
    import_catalogue(sample_document())
    document = sample_document()
    document["fields"][0]["name"] = "Hộ tịch (đổi tên)"
    import_catalogue(document)
    path = tmp_path / "catalogue.xlsx"
    export_catalogue_xlsx(path)
    import_catalogue(sample_document())
    return path


@pytest.mark.parametrize(
    ("member", "sheet"),
    [("xl/worksheets/sheet1.xml", "fields"), ("xl/worksheets/sheet6.xml", "process")],
)
def test_a_workbook_with_a_broken_sheet(catalogue_changed, tmp_path, member, sheet):
    broken = tmp_path / "broken.xlsx"
    _damaged_copy(catalogue_changed, broken, member)
    before = catalogue_snapshot()

    error, stderr = _import(broken)

    assert error.returncode == 2
    assert str(broken) in str(error)
    assert f"sheet {sheet}: : The sheet cannot be read, its XML is damaged" in stderr
    assert catalogue_snapshot() == before


def test_a_workbook_with_a_broken_workbook_part(catalogue_changed, tmp_path):
    broken = tmp_path / "broken.xlsx"
    _damaged_copy(catalogue_changed, broken, "xl/workbook.xml")
    before = catalogue_snapshot()

    error, stderr = _import(broken)

    assert error.returncode == 2
    assert "Not an Excel workbook (.xlsx)" in stderr
    assert catalogue_snapshot() == before


def test_the_console_command_on_a_broken_sheet(tmp_path):
    environment = {
        **os.environ,
        "MOTCUA_DATA_DIR": str(tmp_path),
        "MOTCUA_DATABASE_URL": "",
        "MOTCUA_LOG_LEVEL": "WARNING",
        "LANGUAGE": "en",
    }
    command = [sys.executable, "-m", "motcua"]
    subprocess.run([*command, "migrate", "-v0"], env=environment, check=True)  # noqa: S603
    workbook = tmp_path / "catalogue.xlsx"
    subprocess.run(  # noqa: S603
        [*command, "catalogue", "export", str(workbook)], env=environment, check=True
    )
    broken = tmp_path / "broken.xlsx"
    _damaged_copy(workbook, broken, "xl/worksheets/sheet1.xml")

    result = subprocess.run(  # noqa: S603
        [*command, "catalogue", "import", str(broken)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "fields" in result.stderr
    assert str(broken) in result.stderr


@pytest.mark.parametrize(
    ("character", "code"),
    [
        ("\x00", "U+0000"),  # NUL: PostgreSQL cannot store it
        ("\x07", "U+0007"),  # BEL
        ("\x1b", "U+001B"),  # ESC
        ("\x7f", "U+007F"),  # DEL
        ("\x85", "U+0085"),  # C1 next line
        ("\x9b", "U+009B"),  # C1 control sequence introducer
        ("\u202a", "U+202A"),
        ("\u202e", "U+202E"),  # right-to-left override
        ("\u2066", "U+2066"),
        ("\u2069", "U+2069"),
    ],
)
def test_control_characters_in_a_json_name_are_refused(
    agencies, tmp_path, character, code
):
    import_catalogue(sample_document())
    document = sample_document()
    document["fields"][0]["name"] = f"Hộ{character} tịch"
    path = tmp_path / "catalogue.json"
    # as the JSON escape \u0000, the way the file of the issue wrote it
    path.write_text(json.dumps(document), encoding="utf-8")
    before = catalogue_snapshot()

    error, stderr = _import(path)

    assert error.returncode == 2
    assert stderr.splitlines() == [
        f"fields[0].name: name: Control character {code} at position 3 is not "
        "allowed in text."
    ]
    assert catalogue_snapshot() == before


def test_control_characters_anywhere_in_the_catalogue_are_refused(agencies, tmp_path):
    document = sample_document()
    version = document["procedures"][0]["versions"][0]
    version["sequence_of_steps"] = "Bước 1\x1b[31m"
    version["agencies"] = [version["agencies"][0] + "\u202e"]
    version["process"][0]["name"] = "Tiếp nhận\x00"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    error, stderr = _import(path)

    assert error.returncode == 2
    assert [line.split(": ")[0] for line in stderr.splitlines()] == [
        "procedures[0].versions[0].agencies",
        "procedures[0].versions[0].sequence_of_steps",
        "procedures[0].versions[0].process[0].name",
    ]
    assert catalogue_snapshot()["procedures_procedure"] == []


def test_tabs_and_line_feeds_are_text(agencies):
    document = sample_document()
    document["procedures"][0]["versions"][0]["sequence_of_steps"] = (
        "Bước 1:\tnộp.\nBước 2"
    )
    import_catalogue(document)


def test_windows_line_endings_are_text(agencies):
    """What a browser's text area (the admin) and an Excel cell send: CRLF. The same rule
    as the API's (``core.text.CONTROL_CHARACTERS``)."""
    document = sample_document()
    document["procedures"][0]["versions"][0]["sequence_of_steps"] = (
        "Bước 1: nộp.\r\nBước 2: nhận kết quả."
    )
    import_catalogue(document)


def test_the_admin_refuses_a_control_character(admin_client, same_day_version):  # noqa: F811
    response = admin_client.post(
        _change_url(same_day_version),
        _change_form(same_day_version, budgets=["1"], name="Khai sinh\u202e"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["name"]
    assert errors == ["Control character U+202E at position 10 is not allowed in text."]
