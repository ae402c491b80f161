"""What the 766 index reads, given at intake and when a result is issued (issue 9 §1): where
each paper's data came from, VNeID identification, fee lines and how each was paid, and
electronic results. Each flag is stored as given; bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier, DossierResult
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.test_api_intake import _intake, _nothing_created
from motcua.dossiers.tests.world import VN, World, build_world
from motcua.payments.models import DossierFee
from motcua.procedures.choices import FeeChannel
from motcua.procedures.tests.factories import FeeLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def catalogue_fees(world: World) -> None:
    """The version's catalogue: a 50.000 VND charge on every channel, a fee "set by the
    provincial People's Council" (no amount), and a 20.000 VND online-only line."""
    FeeLineFactory.create(
        version=world.version, position=1, description="Lệ phí", amount=50_000
    )
    FeeLineFactory.create(
        version=world.version,
        position=2,
        description="Phí thẩm định",
        amount=None,
        note="Theo quy định của HĐND tỉnh",
    )
    FeeLineFactory.create(
        version=world.version,
        position=3,
        description="Phí nộp trực tuyến",
        amount=20_000,
        channel=FeeChannel.ONLINE,
    )


def _fees(dossier: Dossier) -> list[tuple[Any, ...]]:
    return list(
        DossierFee.objects.filter(dossier=dossier)
        .order_by("position")
        .values_list("position", "name", "code", "kind", "amount", "payment", "paid_at")
    )


def test_the_counter_intake_stores_every_flag_it_is_given(world):
    body = _intake(
        world,
        applicant={"name": "Trần Thị Bích", "vneid_verified": True},
        papers=[
            {"component": 1, "source_database": "CSDLQGDC", "from_data_store": True},
            {"component": 2, "reused": True},
        ],
        fees=[
            {
                "name": "Lệ phí cấp giấy",
                "code": "LP01",
                "kind": "charge",
                "amount": 30000,
                "payment": "counter",
                "paid_at": "2026-03-02T08:00:00+07:00",
            },
            {"name": "Phí thẩm định", "kind": "fee", "amount": 0, "payment": "exempt"},
        ],
    )
    client = s.client_for(world.counter)

    answer = client.post("/api/dossiers/", body, format="json", headers={})

    assert answer.status_code == 201, answer.json()
    dossier = Dossier.objects.get()
    assert dossier.applicant_vneid_verified is True
    assert dossier.reuses_digitised_data is True  # the second paper reuses
    papers = list(
        dossier.components.order_by("pk").values_list(
            "reused", "from_data_store", "source_database", "digitised_at"
        )
    )
    assert papers == [(False, True, "CSDLQGDC", None), (True, False, "", None)]
    assert _fees(dossier) == [
        (
            1,
            "Lệ phí cấp giấy",
            "LP01",
            "charge",
            30_000,
            "counter",
            dt.datetime(2026, 3, 2, 8, tzinfo=VN),
        ),
        (2, "Phí thẩm định", "", "fee", 0, "exempt", None),
    ]
    shown = answer.json()
    assert shown["applicant"]["vneid_verified"] is True
    assert shown["reuses_digitised_data"] is True
    assert [p["reused"] for p in shown["components"]] == [False, True]
    assert shown["components"][0]["source_database"] == "CSDLQGDC"


def test_without_fees_the_counter_dossier_owes_the_catalogue_lines_of_its_channel(
    world, catalogue_fees
):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world), format="json"
    )

    assert answer.status_code == 201, answer.json()
    # the 50.000 line (all channels); not the one without an amount, nor the online one
    line = world.version.fees.get(position=1)
    assert _fees(Dossier.objects.get()) == [
        (1, "Lệ phí", "", "charge", 50_000, "unpaid", None)
    ]
    assert DossierFee.objects.get().fee_line == line


def test_without_fees_an_online_dossier_owes_the_online_line_too(world, catalogue_fees):
    body = _intake(world)
    for key in ("decision", "channel", "applicant"):
        body.pop(key)

    answer = s.client_for(world.citizen).post(
        "/api/dossiers/online/", body, format="json"
    )

    assert answer.status_code == 201, answer.json()
    assert [row[1:5] for row in _fees(Dossier.objects.get())] == [
        ("Lệ phí", "", "charge", 50_000),
        ("Phí nộp trực tuyến", "", "charge", 20_000),
    ]


def test_an_empty_list_of_fees_means_none(world, catalogue_fees):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world, fees=[]), format="json"
    )

    assert answer.status_code == 201, answer.json()
    assert DossierFee.objects.count() == 0


def test_a_catalogue_line_named_by_position_gives_its_name_and_amount(
    world, catalogue_fees
):
    body = _intake(
        world,
        fees=[
            {
                "fee": 1,
                "payment": "online_national",
                "paid_at": "2026-03-01T20:15:00+07:00",
            },
            # the People's Council's fee: the catalogue has no amount, the intake gives it
            {"fee": 2, "amount": 120000, "kind": "fee"},
        ],
    )

    answer = s.client_for(world.counter).post("/api/dossiers/", body, format="json")

    assert answer.status_code == 201, answer.json()
    assert _fees(Dossier.objects.get()) == [
        (
            1,
            "Lệ phí",
            "",
            "charge",
            50_000,
            "online_national",
            dt.datetime(2026, 3, 1, 20, 15, tzinfo=VN),
        ),
        (2, "Phí thẩm định", "", "fee", 120_000, "unpaid", None),
    ]


@pytest.mark.parametrize(
    ("fee", "status", "code", "field"),
    [
        # paid online, but when?
        ({"name": "Lệ phí", "amount": 1, "payment": "online_national"}, 422,
         "payment_moment_required", "fees[0].paid_at"),
        # not paid, yet a moment of payment
        ({"name": "Lệ phí", "amount": 1, "paid_at": "2026-03-01T08:00:00+07:00"}, 422,
         "payment_moment_required", "fees[0].paid_at"),
        # paid in the future (the test runs long before 2099)
        ({"name": "Lệ phí", "amount": 1, "payment": "counter",
          "paid_at": "2099-03-01T08:00:00+07:00"}, 422,
         "payment_moment_required", "fees[0].paid_at"),
        ({"fee": 9}, 400, "invalid", "fees"),
        ({"name": "Lệ phí"}, 400, "invalid", "fees"),
        ({"name": "Lệ phí", "amount": -1}, 400, "invalid", "fees"),
        ({"name": "Lệ phí", "amount": 1, "payment": "cash"}, 400, "invalid", "fees"),
    ],
    ids=["paid-without-moment", "unpaid-with-moment", "paid-in-future",
         "unknown-position", "no-amount", "negative", "unknown-method"],
)  # fmt: skip
def test_a_bad_fee_line_creates_nothing(
    world, catalogue_fees, fee, status, code, field
):
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world, fees=[fee]), format="json"
    )

    assert answer.status_code == status, answer.json()
    assert answer.json()["code"] == code
    if status == 422:
        assert answer.json()["details"]["field"] == field
    else:
        assert field in answer.json()["details"]
    _nothing_created()
    assert DossierFee.objects.count() == 0


def test_a_paper_source_longer_than_its_column_is_refused(world):
    papers = [{"component": 1, "source_database": "X" * 51}, {"component": 2}]
    answer = s.client_for(world.counter).post(
        "/api/dossiers/", _intake(world, papers=papers), format="json"
    )

    assert answer.status_code == 400
    assert "papers" in answer.json()["details"]
    _nothing_created()


def test_a_counter_intake_with_fees_costs_one_insert_more(world, catalogue_fees):
    """As ``test_query_counts.INTAKE["receive"]`` (13), plus the fee lines' one INSERT."""
    client = s.client_for(world.counter)
    assert (
        client.post("/api/dossiers/", _intake(world), format="json").status_code == 201
    )

    with CaptureQueriesContext(connection) as queries:
        answer = client.post("/api/dossiers/", _intake(world), format="json")

    assert answer.status_code == 201, answer.json()
    assert len(queries) == 14, [q["sql"][:80] for q in queries.captured_queries]


# ------------------------------------------------------------------ results


def test_issuing_results_stores_how_each_was_issued(world):
    dossier = s.approved(world)
    body = {
        "results": [
            "Giấy xác nhận (bản giấy)",
            {"name": "Giấy xác nhận điện tử", "electronic": True},
            {
                "name": "Bản sao điện tử",
                "file_url": "https://dvc.daklak.gov.vn/kq/abc.pdf",
                "sent_to_data_store": True,
            },
        ]
    }

    answer = s.post(world.leader, dossier, "issue-result", body)

    assert answer.status_code == 200, answer.json()
    rows = list(
        DossierResult.objects.filter(dossier=dossier)
        .order_by("number")
        .values_list("name", "electronic", "file_url", "sent_to_data_store")
    )
    assert rows == [
        ("Giấy xác nhận (bản giấy)", False, "", False),
        ("Giấy xác nhận điện tử", True, "", False),
        # a link makes it electronic
        ("Bản sao điện tử", True, "https://dvc.daklak.gov.vn/kq/abc.pdf", True),
    ]
    assert [r["electronic"] for r in answer.json()["results"]] == [False, True, True]


@pytest.mark.parametrize(
    ("item", "status", "code"),
    [
        ({"name": "Giấy", "sent_to_data_store": True}, 422, "result_not_electronic"),
        ({"name": "Giấy", "signed": True}, 400, "invalid"),
        ({"electronic": True}, 400, "invalid"),
        (7, 400, "invalid"),
        ({"name": "Giấy", "file_url": "x" * 1001}, 400, "invalid"),
    ],
    ids=["store-not-electronic", "unknown-key", "no-name", "number", "long-url"],
)
def test_a_bad_result_changes_nothing(world, item, status, code):
    dossier = s.approved(world)
    before = s.snapshot(dossier)

    answer = s.post(world.leader, dossier, "issue-result", {"results": [item]})

    assert answer.status_code == status, answer.json()
    assert answer.json()["code"] == code
    assert s.snapshot(dossier) == before
    assert not DossierResult.objects.exists()


def test_a_result_settled_on_the_spot_may_be_electronic(world):
    body = _intake(
        world,
        results=[{"name": "Bản sao điện tử", "file_url": "kq/1.pdf"}],
    )
    body.pop("decision")

    answer = s.client_for(world.counter).post(
        "/api/dossiers/on-the-spot/", body, format="json"
    )

    assert answer.status_code == 201, answer.json()
    result = DossierResult.objects.get()
    assert (result.electronic, result.file_url) == (True, "kq/1.pdf")
