"""Loading the demo province: Đắk Lắk after the merger with Phú Yên on 1/7/2025.

The data lives in ``data/``: ``organisation.json`` (agencies with their history, the
successions of the 2025 reorganisation, and officers, citizens and a business with their
roles) and ``catalogue/*.json`` (real procedures in the catalogue format of
docs/catalogue-format.md, loaded through the same import as any province's catalogue).

The names, procedures and legal bases are real (domain spec 07 and 09); the electronic
identifiers of the new departments, communes and wards and the communes' mã ĐVHC were not
found in public sources and are illustrative (see ``README.md`` beside this file).

Loading is idempotent: a row that already holds the demo's values is not written again, so
running ``motcua load_demo`` twice changes nothing. Passwords are set only when an account is
created, so a demo user who changed theirs keeps it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from motcua.accounts.models import RoleAssignment, User
from motcua.agencies.models import Agency, AgencySuccession
from motcua.procedures.services import ImportReport, import_catalogue

DATA_DIR = Path(__file__).resolve().parent / "data"

#: The password of every demo account, printed by ``make run``: a published demo
#: credential, not a secret. Production provinces do not load the demo.
DEMO_PASSWORD = "motcua-demo-2025"  # noqa: S105

_AGENCY_FIELDS = (
    "name",
    "short_name",
    "level",
    "kind",
    "admin_unit_code",
    "address",
    "place_name",
    "legal_basis",
)
_USER_FIELDS = (
    "full_name",
    "kind",
    "email",
    "phone",
    "personal_id",
    "tax_code",
    "is_staff",
    "is_superuser",
)

M = TypeVar("M", bound=models.Model)


@dataclass
class DemoSummary:
    """What a load wrote: created and updated rows per table, and the catalogue reports."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    catalogue: list[ImportReport] = field(default_factory=list)

    def count(self, table: str, *, created: bool) -> None:
        target = self.created if created else self.updated
        target[table] = target.get(table, 0) + 1

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated) or any(
            r.changed_anything for r in self.catalogue
        )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _required_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _sync(instance: M, values: Mapping[str, Any]) -> bool:
    """Set ``values`` on ``instance`` and save only the fields that differ; True if saved."""
    changed = [
        name for name, value in values.items() if getattr(instance, name) != value
    ]
    for name in changed:
        setattr(instance, name, values[name])
    if changed and instance.pk is not None:
        instance.full_clean()
        instance.save(update_fields=changed)
    return bool(changed)


def _load_agencies(
    rows: list[dict[str, Any]], summary: DemoSummary
) -> dict[str, Agency]:
    existing = {
        a.identifier: a
        for a in Agency.objects.filter(identifier__in=[r["identifier"] for r in rows])
    }
    created: set[str] = set()
    # First every agency without its parent, then the parents: the file may name a parent
    # after its child.
    for row in rows:
        values = {name: row.get(name, "") or "" for name in _AGENCY_FIELDS}
        values["valid_from"] = _date(row["valid_from"])
        values["valid_to"] = _date(row.get("valid_to"))
        agency = existing.get(row["identifier"])
        if agency is None:
            agency = Agency(identifier=row["identifier"], **values)
            agency.full_clean(exclude=["parent"])
            agency.save()
            existing[agency.identifier] = agency
            created.add(agency.identifier)
            summary.count("agencies", created=True)
        elif _sync(agency, values):
            summary.count("agencies", created=False)
    for row in rows:
        agency = existing[row["identifier"]]
        parent = existing[row["parent"]] if row.get("parent") else None
        if agency.parent_id != (parent.pk if parent else None):
            agency.parent = parent
            agency.save(update_fields=["parent"])
            if agency.identifier not in created:
                summary.count("agencies", created=False)
    return existing


def _load_successions(
    rows: list[dict[str, Any]], agencies: dict[str, Agency], summary: DemoSummary
) -> None:
    for row in rows:
        succession, created = AgencySuccession.objects.get_or_create(
            predecessor=agencies[row["predecessor"]],
            successor=agencies[row["successor"]],
            defaults={
                "kind": row["kind"],
                "effective_on": _required_date(row["effective_on"]),
                "legal_basis": row.get("legal_basis", ""),
            },
        )
        if created:
            summary.count("successions", created=True)
        elif _sync(
            succession,
            {
                "kind": row["kind"],
                "effective_on": _required_date(row["effective_on"]),
                "legal_basis": row.get("legal_basis", ""),
            },
        ):
            summary.count("successions", created=False)


def _load_users(
    rows: list[dict[str, Any]], agencies: dict[str, Agency], summary: DemoSummary
) -> None:
    existing = {
        u.username: u
        for u in User.objects.filter(username__in=[r["username"] for r in rows])
    }
    # One Argon2 hash serves every new demo account: they share a published password, and
    # hashing is deliberately slow.
    password_hash = make_password(DEMO_PASSWORD)
    for row in rows:
        values = {
            name: row.get(name, False if name.startswith("is_") else "")
            for name in _USER_FIELDS
        }
        user = existing.get(row["username"])
        if user is None:
            user = User(username=row["username"], **values)
            user.password = password_hash
            user.full_clean()
            user.save()
            summary.count("users", created=True)
        elif _sync(user, values):
            summary.count("users", created=False)
        for role in row.get("roles", []):
            assignment, created = RoleAssignment.objects.get_or_create(
                user=user,
                agency=agencies[role["agency"]],
                role=role["role"],
                valid_from=_required_date(role["valid_from"]),
                defaults={"valid_to": _date(role.get("valid_to"))},
            )
            if created:
                summary.count("roles", created=True)
            elif _sync(assignment, {"valid_to": _date(role.get("valid_to"))}):
                summary.count("roles", created=False)


def catalogue_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The demo catalogue's files, in the order they are imported."""
    return sorted((data_dir / "catalogue").glob("*.json"))


@transaction.atomic
def load_demo_province(*, data_dir: Path = DATA_DIR) -> DemoSummary:
    """Load the organisation, the people and the catalogue of the demo province, all or
    nothing. A bad catalogue file raises ``CatalogueError`` and leaves the database as it
    was."""
    summary = DemoSummary()
    organisation = json.loads(
        (data_dir / "organisation.json").read_text(encoding="utf-8")
    )
    agencies = _load_agencies(organisation["agencies"], summary)
    _load_successions(organisation.get("successions", []), agencies, summary)
    _load_users(organisation.get("users", []), agencies, summary)
    for path in catalogue_files(data_dir):
        summary.catalogue.append(
            import_catalogue(json.loads(path.read_text(encoding="utf-8")))
        )
    return summary


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, full name, roles) of the demo accounts, for the start-up banner."""
    accounts: dict[str, tuple[str, list[str]]] = {}
    assignments = RoleAssignment.objects.select_related("user", "agency").order_by(
        "user__username", "agency__identifier"
    )
    for assignment in assignments:
        name, roles = accounts.setdefault(
            assignment.user.username, (str(assignment.user), [])
        )
        label = assignment.agency.short_name or assignment.agency.name
        roles.append(f"{assignment.get_role_display()} · {label}")
    for user in User.objects.exclude(username__in=accounts).order_by("username"):
        accounts[user.username] = (
            str(user),
            [user.get_kind_display() + (" · admin" if user.is_superuser else "")],
        )
    return [
        (username, name, "; ".join(roles))
        for username, (name, roles) in sorted(accounts.items())
    ]
