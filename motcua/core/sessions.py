"""The session engine: Django's database sessions, read with a precompiled query.

Every request of a logged-in user reads its session. ``SESSION_ENGINE`` points here; the
store is Django's ``db`` store but for the read, which runs a query compiled once per
process (:mod:`motcua.core.precompiled`) and checks the expiry in Python, with the same
outcome as Django's own: an expired or unknown key is no session.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from motcua.core.precompiled import Precompiled

_by_key = Precompiled(
    "core.session_by_key",
    lambda key: Session.objects.filter(session_key=key),
    key="\x00session-key",
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Session | None:
        key = self.session_key
        found = _by_key.instances(using=self.model.objects.db, key=key) if key else []
        if not found or found[0].expire_date <= timezone.now():
            self._session_key = None
            return None
        return found[0]
