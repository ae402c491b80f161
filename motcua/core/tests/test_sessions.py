"""The session engine reads a session as Django's database store does: a live session is
found, an expired or unknown one is no session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from motcua.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_saved_session_is_read_back():
    store = SessionStore()
    store["colour"] = "xanh"
    store.save()

    again = SessionStore(store.session_key)
    assert again["colour"] == "xanh"
    assert again.session_key == store.session_key


def test_an_expired_session_is_no_session():
    store = SessionStore()
    store["colour"] = "xanh"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    again = SessionStore(store.session_key)
    assert again.load() == {}
    assert again.session_key is None


def test_an_unknown_key_is_no_session():
    again = SessionStore("k" * 32)
    assert again.load() == {}
    assert again.session_key is None
