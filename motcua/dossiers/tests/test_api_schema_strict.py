"""The committed schema (docs/openapi.yaml) says exactly what the server accepts: every bound
it states on a request body (maxLength, minLength, maxItems, minItems, maximum, minimum,
enum) is tried one past the bound against the server, which must answer 400 ``invalid``
naming the field, and at the bound, which must not be refused for that field. The
parameters (page, page_size, If-Match, ordering, overdue) are tried by hand from their
schema. The list's ordering by due moment is checked on rows whose order is known."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings

from motcua.accounts.models import User
from motcua.dossiers import limits, services
from motcua.dossiers.choices import Channel
from motcua.dossiers.errors import InvalidInput
from motcua.dossiers.tests import api_support as s
from motcua.dossiers.tests.world import World, at, build_world

pytestmark = pytest.mark.django_db

SCHEMA = yaml.safe_load(
    (Path(settings.BASE_DIR).parent / "docs" / "openapi.yaml").read_text("utf-8")
)
COMPONENTS = SCHEMA["components"]["schemas"]
#: Fields naming a row (procedure, agency, officer): any other value is "no such row".
LOOKUPS = {
    "procedure",
    "receiving_agency",
    "handling_agency",
    "to_agency",
    "assignee",
    "agency",
    "dossier",
}


@pytest.fixture
def world() -> World:
    return build_world()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema:
        return _resolve(schema["allOf"][0])
    if "oneOf" in schema:
        return _resolve(schema["oneOf"][0])  # the text, not its blank alternative
    return schema


def _bounded(
    schema: dict[str, Any], path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Every property of a request schema, nested ones included (arrays by their first
    item), with its resolved schema."""
    schema = _resolve(schema)
    for name, sub in schema.get("properties", {}).items():
        resolved = _resolve(sub)
        yield (
            (*path, name),
            {**resolved, **{k: v for k, v in sub.items() if k != "$ref"}},
        )
        if resolved.get("type") == "object" or "properties" in resolved:
            yield from _bounded(resolved, (*path, name))
        if resolved.get("type") == "array":
            item = resolved["items"]
            yield (*path, name, 0), _resolve(item)
            if "properties" in _resolve(item):
                yield from _bounded(item, (*path, name, 0))


def _cases(schema: dict[str, Any], valid: Any) -> Iterator[tuple[str, Any, Any]]:
    """(rule, one past it, at it) for each bound of ``schema``."""
    if "maxLength" in schema and schema["maxLength"] > 0:
        n = schema["maxLength"]
        yield "maxLength", "a" * (n + 1), "a" * n
    if schema.get("minLength") == 1:
        yield "minLength", "   " if "pattern" in schema else "", None
    if "maxItems" in schema:
        n = schema["maxItems"]
        yield "maxItems", [valid[0]] * (n + 1), [valid[0]] * n
    if schema.get("minItems") == 1:
        yield "minItems", [], None
    if "maximum" in schema:
        yield "maximum", schema["maximum"] + 1, None
    if "minimum" in schema:
        yield "minimum", schema["minimum"] - 1, None
    if "enum" in schema:
        yield "enum", "not-one-of-them", None


def _put(body: dict[str, Any], path: tuple[str | int, ...], value: Any) -> Any:
    changed = copy.deepcopy(body)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _get(body: dict[str, Any], path: tuple[str | int, ...]) -> Any:
    target: Any = body
    for step in path:
        try:
            target = target[step]
        except (KeyError, IndexError):
            return None
    return target


def _operations(
    world: World, dossier: Any
) -> list[tuple[str, str, User, dict[str, Any]]]:
    """Each POST of the schema: its URL, who may send it, and a body of the right shape."""
    intake = {
        "procedure": world.version.procedure.code,
        "version": 1,
        "receiving_agency": world.centre.identifier,
        "handling_agency": world.commune.identifier,
        "applicant": {"name": "Trần Thị Bích", "address": "12 Lê Duẩn", "kind": 1},
        "papers": [
            {"component": 1, "name": "Tờ khai", "quantity": 1, "source_database": "X"}
        ],
        "sets": 1,
        "return_method": "post",
        "fees": [{"name": "Lệ phí", "amount": 1000, "code": "LP"}],
    }
    everything = {
        "expected_version": 1,
        "note": "ghi chú",
        "missing": ["Bản sao giấy khai sinh"],
        "reasons": "Không thuộc thẩm quyền",
        "reason": "Cần xác minh thêm",
        "results": ["Giấy chứng nhận"],
        "papers": [{"component": 1, "name": "Tờ khai", "quantity": 1}],
        "assignee": world.specialist.username,
        "to_agency": world.department.identifier,
        "amount": 1000,
        "method": "post",
        "receiver": "Trần Thị Bích",
        "new_due_at": "2026-03-20T10:00:00+07:00",
    }
    found = []
    for path, item in SCHEMA["paths"].items():
        if "post" not in item:
            continue
        ref = item["post"]["requestBody"]["content"]["application/json"]["schema"]
        properties = _resolve(ref)["properties"]
        if path == "/api/dossiers/":
            body = {
                **intake,
                "channel": 1,
                "decision": "receive",
                "reasons": "x",
                "missing": ["x"],
                "note": "x",
            }
            found.append((path, ref["$ref"], world.counter, body))
        elif path == "/api/dossiers/online/":
            found.append((path, ref["$ref"], world.citizen, intake))
        elif path == "/api/dossiers/on-the-spot/":
            found.append(
                (path, ref["$ref"], world.counter, {**intake, "results": ["Bản sao"]})
            )
        elif path.endswith("/evaluations/"):
            body = {"verdict": "satisfied", "comment": "x", "reference": "r"}
            url = path.replace("{code}", dossier.code)
            found.append((url, ref["$ref"], world.leader, body))
        elif path == "/api/petitions/":
            body = {
                "code": "PAKN-1",
                "agency": world.commune.identifier,
                "category": "procedure",
                "subject": "x",
                "submitted_at": "2026-03-02T09:00:00+07:00",
                "likes": 1,
            }
            found.append((path, ref["$ref"], world.leader, body))
        else:
            body = {name: everything[name] for name in properties}
            url = path.replace("{code}", dossier.code)
            found.append((url, ref["$ref"], world.leader, body))
    return found


def test_every_bound_of_every_request_body_holds_on_the_server(world):
    dossier = s.processing(world)
    superuser = User.objects.create_superuser("root", password="x")  # noqa: S106
    tried: set[str] = set()
    for url, ref, user, body in _operations(world, dossier):
        sender = superuser if url != "/api/dossiers/" and "online" not in url else user
        client = s.client_for(sender)
        for path, schema in _bounded({"$ref": ref}, ()):
            valid = _get(body, path)
            if valid is None:
                continue
            for rule, past, at_bound in _cases(schema, valid):
                where = f"{url} {'.'.join(map(str, path))} {rule}"
                answer = client.post(url, _put(body, path, past), format="json")
                assert answer.status_code == 400, (where, answer.content[:300])
                assert answer.json()["code"] == "invalid", where
                assert str(path[0]) in answer.json()["details"], where
                # names of rows are refused at the bound too: no such row
                if at_bound is not None and path[-1] not in LOOKUPS:
                    answer = client.post(url, _put(body, path, at_bound), format="json")
                    refused = answer.json().get("details", {})
                    assert answer.status_code != 400 or str(path[0]) not in refused, (
                        where,
                        answer.content[:300],
                    )
                tried.add(f"{ref} {'.'.join(map(str, path))} {rule}")
    # the bounds this issue added are among those tried
    for expected in [
        "#/components/schemas/MissingRequest missing minItems",
        "#/components/schemas/MissingRequest missing maxItems",
        "#/components/schemas/MissingRequest missing.0 maxLength",
        "#/components/schemas/IssueResultRequest results minItems",
        "#/components/schemas/IssueResultRequest results maxItems",
        "#/components/schemas/ReasonsRequest reasons maxLength",
        "#/components/schemas/NoteRequest note maxLength",
        "#/components/schemas/ApologiseRequest reason maxLength",
        "#/components/schemas/CounterIntakeRequest papers maxItems",
        "#/components/schemas/CounterIntakeRequest applicant.name maxLength",
        "#/components/schemas/CounterIntakeRequest applicant.address maxLength",
        "#/components/schemas/CounterIntakeRequest papers.0.name maxLength",
        "#/components/schemas/ReturnResultRequest receiver maxLength",
        "#/components/schemas/TransitionRequest expected_version maximum",
        "#/components/schemas/FinancialObligationRequest amount maximum",
        "#/components/schemas/CounterIntakeRequest fees.0.name maxLength",
        "#/components/schemas/CounterIntakeRequest fees.0.amount maximum",
        "#/components/schemas/CounterIntakeRequest papers.0.source_database maxLength",
        "#/components/schemas/EvaluationCreateRequest comment maxLength",
        "#/components/schemas/PetitionCreateRequest code maxLength",
        "#/components/schemas/PetitionCreateRequest likes maximum",
    ]:
        assert expected in tried, expected


def test_a_one_megabyte_refusal_reason_is_refused_before_any_slip(world):
    dossier = s.submitted(world)
    before = s.snapshot(dossier)
    reasons = "x" * 1_000_000
    answer = s.post(world.counter, dossier, "refuse", {"reasons": reasons})
    assert answer.status_code == 400
    assert set(answer.json()["details"]) == {"reasons"}
    assert s.snapshot(dossier) == before
    # at the bound it is refused by no rule of length
    answer = s.post(
        world.counter, dossier, "refuse", {"reasons": "x" * limits.REASONS_MAX_LENGTH}
    )
    assert answer.status_code == 200


def test_the_limits_hold_for_a_direct_caller_too():
    assert limits.check_text("Trần", field="name", max_length=4) == "Trần"
    with pytest.raises(InvalidInput) as too_long:
        limits.check_text("x" * 2001, field="reasons", max_length=2000)
    assert too_long.value.code == "text_too_long"
    assert too_long.value.details == {
        "field": "reasons",
        "length": 2001,
        "max_length": 2000,
    }
    with pytest.raises(InvalidInput) as control:
        limits.check_text("Trần\u202eBích", field="name", max_length=255)
    assert control.value.code == "control_character"
    assert control.value.details == {
        "field": "name",
        "position": 4,
        "character": "U+202E",
    }
    with pytest.raises(InvalidInput) as many:
        limits.check_texts(["a"] * 51, field="missing", max_items=50, max_length=10)
    assert many.value.code == "too_many_items"
    with pytest.raises(InvalidInput) as item:
        limits.check_texts(["a", "b\x1b"], field="missing", max_items=50, max_length=10)
    assert item.value.details["field"] == "missing[1]"


# ------------------------------------------------------------------ parameters


def _list_parameter(name: str) -> dict[str, Any]:
    operation = SCHEMA["paths"]["/api/dossiers/"]["get"]
    return next(p for p in operation["parameters"] if p["name"] == name)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=null", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=-1", "page_size"),
        ("page_size=201", "page_size"),
        ("page_size=2.5", "page_size"),
        ("page=0", "page"),
        ("page=last", "page"),
        ("page=abc", "page"),
        ("overdue=yes", "overdue"),
        ("overdue=null", "overdue"),
        ("ordering=status", "ordering"),
        ("ordering=due_at,nonsense", "ordering"),
    ],
)
def test_a_list_parameter_outside_its_schema_is_400_not_ignored(world, query, field):
    s.received(world)
    answer = s.client_for(world.counter).get(f"/api/dossiers/?{query}")
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid"
    assert field in answer.json()["details"]


def test_the_schema_states_the_bounds_of_the_list_parameters():
    assert _list_parameter("page_size")["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 200,
    }
    assert _list_parameter("page")["schema"]["minimum"] == 1
    assert _list_parameter("overdue")["schema"] == {"type": "boolean"}
    orderings = set(_list_parameter("ordering")["schema"]["items"]["enum"])
    assert {"due_at", "-due_at", "received_at", "code"} <= orderings


def test_the_bounds_themselves_are_accepted(world):
    s.received(world)
    client = s.client_for(world.counter)
    for query in ("page_size=1", "page_size=200", "page=1", "overdue=false"):
        assert client.get(f"/api/dossiers/?{query}").status_code == 200, query


IF_MATCH_PATTERN = next(
    p
    for p in SCHEMA["paths"]["/api/dossiers/{code}/approve/"]["post"]["parameters"]
    if p["name"] == "If-Match"
)["schema"]["pattern"]


@pytest.mark.parametrize(
    ("tag", "matches"),
    [
        ('"{v}"', True),
        ('W/"{v}"', True),
        ("{v}", True),
        (" * ", True),
        ("version-two", False),
        ('"²"', False),  # a digit to str.isdigit, not to int(): it was a 500
        ('"{v}', False),
    ],
)
def test_if_match_is_accepted_exactly_as_its_pattern_says(world, tag, matches):
    dossier = s.awaiting_approval(world)
    tag = tag.format(v=dossier.lock_version)
    assert bool(re.match(IF_MATCH_PATTERN, tag)) is matches
    answer = s.post(world.leader, dossier, "approve", {}, **{"If-Match": tag})
    assert answer.status_code == (200 if matches else 400), answer.content[:300]
    if not matches:
        assert set(answer.json()["details"]) == {"If-Match"}


def test_an_if_match_past_the_largest_version_is_400(world):
    dossier = s.awaiting_approval(world)
    answer = s.post(
        world.leader, dossier, "approve", {}, **{"If-Match": '"9999999999"'}
    )
    assert answer.status_code == 400


# ------------------------------------------------------------------ ordering


def _received_on(world: World, day: int) -> Any:
    return services.receive_dossier(
        intake=world.intake(), actor=world.counter, at=at(day, 9)
    )


def test_the_list_ordered_by_due_moment_comes_in_that_order_nulls_last(world):
    late = _received_on(world, 10)
    early = _received_on(world, 2)
    middle = _received_on(world, 5)
    unreceived = services.submit_online(
        intake=world.intake(channel=Channel.ONLINE, account=world.citizen),
        actor=world.citizen,
    )
    assert unreceived.due_at is None
    assert early.due_at < middle.due_at < late.due_at
    client = s.client_for(world.counter)

    def codes(query: str) -> list[str]:
        answer = client.get(f"/api/dossiers/?{query}")
        assert answer.status_code == 200
        return [row["code"] for row in answer.json()["results"]]

    mine = {late.code, early.code, middle.code, unreceived.code}
    ascending = [c for c in codes("ordering=due_at") if c in mine]
    assert ascending == [early.code, middle.code, late.code, unreceived.code]
    descending = [c for c in codes("ordering=-due_at") if c in mine]
    assert descending == [late.code, middle.code, early.code, unreceived.code]
    by_reception = [c for c in codes("ordering=received_at") if c in mine]
    assert by_reception == [early.code, middle.code, late.code, unreceived.code]
    by_code = [c for c in codes("ordering=code") if c in mine]
    assert by_code == sorted(by_code)
    # pages follow the same order
    first = codes("ordering=due_at&page_size=2")
    assert [c for c in first if c in mine] == [early.code, middle.code]


def test_a_due_moment_without_its_time_of_day_is_refused(world):
    dossier = s.processing(world)
    answer = s.post(
        world.leader,
        dossier,
        "apologise",
        {"new_due_at": "2026-12-31", "reason": "Cần xác minh thêm"},
    )
    assert answer.status_code == 400
    assert set(answer.json()["details"]) == {"new_due_at"}
