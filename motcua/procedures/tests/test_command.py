"""``motcua catalogue export|import``: files in both formats, errors on stderr, exit status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.procedures.interchange import export_catalogue
from motcua.procedures.models import ProcedureVersion
from motcua.procedures.services import import_catalogue
from motcua.procedures.tests.catalogue_sample import (
    catalogue_snapshot,
    empty_catalogue,
    sample_document,
)

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("catalogue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_to_stdout_is_the_json_document(agencies):
    import_catalogue(sample_document())
    out, _ = _run("export", "-")
    assert json.loads(out) == sample_document()


@pytest.mark.parametrize("extension", ["json", "xlsx"])
def test_export_then_import_into_an_empty_catalogue(agencies, tmp_path, extension):
    # Given the sample exported to a file of each format
    import_catalogue(sample_document())
    path = tmp_path / f"catalogue.{extension}"
    _run("export", str(path))
    empty_catalogue()

    # When the file is imported
    out, err = _run("import", str(path))

    # Then the summary says what was created and the catalogue is the sample again
    assert out.splitlines() == [
        "Fields: 2 created, 0 updated, 0 unchanged",
        "Procedures: 2 created, 0 updated, 0 unchanged",
        "Versions: 3 created, 0 updated, 0 unchanged",
    ]
    assert err == ""
    assert export_catalogue() == sample_document()


def test_format_option_overrides_the_extension(agencies, tmp_path):
    path = tmp_path / "catalogue.txt"
    path.write_text(json.dumps(sample_document()), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        _run("import", str(path))
    assert refused.value.returncode == 2
    assert "--format" in str(refused.value)
    _run("import", str(path), "--format", "json")
    assert ProcedureVersion.objects.count() == 3


def test_a_bad_file_prints_every_problem_and_imports_nothing(agencies, tmp_path):
    # Given a file with two mistakes
    document = sample_document()
    document["procedures"][0]["versions"][0]["online_level"] = "fulll"
    document["procedures"][1]["versions"][0]["agencies"] = ["000.99.99.H15"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    err = StringIO()

    # When it is imported
    with pytest.raises(CommandError) as refused:
        call_command("catalogue", "import", str(path), stdout=StringIO(), stderr=err)

    # Then status 2, one line per problem (place: key: message), and nothing imported
    assert refused.value.returncode == 2
    assert "2" in str(refused.value)
    lines = err.getvalue().splitlines()
    assert [line.split(": ")[:2] for line in lines] == [
        ["procedures[0].versions[0].online_level", "online_level"],
        ["procedures[1].versions[0].agencies[0]", "agencies"],
    ]
    assert catalogue_snapshot()["procedures_procedure"] == []


def test_a_file_that_is_not_json(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "motcua-catalogue",\n  "fields": [}', encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        _run("import", str(path))
    assert refused.value.returncode == 2
    assert "line 2" in str(refused.value)


def test_the_console_command_exits_with_status_2(tmp_path):
    # Given a fresh embedded database and a file naming an unknown field
    environment = {
        **os.environ,
        "MOTCUA_DATA_DIR": str(tmp_path),
        "MOTCUA_DATABASE_URL": "",
        "MOTCUA_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "motcua"]
    subprocess.run([*command, "migrate", "-v0"], env=environment, check=True)  # noqa: S603
    document = sample_document()
    document["fields"] = []
    document["procedures"] = document["procedures"][1:]
    document["procedures"][0]["versions"][0]["agencies"] = []
    document["procedures"][0]["versions"][0]["process"][1]["agency"] = None
    document["procedures"][0]["versions"][0]["process"][1]["is_inter_agency"] = False
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    # When the console command imports it
    result = subprocess.run(  # noqa: S603
        [*command, "catalogue", "import", str(path)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    # Then it exits with 2 and says which key of which version is wrong
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(
        "procedures[0].versions[0].field: field: "
    )
    assert "G10-DD" in result.stderr
