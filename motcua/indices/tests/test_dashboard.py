"""The dashboard at ``/can-bo/chi-so-766/`` (issue 9 §8): who sees it, what each page and
table shows, the Excel files, the monthly PDF, and query counts that do not grow with the
number of dossiers.

The world is ``test_index``'s: the six March 2026 dossiers of the commune (A–F, worked
out in ``test_index``'s docstring: 2.1 is 3 of 6 on time, 10.00 points; the whole index of
that world is 37.33, ``test_march_scores_each_indicator_from_the_dossiers``: groups 2 + 10
+ 8 + 0 + 2 + 15.33, with 5.4 = A, C, F of 6 = 50 %, 6 × 50/90 = 3.33). Added here by
hand, because no service writes them yet (ratings and digitisation are tables only so far):

- ratings in March: A satisfied; B satisfied, then unsatisfied; C satisfied. Three
  dossiers rated, B drew a dislike: 2 of 3 satisfied = 66.67 % < 90 %: not met. The
  procedure's field is not land, construction or investment: that target has no data.
- digitisation: both papers of A and of B digitised, one of C's two: 2 of the 6 March
  dossiers have every paper digitised = 33.33 % < 100 %: not met.

What the additions change in the index: 4.2 (every paper digitised and, for a procedure
returning a document, an electronic result; the world's procedure lists no result
document) becomes A, B of 6 = 33.33 %, linear on 4 points (01b §3): 4 × 1/3 = 1.33, so
the digitisation group is 2 (4.x) + 1.33 = 3.33 and the total 37.33 + 1.33 = 38.66, band
"weak" (< 50). 5.4 stays 3.33: B's dislike is on a late dossier, already outside A, C, F.
- overdue online now: F (online, due Fri 3/4/2026 09:00, still open) is past its
  appointment at any moment after that: 1, target 0: not met. E (at the counter, due
  5/3) is overdue too, but not online.

The messages are read in English (the language cookie), so that the tests do not depend on
the translations being compiled; the page speaks Vietnamese by default.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.accounts.choices import Role
from motcua.accounts.models import User
from motcua.accounts.tests.factories import OfficerFactory, RoleAssignmentFactory
from motcua.agencies.tests.factories import AgencyFactory
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.tests.world import World, at
from motcua.indices import live
from motcua.indices.dashboard import (
    Cell,
    Link,
    Selection,
    Table,
    deadlines,
    month_period,
)
from motcua.indices.forms import DashboardForm
from motcua.indices.models import IndicatorDefinition
from motcua.indices.tests.test_index import _finish, _receive
from motcua.ratings.choices import EvaluationChannel, Verdict
from motcua.ratings.models import Evaluation

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-nghiem"  # the factories' password
BASE = "/can-bo/chi-so-766/"
MARCH = {"period": "month", "year": "2026", "month": "3"}
PAGES = ["", "xep-hang/", "xu-huong/", "muc-tieu/", "han-xu-ly/"]


def _client(user: User | None, *, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    if user is not None:
        client.force_login(user)
    return client


def _supervisor(world: World) -> User:
    user = OfficerFactory.create(username="vanphong", full_name="Trần Văn Giám")
    RoleAssignmentFactory.create(
        user=user,
        agency=world.commune.parent,
        role=Role.PROVINCIAL_SUPERVISOR,
        valid_from=dt.date(2025, 7, 1),
    )
    return user


def _by_code(world: World) -> list[Dossier]:
    """The March dossiers A–F in the order they were received."""
    return list(
        Dossier.objects.filter(handling_agency=world.commune).order_by(
            "received_at", "pk"
        )
    )


@pytest.fixture
def rated(march: World) -> World:
    a, b, c, *_rest = _by_code(march)

    def rate(dossier: Dossier, day: int, verdict: str) -> None:
        Evaluation.objects.create(
            dossier=dossier,
            at=at(day, 10),
            channel=EvaluationChannel.NATIONAL_PORTAL,
            verdict=verdict,
        )

    rate(a, 6, Verdict.SATISFIED)
    rate(b, 6, Verdict.SATISFIED)
    rate(b, 9, Verdict.UNSATISFIED)
    rate(c, 6, Verdict.SATISFIED)
    for dossier in (a, b):
        DossierComponent.objects.filter(dossier=dossier).update(digitised_at=at(2, 9))
    first_of_c = DossierComponent.objects.filter(dossier=c).order_by("pk").first()
    assert first_of_c is not None
    DossierComponent.objects.filter(pk=first_of_c.pk).update(digitised_at=at(2, 9))
    march.leader.full_name = "Lê Thị Hoa"
    march.leader.save(update_fields=["full_name"])
    return march


def _tables(response) -> dict[str, Table]:
    return {s.table.slug: s.table for s in response.context["sections"]}


def _link(cell: Cell) -> Link:
    assert isinstance(cell, Link), cell
    return cell


# ------------------------------------------------------------------ who sees it


def test_a_leader_sees_their_agency_and_is_refused_the_others(world):
    client = _client(world.leader)
    # the agency they lead is the one they see first
    first = client.get(BASE, MARCH)
    assert first.status_code == 200
    assert first.context["selection"].unit == world.commune
    # the picker offers it and nothing else
    assert [c[0] for c in first.context["form"].fields["unit"].widget.choices] == [
        world.commune.identifier
    ]
    for page in PAGES:
        answer = client.get(BASE + page, {**MARCH, "unit": world.commune.identifier})
        assert answer.status_code == 200, page
        # another agency, the province above, the centre below: as if they did not exist
        for unit in (world.department, world.commune.parent, world.centre):
            refused = client.get(BASE + page, {**MARCH, "unit": unit.identifier})
            assert refused.status_code == 404, (page, unit)
    refused = client.get(
        f"{BASE}xuat/tong-quan/chi-so.xlsx",
        {**MARCH, "unit": world.department.identifier},
    )
    assert refused.status_code == 404
    refused = client.get(
        f"{BASE}bao-cao-thang.pdf", {**MARCH, "unit": world.department.identifier}
    )
    assert refused.status_code == 404


def test_a_specialist_and_a_counter_officer_get_404(world):
    for user in (world.specialist, world.counter, world.stranger):
        client = _client(user)
        assert client.get(BASE).status_code == 404, user
        for page in PAGES:
            answer = client.get(
                BASE + page, {**MARCH, "unit": world.commune.identifier}
            )
            assert answer.status_code == 404, (user, page)
        answer = client.get(
            f"{BASE}bao-cao-thang.pdf", {**MARCH, "unit": world.commune.identifier}
        )
        assert answer.status_code == 404


def test_the_supervisor_sees_the_province_first_and_any_unit(world):
    client = _client(_supervisor(world))
    first = client.get(BASE)
    assert first.status_code == 200
    assert first.context["selection"].unit == world.commune.parent
    offered = {c[0] for c in first.context["form"].fields["unit"].widget.choices}
    assert offered == {
        a.identifier
        for a in (
            world.commune.parent,
            world.commune,
            world.centre,
            world.department,
            world.tax_office,
        )
    }
    for unit in (world.department, world.centre):
        assert client.get(BASE, {"unit": unit.identifier}).status_code == 200


def test_not_signed_in_goes_to_the_login_and_a_citizen_is_refused(world):
    answer = _client(None).get(BASE)
    assert answer.status_code == 302
    assert answer["Location"].startswith("/can-bo/dang-nhap/")
    assert _client(world.citizen).get(BASE).status_code == 403


def test_an_unknown_unit_is_404_and_a_bad_period_400(world):
    client = _client(world.leader)
    assert client.get(BASE, {"unit": "000.00.99.H99"}).status_code == 404
    bad = client.get(BASE, {"period": "month", "year": "1900", "month": "3"})
    assert bad.status_code == 400
    assert "year" in bad.context["form"].errors
    assert client.get(BASE, {"period": "week"}).status_code == 400
    assert client.get(BASE, {"month": "13"}).status_code == 400


def test_definitions_that_do_not_add_up_are_409_naming_the_group(world):
    IndicatorDefinition.objects.filter(indicator="2.1").update(max_points=19)
    client = _client(world.leader)
    page = client.get(BASE, MARCH)
    assert page.status_code == 409
    assert "but the group declares 20." in page.context["definition_error"]
    export = client.get(f"{BASE}xuat/tong-quan/nhom.xlsx", MARCH)
    assert export.status_code == 409
    assert "but the group declares 20." in export.content.decode()
    # the report is a Vietnamese document, and says why it cannot be printed in Vietnamese
    report = client.get(f"{BASE}bao-cao-thang.pdf", MARCH)
    assert report.status_code == 409
    assert "nhưng nhóm khai báo 20 điểm" in report.content.decode()


# ------------------------------------------------------------------ the pages


def test_the_overview_shows_the_total_the_band_and_every_group_and_indicator(rated):
    answer = _client(rated.leader).get(BASE, MARCH)
    assert answer.status_code == 200
    report = answer.context["report"]
    # 2 + 10 + 8 + 0 + 3.33 + 15.33 (module docstring)
    assert (report.total, report.band) == (Decimal("38.66"), "weak")
    tables = _tables(answer)
    groups = tables["nhom"]
    # six groups with their maxima (18 / 20 / 12 / 10 / 22 / 18), then the total of 100
    assert [row[2] for row in groups.rows] == [
        Decimal(18),
        Decimal(20),
        Decimal(12),
        Decimal(10),
        Decimal(22),
        Decimal(18),
        Decimal(100),
    ]
    assert groups.rows[1][1:] == (
        Decimal("10.00"),
        Decimal(20),
        Decimal("50.00"),
    )
    # the digitisation group (5th row): 4.x 2 + 4.2 1.33 = 3.33 of 22; 3.33/22 = 15.14 %
    assert groups.rows[4][1:] == (Decimal("3.33"), Decimal(22), Decimal("15.14"))
    assert groups.rows[-1][:2] == ("Total points", Decimal("38.66"))
    indicators = {_link(row[0]).text: row for row in tables["chi-so"].rows}
    # 2.1: 3 of 6, 50 %, 10 of 20 points
    assert indicators["2.1"][3:9] == (3, 6, Decimal("50.00"), Decimal("10.00"), 20, "")
    # 4.2: A, B of 6 (every paper digitised, no result document asked): 33.33 %,
    # linear on 4: 4 × 1/3 = 1.33
    assert indicators["4.2"][3:9] == (2, 6, Decimal("33.33"), Decimal("1.33"), 4, "")
    # 2.2 is a mean, not a ratio: the 4 dossiers timed, no ratio, their mean in the note
    # ((3.5 + 3.125 + 3 + 2) / 4 = 2.90625, as its explanation below)
    assert indicators["2.2"][3:9] == (
        None,
        4,
        None,
        None,
        0,
        "Mean: 2.91 working days",
    )
    # 3.6 is now read from the fees: no dossier owes one, 0/0 scores 0 (01b §4), and is
    # not "no data"
    assert indicators["3.6"][3:9] == (0, 0, Decimal("0.00"), Decimal("0.00"), 6, "")
    # the one indicator motcua still has no data for says so: 4.x, the e-certified copy,
    # null/null, ratio 100 and its 2 points as the portal gives them (01b §3, §4)
    assert indicators["4.x"][3:9] == (
        None,
        None,
        Decimal("100.00"),
        Decimal("2.00"),
        2,
        "No data yet",
    )
    html = answer.content.decode()
    # the chart's data for the script, no inline script that runs
    assert 'id="du-lieu-nhom" type="application/json"' in html
    assert 'data-chart="du-lieu-nhom"' in html
    assert "38.66" in html  # English numbers under the English cookie


def test_the_overview_speaks_vietnamese_by_default(rated):
    answer = _client(rated.leader, language="vi").get(BASE, MARCH)
    html = answer.content.decode()
    assert '<html lang="vi"' in html
    assert "38,66" in html  # 38,66 points: the Vietnamese decimal comma
    assert "Yếu" in html  # the band
    assert "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn" in html  # indicator 2.1


def test_the_ranking_ranks_the_units_below_the_province(rated):
    answer = _client(_supervisor(rated)).get(
        BASE + "xep-hang/", {**MARCH, "unit": rated.commune.parent.identifier}
    )
    rows = _tables(answer)["xep-hang"].rows
    # the commune (with its centre): 38.66 (module docstring); the department and the
    # tax office, with no dossier, score only what does not depend on dossiers: 1.3 (2,
    # catalogue-wide), 4.x (2, awarded to every unit), 5.2 and 5.3 (6 + 6, no petition);
    # the rest is 0/0 or nothing to count: 1.4 (nothing received this year or last:
    # 0), 3.x and 4.1–4.5 (no procedure applied, no fee, no dossier: 0), 5.4 (0/0 → 0,
    # 01b §4) = 16.00 each, sharing the second rank, in the order of their names
    assert [(r[0], str(r[1]), r[3]) for r in rows] == [
        (1, rated.commune.name, Decimal("38.66")),
        (2, "Sở Tư pháp", Decimal("16.00")),
        (2, "Thuế cơ sở 1", Decimal("16.00")),
    ]
    # each unit leads to its own overview, for the same month
    assert _link(rows[0][1]).url == (
        f"{BASE}?unit={rated.commune.identifier}&scope=all&period=month"
        "&year=2026&month=3&quarter=1"
    )
    # a leader ranks only the units they may read: none below the commune
    led = _client(rated.leader).get(BASE + "xep-hang/", MARCH)
    assert _tables(led)["xep-hang"].rows == ()


def test_the_trends_are_the_twelve_months_up_to_the_period(rated):
    answer = _client(rated.leader).get(BASE + "xu-huong/", MARCH)
    rows = _tables(answer)["xu-huong"].rows
    assert [r[0] for r in rows] == [
        "04/2025",
        "05/2025",
        "06/2025",
        "07/2025",
        "08/2025",
        "09/2025",
        "10/2025",
        "11/2025",
        "12/2025",
        "01/2026",
        "02/2026",
        "03/2026",
    ]
    # March is the overview's month: 38.66 (module docstring)
    assert rows[-1][1] == Decimal("38.66")
    # each month's total is the sum of its groups
    for row in rows:
        groups = [cell for cell in row[3:] if isinstance(cell, Decimal)]
        assert len(groups) == 6
        assert row[1] == sum(groups, Decimal(0)), row[0]


def test_the_targets_against_the_figures(rated):
    answer = _client(rated.leader).get(BASE + "muc-tieu/", MARCH)
    rows = {row[0]: row for row in _tables(answer)["muc-tieu"].rows}
    ratings = rows["Satisfaction with the handling of procedures (ratings)"]
    assert ratings[1:6] == ("≥ 90 %", Decimal("66.67"), 2, 3, "Not met")
    land = rows["Satisfaction in land, construction and investment (ratings)"]
    assert land[1:6] == ("≥ 85 %", None, 0, 0, "No data yet")
    overdue = rows["Online dossiers overdue now"]
    assert overdue[1:6] == ("0", 1, None, None, "Not met")
    digitised = rows["Dossiers received with every paper digitised"]
    assert digitised[1:6] == ("100 %", Decimal("33.33"), 2, 6, "Not met")
    # 5.4 as the index scores it: on time and neither disliked nor petitioned, A, C, F
    # of the 6 (B's dislike is on a late dossier) = 50.00 % < 90 %: not met
    satisfaction = rows[
        "Satisfaction with the handling of procedures (766 indicator 5.4)"
    ]
    assert satisfaction[1:6] == ("≥ 90 %", Decimal("50.00"), 3, 6, "Not met")


def test_a_unit_with_no_dossier_has_no_satisfaction_figure_to_meet(rated):
    # the department handles no dossier: 5.4 is 0/0, which the index scores 0 (01b §4),
    # but there is no satisfaction to hold to 90 %: no data, as the ratings row says
    answer = _client(_supervisor(rated)).get(
        BASE + "muc-tieu/", {**MARCH, "unit": rated.department.identifier}
    )
    rows = {row[0]: row for row in _tables(answer)["muc-tieu"].rows}
    satisfaction = rows[
        "Satisfaction with the handling of procedures (766 indicator 5.4)"
    ]
    assert satisfaction[1:6] == ("≥ 90 %", None, 0, 0, "No data yet")
    ratings = rows["Satisfaction with the handling of procedures (ratings)"]
    assert ratings[1:6] == ("≥ 90 %", None, 0, 0, "No data yet")


def test_the_land_target_counts_only_land_construction_and_investment(rated):
    field = rated.version.field
    field.is_land_construction_investment = True
    field.save(update_fields=["is_land_construction_investment"])
    answer = _client(rated.leader).get(BASE + "muc-tieu/", MARCH)
    rows = {row[0]: row for row in _tables(answer)["muc-tieu"].rows}
    land = rows["Satisfaction in land, construction and investment (ratings)"]
    # the same three rated dossiers, now of a land procedure: 2 of 3 ≥ 85 %? no
    assert land[2:6] == (Decimal("66.67"), 2, 3, "Not met")


def test_the_overdue_list_links_each_dossier_to_its_page(rated):
    answer = _client(rated.leader).get(BASE + "han-xu-ly/", MARCH)
    tables = _tables(answer)
    dossiers = _by_code(rated)
    e, f = dossiers[4], dossiers[5]
    overdue = tables["qua-han"].rows
    # E (due 5/3) before F (due 3/4): the longest overdue first
    assert [_link(row[0]).text for row in overdue] == [e.code, f.code]
    assert _link(overdue[0][0]).url == f"/can-bo/ho-so/{e.code}/"
    assert tables["theo-don-vi"].rows == ((rated.commune.name, 2, 0),)
    html = answer.content.decode()
    assert f'href="/can-bo/ho-so/{e.code}/"' in html


EXPLAIN = BASE + "giai-thich/"


def test_each_indicator_of_the_overview_leads_to_the_items_behind_it(rated):
    client = _client(rated.leader)
    overview = _tables(client.get(BASE, MARCH))["chi-so"]
    link = _link(next(row[0] for row in overview.rows if str(row[0]) == "2.1"))
    path, _sep, query = link.url.partition("?")
    assert path == EXPLAIN
    answer = client.get(link.url)
    assert answer.status_code == 200
    [table] = _tables(answer).values()
    a, b, c, d, e, f = _by_code(rated)
    # B, D, E cost points and come first (by code), then A, C, F; each dossier leads
    # to its page; the reasons are the engine's (test_engine.py works them by hand)
    assert [(_link(r[0]).text, r[2]) for r in table.rows] == [
        (b.code, "No"),
        (d.code, "No"),
        (e.code, "No"),
        (a.code, "Yes"),
        (c.code, "Yes"),
        (f.code, "Yes"),
    ]
    assert _link(table.rows[0][0]).url == f"/can-bo/ho-so/{b.code}/"
    assert table.rows[1][3] == "late: second supplement request"
    assert table.note.startswith("3 of 6 counted in the numerator.")
    # the picker keeps the indicator
    assert 'name="indicator" value="2.1"' in answer.content.decode()


def test_the_items_behind_a_figure_come_a_page_at_a_time(rated, monkeypatch):
    monkeypatch.setattr("motcua.indices.views.EXPLANATION_ROWS", 4)
    client = _client(rated.leader)
    first = client.get(EXPLAIN, {**MARCH, "indicator": "2.1"})
    second = client.get(EXPLAIN, {**MARCH, "indicator": "2.1", "page": "2"})
    codes = [
        [_link(r[0]).text for r in _tables(answer)["giai-thich-21"].rows]
        for answer in (first, second)
    ]
    assert [len(page) for page in codes] == [4, 2]
    assert set(codes[0]).isdisjoint(codes[1])
    assert "Page 1 of 2" in first.content.decode()
    # the download holds every item
    sheet = load_workbook(
        io.BytesIO(
            client.get(
                BASE + "xuat/giai-thich/giai-thich-21.xlsx",
                {**MARCH, "indicator": "2.1"},
            ).content
        )
    ).active
    assert sheet is not None
    listed = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert set(codes[0]) | set(codes[1]) <= listed


def test_the_items_behind_2_2_are_the_dossiers_timed_with_their_mean(rated):
    answer = _client(rated.leader).get(EXPLAIN, {**MARCH, "indicator": "2.2"})
    assert answer.status_code == 200
    [table] = _tables(answer).values()
    a, b, c, d, _e, _f = _by_code(rated)
    # a mean, not a ratio: no "in the numerator" column; the working days of each
    # are test_engine's (C 3.50, B 3.13, A 3.00, D 2.00), the longest first
    assert [column.header for column in table.columns] == ["Item", "Kind", "Why"]
    assert [(_link(r[0]).text, r[2]) for r in table.rows] == [
        (c.code, "3.50 working days from reception to the end of processing"),
        (b.code, "3.13 working days from reception to the end of processing"),
        (a.code, "3.00 working days from reception to the end of processing"),
        (d.code, "2.00 working days from reception to the end of processing"),
    ]
    # (3.5 + 3.125 + 3 + 2) / 4 = 2.90625 → 2.91
    assert table.note == (
        "The mean of 4 dossiers timed: 2.91 working days. The longest are listed first."
    )


def test_a_figure_with_more_items_than_a_drill_down_judges_asks_for_a_narrower_cut(
    rated, settings
):
    """March holds six dossiers: a limit of six lists them, a limit of five refuses the
    page and its download (422) with the limit named, and computes nothing."""
    client = _client(rated.leader)
    settings.INDEX_EXPLAIN_LIMIT = 6
    assert client.get(EXPLAIN, {**MARCH, "indicator": "2.1"}).status_code == 200
    settings.INDEX_EXPLAIN_LIMIT = 5
    answer = client.get(EXPLAIN, {**MARCH, "indicator": "2.1"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Too many items to list" in html
    # the page names what its own picker can narrow
    assert (
        "More than 5 dossiers or petitions would have to be examined to list the items "
        "behind this figure: choose a unit below or a shorter period." in html
    )
    assert "sections" not in answer.context
    export = client.get(
        BASE + "xuat/giai-thich/giai-thich-21.xlsx", {**MARCH, "indicator": "2.1"}
    )
    assert export.status_code == 422
    assert "More than 5 dossiers or petitions" in export.content.decode()
    # a figure of the catalogue is not bounded by the dossiers
    assert client.get(EXPLAIN, {**MARCH, "indicator": "1.3"}).status_code == 200


@pytest.mark.parametrize("indicator", ["", "9.9", "2.1x"])
def test_an_unknown_indicator_is_400_and_names_the_choice(rated, indicator):
    answer = _client(rated.leader).get(EXPLAIN, {**MARCH, "indicator": indicator})
    assert answer.status_code == 400
    assert "Which indicator?" in answer.content.decode()
    export = _client(rated.leader).get(
        BASE + "xuat/giai-thich/giai-thich-21.xlsx", {**MARCH, "indicator": indicator}
    )
    assert export.status_code == 400


def test_the_items_of_another_unit_are_404(rated):
    other = OfficerFactory.create(username="lanhdao.khac")
    RoleAssignmentFactory.create(
        user=other,
        agency=rated.department,
        role=Role.LEADER,
        valid_from=dt.date(2025, 7, 1),
    )
    answer = _client(other).get(
        EXPLAIN, {**MARCH, "indicator": "2.1", "unit": rated.commune.identifier}
    )
    assert answer.status_code == 404


def test_a_dossier_within_eight_working_hours_of_its_appointment_is_due_soon(rated):
    # at Wed 4/3/2026 16:00, E (open, due Thu 5/3 09:00) has 16:00–17:00 and 07:00–09:00
    # left: 3 working hours, within the rules' 8 (spec 02 §7): due soon, not overdue; F
    # (due 3/4) is in time; A–D are finished
    selection = Selection(
        user=rated.leader,
        unit=rated.commune,
        subtree=True,
        period=month_period(2026, 3),
        now=at(4, 16),
    )
    tables = {s.table.slug: s.table for s in deadlines(selection)}
    e = _by_code(rated)[4]
    assert [_link(row[0]).text for row in tables["sap-den-han"].rows] == [e.code]
    assert tables["qua-han"].rows == ()
    assert tables["theo-don-vi"].rows == ((rated.commune.name, 0, 1),)
    # the specialist of another agency sees none of them (dossiers_visible_to)
    selection.user = rated.stranger
    tables = {s.table.slug: s.table for s in deadlines(selection)}
    assert tables["sap-den-han"].rows == ()


# ------------------------------------------------------------------ Excel


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(response.content)).active


def test_the_indicators_as_excel_numbers_as_numbers(rated):
    client = _client(rated.leader, language="vi")
    sheet = _sheet(client.get(f"{BASE}xuat/tong-quan/chi-so.xlsx", MARCH))
    assert sheet["A1"].value == rated.commune.name.upper()
    assert "03/2026" in sheet["A3"].value
    assert "01/03/2026" in sheet["A3"].value
    # the headers in the reader's language: those already translated are Vietnamese
    headers = [c.value for c in sheet[5]]
    assert len(headers) == 9
    row = next(r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0] == "2.1")
    assert row[1] == "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"
    assert row[3:8] == (3, 6, 50, 10, 20)
    assert isinstance(row[3], int)
    cells = next(r for r in sheet.iter_rows(min_row=6) if r[0].value == "2.1")
    assert cells[5].number_format == "#,##0.00"
    # 1.4 is now read from the sync stamps: none of the 6 synchronised, 0/6 → 0 points,
    # zeros as numbers
    synced = next(
        r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0] == "1.4"
    )
    assert synced[3:7] == (0, 6, 0, 0)
    # an indicator with nothing to divide has empty cells, not 0: 4.x (null/null, the
    # portal's ratio 100 and 2 points, 01b §4)
    no_data = next(
        r for r in sheet.iter_rows(min_row=6, values_only=True) if r[0] == "4.x"
    )
    assert no_data[3:7] == (None, None, 100, 2)


def test_the_overdue_list_as_excel_with_dates(rated):
    client = _client(rated.leader)
    sheet = _sheet(client.get(f"{BASE}xuat/han-xu-ly/qua-han.xlsx", MARCH))
    assert [c.value for c in sheet[5]] == [
        "Dossier",
        "Procedure",
        "Applicant",
        "Handling agency",
        "Status",
        "Appointment",
    ]
    e = _by_code(rated)[4]
    first = sheet[6]
    assert first[0].value == e.code
    # the appointment as a real date in Hanoi's wall-clock time, shown dd/mm/yyyy hh:mm
    assert first[5].value == at(5, 9).replace(tzinfo=None)
    assert first[5].number_format == "dd/mm/yyyy hh:mm"


def test_every_table_of_every_page_downloads(rated):
    client = _client(_supervisor(rated))
    query = {**MARCH, "unit": rated.commune.parent.identifier}
    for page, slug in [
        ("", "tong-quan"),
        ("xep-hang/", "xep-hang"),
        ("xu-huong/", "xu-huong"),
        ("muc-tieu/", "muc-tieu"),
        ("han-xu-ly/", "han-xu-ly"),
    ]:
        answer = client.get(BASE + page, query)
        for table in _tables(answer).values():
            sheet = _sheet(client.get(f"{BASE}xuat/{slug}/{table.slug}.xlsx", query))
            assert sheet.max_row >= 5 + len(table.rows)
            assert [c.value for c in sheet[5]] == [c.header for c in table.columns]
    assert client.get(f"{BASE}xuat/tong-quan/khong-co.xlsx", query).status_code == 404
    assert client.get(f"{BASE}xuat/khong-co/nhom.xlsx", query).status_code == 404


# ------------------------------------------------------------------ the monthly PDF


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_monthly_report_has_the_unit_s_figures_and_a_signature_block(rated):
    answer = _client(rated.leader).get(f"{BASE}bao-cao-thang.pdf", MARCH)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(answer.content).split())
    assert "ỦY BAN NHÂN DÂN PHƯỜNG BUÔN MA THUỘT" in text
    assert "tháng 03/2026" in text
    assert "từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "38,66/100 điểm" in text  # 37.33 + 4.2's 1.33 (module docstring)
    assert "xếp loại: Yếu" in text
    # 2.1 in Vietnamese with its figures: 3 of 6, 50,00 %, 10,00 of 20 points
    assert "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn 2 3 6 50,00 10,00 20,00" in text
    assert "66,67" in text  # the ratings target
    assert "33,33" in text  # the digitisation target
    # signed by the unit's leader, by name, with a date to write
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text
    assert "Lê Thị Hoa" in text
    assert "Ngày ký:" in text


def test_the_monthly_report_of_a_quarter_is_its_last_month(rated):
    answer = _client(rated.leader).get(
        f"{BASE}bao-cao-thang.pdf",
        {"period": "quarter", "year": "2026", "quarter": "1"},
    )
    text = " ".join(_pdf_text(answer.content).split())
    assert "từ ngày 01/03/2026 đến ngày 31/03/2026" in text


def test_the_report_uses_the_slips_font(rated):
    answer = _client(rated.leader).get(f"{BASE}bao-cao-thang.pdf", MARCH)
    reader = PdfReader(io.BytesIO(answer.content))
    fonts = set()
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for font in resources["/Font"].values():
            name = str(font.get_object()["/BaseFont"])
            fonts.add(name.split("+", 1)[-1])
    # Liberation Serif alone (documents/tests/test_slips: a machine without it fails)
    assert "Liberation-Serif" in fonts
    assert fonts <= {
        "Liberation-Serif",
        "Liberation-Serif-Bold",
        "Liberation-Serif-Italic",
        "Liberation-Serif-Bold-Italic",
    }, fonts


# ------------------------------------------------------------------ query counts


def _queries(client: Client, url: str, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, query)
    assert answer.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        BASE,
        BASE + "xep-hang/",
        BASE + "xu-huong/",
        BASE + "muc-tieu/",
        BASE + "han-xu-ly/",
        BASE + "xuat/tong-quan/chi-so.xlsx",
        BASE + "xuat/han-xu-ly/qua-han.xlsx",
        BASE + "bao-cao-thang.pdf",
        BASE + "giai-thich/",
        BASE + "xuat/giai-thich/giai-thich-21.xlsx",
    ],
)
def test_query_counts_do_not_grow_with_the_number_of_dossiers(rated, url):
    client = _client(_supervisor(rated))
    query = {**MARCH, "unit": rated.commune.parent.identifier, "indicator": "2.1"}
    client.get(url, query)  # the process's caches are warm from here on
    before = _queries(client, url, query)
    # four more dossiers: two finished, two open and overdue, rated and digitised
    for day in (9, 10):
        _finish(rated, _receive(rated, at(day, 9)), at(day + 1, 9))
        dossier = _receive(rated, at(day, 10))
        Evaluation.objects.create(
            dossier=dossier,
            at=at(day, 11),
            channel=EvaluationChannel.NATIONAL_PORTAL,
            verdict=Verdict.UNSATISFIED,
        )
    assert Dossier.objects.count() == 10
    # the maintained figures brought up to date, as `motcua index refresh --follow`
    # keeps them: what is measured is the page, not the refresh (test_live.py)
    live.refresh()
    assert _queries(client, url, query) == before


# ------------------------------------------------------------------ the picker's errors


def _chosen_unit(answer) -> str:
    """The identifier the unit list shows chosen."""
    html = answer.content.decode()
    select = re.search(r'<select name="unit".*?</select>', html, re.S)
    assert select is not None
    chosen = re.findall(r'<option value="([^"]+)"[^>]*selected', select.group(0))
    assert len(chosen) == 1, chosen
    return chosen[0]


def test_a_picker_error_says_what_to_write_and_keeps_the_unit_shown(rated):
    client = _client(rated.leader)
    today = timezone.localdate()
    for query, field, message in (
        (
            {"period": "year", "year": "abc"},
            "year",
            f"Write the year in digits, e.g. {today.year}.",
        ),
        (
            {"period": "year", "year": "1900"},
            "year",
            "Choose a year from 1995 to 2100.",
        ),
        ({"period": "month", "month": "13"}, "month", "Choose a month from 1 to 12."),
        (
            {"period": "quarter", "quarter": "5"},
            "quarter",
            "Choose a quarter from 1 to 4.",
        ),
    ):
        answer = client.get(BASE, query)
        assert answer.status_code == 400, query
        assert answer.context["form"].errors == {field: [message]}, query
        # no unit asked for: the list shows the one the page shows by default, the
        # leader's commune, not the list's first entry
        assert _chosen_unit(answer) == rated.commune.identifier, query


def test_a_period_that_has_not_begun_is_refused_not_scored(rated):
    client = _client(rated.leader)
    today = timezone.localdate()
    answer = client.get(BASE, {"period": "year", "year": str(today.year + 1)})
    assert answer.status_code == 400
    assert answer.context["form"].errors == {
        "year": [
            "This period has not begun yet: choose one that starts by "
            f"{today:%d/%m/%Y}."
        ]
    }
    # this year, begun, is read
    assert (
        client.get(BASE, {"period": "year", "year": str(today.year)}).status_code == 200
    )


def test_a_download_with_unreadable_values_says_why_in_words(rated):
    client = _client(rated.leader)
    for url in (f"{BASE}bao-cao-thang.pdf", f"{BASE}xuat/tong-quan/chi-so.xlsx"):
        answer = client.get(url, {"period": "month", "month": "13"})
        assert answer.status_code == 400, url
        assert answer["Content-Type"] == "text/plain; charset=utf-8"
        assert answer.content.decode() == (
            "The chosen values cannot be read:\n- Month: Choose a month from 1 to 12."
        )
    answer = client.get(f"{BASE}xuat/giai-thich/giai-thich-21.xlsx", MARCH)
    assert answer.status_code == 400
    assert "Choose an indicator from the overview's table" in answer.content.decode()


def test_a_closed_unit_asked_for_is_the_one_the_list_shows(rated):
    closed = AgencyFactory.create(
        identifier="000.00.09.H15",
        name="Sở đã giải thể",
        parent=rated.commune.parent,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )
    answer = _client(_supervisor(rated)).get(
        BASE, {"unit": closed.identifier, "period": "year", "year": "2025"}
    )
    assert answer.status_code == 200
    assert _chosen_unit(answer) == closed.identifier


def _form(query: dict[str, str], today: dt.date) -> DashboardForm:
    return DashboardForm(QueryDict(urlencode(query)), units=[], today=today)


MAY_10 = dt.date(2026, 5, 10)


@pytest.mark.parametrize(
    ("today", "query", "refused_at"),
    [
        (MAY_10, {"period": "now"}, None),
        (MAY_10, {"period": "year", "year": "2026"}, None),
        (MAY_10, {"period": "quarter", "year": "2026", "quarter": "2"}, None),
        (MAY_10, {"period": "month", "year": "2026", "month": "5"}, None),
        (MAY_10, {"period": "month", "year": "2026", "month": "6"}, "month"),
        (MAY_10, {"period": "quarter", "year": "2026", "quarter": "3"}, "quarter"),
        (MAY_10, {"period": "year", "year": "2027"}, "year"),
        (MAY_10, {"period": "month", "year": "2027", "month": "1"}, "year"),
        # the first day of a period has begun it
        (dt.date(2026, 6, 1), {"period": "month", "year": "2026", "month": "6"}, None),
        (
            dt.date(2026, 7, 1),
            {"period": "quarter", "year": "2026", "quarter": "3"},
            None,
        ),
        (
            dt.date(2026, 6, 30),
            {"period": "quarter", "year": "2026", "quarter": "3"},
            "quarter",
        ),
    ],
)
def test_a_period_begun_by_today_is_read_and_one_not_begun_refused_beside_its_control(
    today, query, refused_at
):
    form = _form(query, today)
    if refused_at is None:
        assert form.is_valid(), form.errors
    else:
        assert not form.is_valid()
        assert form.errors == {
            # the site's language outside a request: Vietnamese
            refused_at: [
                "Kỳ này chưa bắt đầu: chọn một kỳ bắt đầu không muộn hơn ngày "
                f"{today:%d/%m/%Y}."
            ]
        }


@pytest.mark.parametrize(
    ("query", "month"),
    [
        # the period under way is reported for the month it has reached, not its last
        ({"period": "year", "year": "2026"}, (2026, 5)),
        ({"period": "quarter", "year": "2026", "quarter": "2"}, (2026, 5)),
        ({"period": "now"}, (2026, 5)),
        # a past one for its last month; a month for itself
        ({"period": "year", "year": "2025"}, (2025, 12)),
        ({"period": "quarter", "year": "2026", "quarter": "1"}, (2026, 3)),
        ({"period": "month", "year": "2026", "month": "2"}, (2026, 2)),
    ],
)
def test_the_monthly_report_is_of_a_month_begun(query, month):
    form = _form(query, MAY_10)
    assert form.is_valid(), form.errors
    chosen = form.report_month()
    assert (chosen.start.year, chosen.start.month) == month
