"""What the officers' header needs on every page (``office/base.html``).

The header shows a way to the counter only to those who serve one, and the ways to
supervision and the 766 dashboard only to those they are open to (issue 10 §6: the
provincial supervisor and the leaders), on every page, not only where a view thought of
it. The officer's roles are read once, when the header first asks, and kept for the
request: on a page that has read them (``dossiers.permissions.roles_read_once``, every
officer's page that only reads) that costs no query; on any other (an error page, a form
shown again after a POST) one.
"""

from __future__ import annotations

from functools import cached_property

from django.http import HttpRequest
from django.utils import timezone

from motcua.accounts.choices import AccountKind, Role
from motcua.dossiers.permissions import held_roles
from motcua.indices.permissions import readable_unit_ids
from motcua.office.supervision import dashboard_url


class HeaderLinks:
    """The header's ways for the request's user, each asked of their roles today."""

    def __init__(self, request: HttpRequest) -> None:
        self._user = getattr(request, "user", None)

    def _officer(self) -> bool:
        user = self._user
        return (
            user is not None
            and user.is_authenticated
            and getattr(user, "kind", None) == AccountKind.OFFICER
        )

    @cached_property
    def _roles(self) -> list[tuple[int, str]]:
        """The officer's roles today, read once for every answer (none more when the
        page has read them, ``roles_read_once``)."""
        if not self._officer():
            return []
        return held_roles(self._user, timezone.localdate())  # type: ignore[arg-type]

    @cached_property
    def counter(self) -> bool:
        """They hold the counter officer's role today (the counter's own pages check the
        counter's dates too, ``office.counter_selectors.counters_of``)."""
        return any(role == Role.COUNTER_OFFICER for _agency, role in self._roles)

    @cached_property
    def supervise(self) -> bool:
        """Supervision and the 766 dashboard are open to them: some unit's index is
        theirs to read (``indices.permissions.readable_unit_ids``, the rule of both)."""
        if not self._officer():
            return False
        units = readable_unit_ids(self._user, roles=self._roles)  # type: ignore[arg-type]
        return units is None or bool(units)

    @cached_property
    def dashboard(self) -> str:
        """The 766 dashboard's address for those it is open to, once it is routed."""
        return dashboard_url() if self.supervise else ""


def header(request: HttpRequest) -> dict[str, HeaderLinks]:
    return {"header": HeaderLinks(request)}
