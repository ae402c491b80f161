"""``motcua calendar``: outputs, agencies, and exit code 2 with the argument named."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from motcua.agencies.tests.factories import AgencyFactory, make_province
from motcua.workdays.tests.factories import CalendarOverrideFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = io.StringIO()
    with translation.override("en"):
        call_command("calendar", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.parametrize(
    "start",
    [
        "2024-02-07T09:00+07:00",
        "2024-02-07T09:00",  # no offset: read in Asia/Ho_Chi_Minh
        "2024-02-07T02:00:00+00:00",
    ],
)
def test_due_prints_the_iso_moment_first(start):
    """Wed 7/2/2024 09:00 + 3 working days, Tết 8–14/2/2024 (VPCP 8662/VPCP-KGVX)
    skipped → Mon 19/2/2024 09:00."""
    lines = run("due", "--from", start, "--days", "3")

    assert lines[0] == "2024-02-19T09:00:00+07:00"
    assert lines[1] == (
        "Due 19/02/2024 Monday 09:00: 3 working days from the reception on "
        "07/02/2024 Wednesday 09:00."
    )
    assert "  08/02/2024 Thursday — Public holiday — 29 Tết" in lines
    assert "  18/02/2024 Sunday — Weekend" in lines


def test_due_in_working_hours():
    """Fri 1/3/2024 16:00 + 8 working hours: Fri 16:00–17:00 (1 h), Mon 4/3 07:00–11:30
    (4.5 h), 13:30–16:00 (2.5 h) → Mon 4/3/2024 16:00 (default sessions, 8 h a day)."""
    assert run("due", "--from", "2024-03-01T16:00", "--hours", "8")[0] == (
        "2024-03-04T16:00:00+07:00"
    )


def test_due_says_when_the_reception_was_moved():
    """Received Sat 3/2/2024 → counted from Mon 5/2 07:00 (the default morning start);
    + 1 day → Tue 6/2 07:00."""
    lines = run("due", "--from", "2024-02-03T10:00", "--days", "1")
    assert lines[0] == "2024-02-06T07:00:00+07:00"
    assert (
        "Received outside office hours: counted from 05/02/2024 Monday 07:00." in lines
    )


def test_due_with_end_of_session_policy():
    lines = run(
        "due",
        "--from",
        "2024-03-04T09:00",
        "--days",
        "1",
        "--appointment-time",
        "end_of_session",
    )
    assert lines[0] == "2024-03-05T11:30:00+07:00"


def test_due_applies_the_agency_overrides():
    """Sở A is off on Wed 6/3/2024: Tue 5/3 09:00 + 1 → Thu 7/3 for it, Wed 6/3 for the
    province."""
    province = make_province()
    department = AgencyFactory.create(identifier="000.01.00.H15", parent=province)
    CalendarOverrideFactory(date=dt.date(2024, 3, 6), agency=department)
    args = ("due", "--from", "2024-03-05T09:00", "--days", "1")

    assert run(*args, "--agency", "000.01.00.H15")[0] == "2024-03-07T09:00:00+07:00"
    assert run(*args, "--agency", "000.00.00.H15")[0] == "2024-03-06T09:00:00+07:00"


def test_show_lists_the_exceptions_of_2026():
    """2026 per Thông báo 9441/TB-BNV and VPCP 12729/VPCP-KGVX (seeded), with 24/11
    listed as not counted (spec 06 §1)."""
    lines = run("show", "2026")

    assert [line[:10] for line in lines] == [
        "01/01/2026",
        "02/01/2026",
        "10/01/2026",
        "16/02/2026",
        "17/02/2026",
        "18/02/2026",
        "19/02/2026",
        "20/02/2026",
        "27/04/2026",
        "30/04/2026",
        "01/05/2026",
        "22/08/2026",
        "31/08/2026",
        "01/09/2026",
        "02/09/2026",
        "24/11/2026",
    ]
    assert lines[2] == (
        "10/01/2026 Saturday — Extra working day — "
        "Làm bù ngày nghỉ 02/01/2026 (Tết Dương lịch 2026)"
    )
    assert lines[11] == (
        "22/08/2026 Saturday — Make-up working day — instead of 31/08/2026 Monday"
    )
    assert lines[-1] == (
        "24/11/2026 Tuesday — Working day — Ngày Văn hóa Việt Nam: not counted as a "
        "day off, its enactment is unconfirmed"
    )


def test_show_with_an_agency_adds_its_days():
    province = make_province()
    CalendarOverrideFactory(
        date=dt.date(2024, 3, 6), agency=province, reason="Ngày của tỉnh"
    )
    with_agency = run("show", "2024", "--agency", "000.00.00.H15")
    without = run("show", "2024")

    assert "06/03/2024 Wednesday — Extra day off — Ngày của tỉnh" in with_agency
    assert len(with_agency) == len(without) + 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("show", "twenty"), "YEAR"),
        (("show", "1066"), "YEAR"),
        (("show", "2026", "--agency", "000.00.00.H99"), "--agency"),
        (("due", "--from", "yesterday", "--days", "1"), "--from"),
        (("due", "--from", "2024-02-30T09:00", "--days", "1"), "--from"),
        (("due", "--from", "2024-02-07T09:00", "--days", "1.5"), "--days"),
        (("due", "--from", "2024-02-07T09:00", "--days", "-1"), "--days"),
        (("due", "--from", "2024-02-07T09:00", "--hours", "NaN"), "--hours"),
        (("due", "--from", "2024-02-07T09:00", "--hours", "-2"), "--hours"),
        (("due", "--from", "2024-02-07T09:00"), "--days and --hours"),
        (
            ("due", "--from", "2024-02-07T09:00", "--days", "1", "--hours", "1"),
            "--days and --hours",
        ),
        (
            ("due", "--from", "2024-02-07T09:00", "--days", "1", "--agency", "X"),
            "--agency",
        ),
        (
            (
                "due",
                "--from",
                "2024-02-07",
                "--days",
                "1",
                "--appointment-time",
                "noon",
            ),
            "--appointment-time",
        ),
    ],
)
def test_bad_input_names_the_argument_and_exits_2(args, named):
    with pytest.raises(CommandError, match=named) as caught:
        run(*args)
    assert caught.value.returncode == 2


def _shell(tmp_path, *args):
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_DATABASE_URL"}
    env["MOTCUA_DATA_DIR"] = str(tmp_path)
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "motcua", "calendar", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_shell_exit_code_and_stderr_for_a_bad_argument(tmp_path):
    result = _shell(tmp_path, "due", "--from", "2024-02-07T09:00", "--days", "three")
    assert result.returncode == 2
    assert "--days" in result.stderr
    assert result.stdout == ""


def test_shell_exit_code_without_a_subcommand(tmp_path):
    result = _shell(tmp_path)
    assert result.returncode == 2
    assert "show" in result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("due", "--from", "2024-02-07T09:00", "--days", "99999999"), "--days"),
        # 2024-02-07 to the end of 2100 holds about 19,300 working days
        (("due", "--from", "2024-02-07T09:00", "--days", "30000"), "--days"),
        (("due", "--from", "2024-02-07T09:00", "--hours", "1e12"), "--hours"),
        (("due", "--from", "2024-02-07T09:00", "--hours", "300000"), "--hours"),
        (("due", "--from", "9999-12-30T09:00", "--days", "1"), "--from"),
        (("due", "--from", "9999-12-31T23:59:59-05:00", "--hours", "1"), "--from"),
        (("due", "--from", "0001-01-01T00:00+07:00", "--days", "1"), "--from"),
        (("due", "--from", "1994-12-31T09:00", "--days", "1"), "--from"),
        # the next working day after Fri 31/12/2100 is in 2101
        (("due", "--from", "2100-12-31T09:00", "--days", "1"), "--days"),
    ],
)
def test_a_moment_outside_the_covered_years_names_the_argument(args, named):
    with pytest.raises(CommandError, match=named) as caught:
        run(*args)
    assert caught.value.returncode == 2
    assert "2100" in str(caught.value)


def test_due_on_the_last_covered_day_is_answered():
    # Wed 29/12/2100 09:00 + 1 working day: Thu 30/12/2100, the last year covered.
    assert run("due", "--from", "2100-12-29T09:00", "--days", "1")[0] == (
        "2100-12-30T09:00:00+07:00"
    )


def test_shell_on_a_database_never_migrated(tmp_path):
    result = _shell(tmp_path, "due", "--from", "2024-02-07T09:00", "--days", "1")
    assert result.returncode == 2
    assert "migrate" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_shell_out_of_range_is_a_message_not_a_traceback(tmp_path):
    result = _shell(tmp_path, "due", "--from", "9999-12-30T09:00", "--hours", "1e12")
    assert result.returncode == 2
    assert "--from" in result.stderr
    assert "Traceback" not in result.stderr
