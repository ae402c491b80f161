"""The national portal's figures (issue 9 §7): read tolerantly from the JSON its evaluation
endpoints return, kept by ``motcua index portal-import``, and set beside motcua's own by
``selectors.portal_comparison`` and ``GET /api/index/portal-comparison/``.

The world is ``test_index``'s March (its module docstring works each figure out), seen for
the commune with its subtree (the centre below it handles nothing):

- 2.1: A, C, F on time of six ⇒ 3/6, 50 %, 10.00 points;
- 3.1: the one procedure the commune applies is offered online ⇒ 1/1 ⇒ 2.00 points;
- 3.2: its one online service received F ⇒ 1/1 ⇒ 4.00 points;
- 3.3: F alone of the six was received online ⇒ 1/6 = 16.67 % ⇒ 6 × 16.67/50 = 2.00;
  group 3 = 2 + 4 + 2 = 8.00.

The portal file below agrees on 2.1, 3.1 and 3.2 and counts two online dossiers of six
(3.3 ⇒ 33.33 %, 4.00 points, group 3 at 10.00): exactly 3.3 and group 3 differ.
"""

from __future__ import annotations

import copy
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from motcua.accounts.choices import Role
from motcua.accounts.tests.factories import OfficerFactory
from motcua.dossiers.tests.world import World
from motcua.indices.models import PortalFigures, PortalIndicatorFigure
from motcua.indices.portal import PortalFileError, read_portal_file
from motcua.indices.selectors import portal_comparison
from motcua.indices.services import import_portal_figures
from motcua.indices.tests.test_api import _client, _officer, _supervisor
from motcua.indices.tests.test_index import LATER, MARCH

pytestmark = pytest.mark.django_db

COMMUNE = "000.00.51.H15"


def _portal_file() -> dict[str, Any]:
    """As saved from the portal: the request it was asked with, and two answers, one a
    tree of units whose child is the commune, one wrapped in ``data``."""
    return {
        "request": {"timeType": "month", "year": 2026, "month": 3},
        "dvc-progress-tree": {
            "data": [
                {
                    "code": COMMUNE,
                    "totalScore": 10.0,
                    "totalOnTime": 3,
                    "totalReceived": 6,
                    "avgProcessingDays": 2.5,
                }
            ]
        },
        "provide-online-tree": [
            {
                "code": "000.00.00.H15",
                "totalScore": 5.5,
                "authorityCount": 80,
                "children": [
                    {
                        "code": COMMUNE,
                        "totalScore": "10.00",
                        "authorityCount": 1,
                        "partialCount": 0,
                        "fullCount": 1,
                        "onlineDossierCount": 1,
                        "onlineServiceTotal": 1,
                        "channelOnlineSum": 2,
                        "channelDirectSum": 4,
                        "channelPostalSum": 0,
                        "channelTotalSum": 6,
                    }
                ],
            }
        ],
        "something-new": {"kept": True},
    }


# ------------------------------------------------------------------ reading


def test_the_reader_takes_the_unit_s_node_of_each_answer():
    found = read_portal_file(_portal_file(), unit=COMMUNE)

    assert found.period == "2026-03"
    assert found.groups == {2: Decimal("10.0"), 3: Decimal("10.00")}
    assert found.total == Decimal("20.00")
    figures = {
        indicator: (figure.numerator, figure.denominator)
        for indicator, figure in found.indicators.items()
    }
    assert figures == {"2.1": (3, 6), "3.1": (1, 1), "3.2": (1, 1), "3.3": (2, 6)}


def test_the_reader_takes_metric_lists_the_old_codes_and_the_normalised_shape():
    digitised = {
        "dossier-digitized": {
            "result": {
                "totalScore": 8.75,
                "metrics": [
                    {
                        "code": "ORIGINAL_RESULT_AVAILABLE",
                        "numerator": 10,
                        "denominator": 40,
                        "ratio": 25,
                        "score": 1.5,
                    },
                    {"code": "ELECTRONIC_CERTIFIED_COPY", "ratio": 100, "score": 2},
                    {"code": "PETITION_CLASSIFICATION_TTHC", "numerator": 1},
                ],
            }
        }
    }
    found = read_portal_file(digitised)
    assert found.groups == {5: Decimal("8.75")}
    assert (found.indicators["4.1"].numerator, found.indicators["4.1"].points) == (
        10,
        Decimal("1.5"),
    )
    assert found.indicators["4.x"].ratio == Decimal(100)
    assert set(found.indicators) == {"4.1", "4.x"}  # 5.1 scores nothing: ignored

    # the old portal: CLGQ at a maximum of 10 is the payment group after all (01b §2)
    old = read_portal_file(
        {"CKMB": 7.96, "CLGQ": {"score": 6.68, "maxScore": 10}, "TONG_SCORE": 80.1}
    )
    assert old.groups == {1: Decimal("7.96"), 4: Decimal("6.68")}
    assert old.total == Decimal("80.1")

    typed = read_portal_file(
        {
            "unit": COMMUNE,
            "period": "2026-Q1",
            "indicators": {"2.1": {"numerator": 5, "denominator": 8, "points": 12.5}},
            "groups": {"2": {"points": 12.5}},
        }
    )
    assert (typed.unit, typed.period, typed.groups) == (
        COMMUNE,
        "2026-Q1",
        {2: Decimal("12.5")},
    )

    listed = read_portal_file(
        [
            {
                "endpoint": "/api/v1/reporting/evaluation/dvc-progress-tree",
                "response": {"totalOnTime": 1, "totalReceived": 2},
            }
        ]
    )
    assert listed.indicators["2.1"].denominator == 2


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"dvc-progress-tree": {"totalOnTime": "nhiều", "totalReceived": 6}},
         "dvc-progress-tree.totalOnTime"),
        ({"dvc-progress-tree": {"data": [{"totalOnTime": 7, "totalReceived": 6}]}},
         "2.1"),
        ({"provide-online-tree": {"channelOnlineSum": 1.5, "channelTotalSum": 6}},
         "provide-online-tree.channelOnlineSum"),
        ({"dossier-digitized": {"metrics": {"code": "x"}}}, "dossier-digitized.metrics"),
        ({"indicators": {"9.9": {"numerator": 1}}}, "indicators.9.9"),
        ({"groups": {"7": 1}}, "groups.7"),
        ({"request": {"timeType": "week", "year": 2026}, "CKMB": 1}, "request.timeType"),
        ({"unit": 12, "CKMB": 1}, "unit"),
        ({"nothing": "here"}, ""),
        ("[]", ""),
    ],
    ids=["text-count", "more-than-all", "fraction", "metrics-not-list",
         "unknown-indicator", "unknown-group", "bad-time-type", "unit-number",
         "no-figure", "not-an-object"],
)  # fmt: skip
def test_a_file_that_does_not_parse_names_the_field(data, path):
    with pytest.raises(PortalFileError) as refused:
        read_portal_file(data)
    assert refused.value.path == path


# ------------------------------------------------------------------ the comparison


def _import(world: World, data: dict[str, Any] | None = None) -> PortalFigures:
    data = data or _portal_file()
    return import_portal_figures(
        unit=world.commune,
        start=MARCH[0],
        end=MARCH[1],
        figures=read_portal_file(data, unit=COMMUNE),
        raw=data,
        source="thang-3.json",
    )


def test_the_comparison_flags_exactly_the_indicators_that_differ(march):
    _import(march)

    comparison = portal_comparison(
        unit=march.commune, start=MARCH[0], end=MARCH[1], now=LATER
    )

    assert comparison is not None
    assert comparison.differing == ["3.3"]
    online = comparison.indicators["3.3"]
    assert online.portal is not None
    assert online.difference is not None
    assert (online.motcua.numerator, online.motcua.denominator) == (1, 6)
    assert (online.portal.numerator, online.portal.denominator) == (2, 6)
    assert online.difference.numerator == -1
    assert online.motcua.points == Decimal("2.00")
    on_time = comparison.indicators["2.1"]
    assert (on_time.motcua.numerator, on_time.motcua.denominator) == (3, 6)
    assert on_time.comparable
    assert not on_time.differs
    # what the portal did not publish is not compared, and not flagged
    assert comparison.indicators["1.1"].portal is None
    assert not comparison.indicators["1.1"].comparable
    assert comparison.groups[2].differs is False
    assert (comparison.groups[3].motcua, comparison.groups[3].portal) == (
        Decimal("8.00"),
        Decimal("10.0000"),
    )
    assert comparison.groups[3].difference == Decimal("-2.0000")
    assert comparison.groups[3].differs is True
    assert comparison.groups[1].portal is None


def test_a_ratio_within_the_tolerance_is_not_flagged(march):
    typed = {"indicators": {"2.1": {"ratio": "50.004"}}}
    _import(march, typed)

    within = portal_comparison(
        unit=march.commune, start=MARCH[0], end=MARCH[1], now=LATER
    )
    strict = portal_comparison(
        unit=march.commune,
        start=MARCH[0],
        end=MARCH[1],
        now=LATER,
        tolerance=Decimal(0),
    )

    assert within is not None
    assert strict is not None
    difference = within.indicators["2.1"].difference
    assert difference is not None
    assert difference.ratio == Decimal("-0.0040")
    assert within.differing == []
    assert strict.differing == ["2.1"]


def test_no_figures_imported_no_comparison(march):
    assert (
        portal_comparison(unit=march.commune, start=MARCH[0], end=MARCH[1], now=LATER)
        is None
    )


# ------------------------------------------------------------------ the command


def _write(tmp_path, data: Any, name: str = "portal.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_portal_import_reads_the_period_from_the_file_and_keeps_the_raw_json(
    world, tmp_path
):
    path = _write(tmp_path, _portal_file())
    out = io.StringIO()

    with translation.override("en"):
        call_command("index", "portal-import", str(path), "--unit", COMMUNE, stdout=out)

    kept = PortalFigures.objects.get()
    assert (kept.unit, kept.start, kept.end) == (world.commune, *MARCH)
    assert kept.raw == _portal_file()
    assert kept.groups == {"2": "10.0000", "3": "10.0000"}
    assert kept.total == Decimal("20.00")
    assert kept.source == "portal.json"
    assert sorted(kept.indicators.values_list("indicator", flat=True)) == [
        "2.1",
        "3.1",
        "3.2",
        "3.3",
    ]
    assert "4 indicator(s), 2 group(s), total 20.00" in out.getvalue()


def test_importing_the_same_period_again_replaces_the_figures(world, tmp_path):
    first = _write(tmp_path, _portal_file(), "a.json")
    call_command("index", "portal-import", str(first), "--unit", COMMUNE)
    second = copy.deepcopy(_portal_file())
    second["dvc-progress-tree"]["data"][0]["totalOnTime"] = 2
    del second["provide-online-tree"]
    path = _write(tmp_path, second, "b.json")

    call_command("index", "portal-import", str(path), "--unit", COMMUNE)

    kept = PortalFigures.objects.get()
    assert kept.source == "b.json"
    assert list(kept.indicators.values_list("indicator", "numerator")) == [("2.1", 2)]
    assert PortalIndicatorFigure.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        ({**_portal_file(), "dvc-progress-tree": {"totalOnTime": "x"}}, [],
         "dvc-progress-tree.totalOnTime"),
        (_portal_file(), ["--period", "2026-04"], "--period"),
        ({"indicators": {"2.1": {"ratio": 150}}}, ["--period", "2026-03"], "2.1.ratio"),
        ({"CKMB": 1}, [], "--period"),
        (_portal_file(), ["--unit", "000.99.99.H15"], "--unit"),
    ],
    ids=["bad-number", "period-disagrees", "ratio-over-100", "no-period",
         "unknown-unit"],
)  # fmt: skip
def test_a_bad_file_exits_2_naming_the_field_and_changes_nothing(
    world, tmp_path, data, options, message
):
    _import(world)  # what an earlier import kept
    before = list(PortalIndicatorFigure.objects.values_list("indicator", "numerator"))
    path = _write(tmp_path, data)
    unit = [] if "--unit" in options else ["--unit", COMMUNE]

    with pytest.raises(CommandError) as failed:
        call_command("index", "portal-import", str(path), *unit, *options)

    assert failed.value.returncode == 2
    assert message in str(failed.value)
    assert PortalFigures.objects.count() == 1
    assert (
        list(PortalIndicatorFigure.objects.values_list("indicator", "numerator"))
        == before
    )


def test_a_file_that_is_not_json_exits_2(world, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"dvc-progress-tree": ', encoding="utf-8")
    with pytest.raises(CommandError) as failed:
        call_command("index", "portal-import", str(path), "--unit", COMMUNE)
    assert failed.value.returncode == 2
    assert not PortalFigures.objects.exists()


# ------------------------------------------------------------------ the API

URL = "/api/index/portal-comparison/"


def test_the_api_answers_the_comparison_to_those_who_may_read_the_index(march):
    _import(march)
    supervisor = _supervisor(march)

    answer = _client(supervisor).get(URL, {"unit": COMMUNE, "period": "2026-03"})

    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["differing"] == ["3.3"]
    assert body["subtree"] is True
    assert (body["from"], body["to"], body["tolerance"]) == (
        "2026-03-01",
        "2026-03-31",
        0.01,
    )
    assert body["indicators"]["3.3"]["portal"] == {
        "numerator": 2,
        "denominator": 6,
        "ratio": None,
        "points": None,
    }
    assert body["indicators"]["3.3"]["motcua"]["numerator"] == 1
    assert body["indicators"]["3.3"]["difference"]["numerator"] == -1
    assert body["groups"]["3"] == {
        "portal": 10.0,
        "motcua": 8.0,
        "difference": -2.0,
        "differs": True,
    }
    assert body["source"] == "thang-3.json"


def test_the_api_hides_the_comparison_as_the_index_and_refuses_bad_queries(march):
    _import(march)
    other_leader = _officer("lanhdao.so", Role.LEADER, march.department)
    leader = _officer("lanhdao.xa", Role.LEADER, march.commune)

    hidden = _client(other_leader).get(URL, {"unit": COMMUNE, "period": "2026-03"})
    own = _client(leader).get(URL, {"unit": COMMUNE, "period": "2026-03"})
    not_imported = _client(leader).get(URL, {"unit": COMMUNE, "period": "2026-04"})
    bad_tolerance = _client(leader).get(
        URL, {"unit": COMMUNE, "period": "2026-03", "tolerance": "-1"}
    )
    unknown = _client(leader).get(
        URL, {"unit": COMMUNE, "period": "2026-03", "tolerancee": "1"}
    )
    anonymous = _client(None).get(URL, {"unit": COMMUNE, "period": "2026-03"})

    assert hidden.status_code == 404
    assert own.status_code == 200
    assert not_imported.status_code == 404
    assert bad_tolerance.status_code == 400
    assert "tolerance" in bad_tolerance.json()["details"]
    assert unknown.status_code == 400
    assert anonymous.status_code == 401


def test_the_admin_shows_the_imported_figures_read_only(world, client):
    kept = _import(world)
    admin = OfficerFactory.create(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)

    listed = client.get("/admin/indices/portalfigures/")
    shown = client.get(f"/admin/indices/portalfigures/{kept.pk}/change/")

    assert listed.status_code == 200
    assert "/admin/indices/portalfigures/add/" not in listed.content.decode()
    assert shown.status_code == 200
    assert "thang-3.json" in shown.content.decode()
    assert client.get("/admin/indices/portalfigures/add/").status_code == 403


def test_a_file_larger_than_the_bound_is_refused_unread(world, tmp_path, monkeypatch):
    from motcua.indices.management.commands import index

    monkeypatch.setattr(index, "MAX_PORTAL_FILE_BYTES", 100)
    path = _write(tmp_path, _portal_file())

    with pytest.raises(CommandError) as failed:
        call_command("index", "portal-import", str(path), "--unit", COMMUNE)

    assert failed.value.returncode == 2
    assert not PortalFigures.objects.exists()
