"""Vietnamese first: the browser's language does not switch the site; the switcher does."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_vietnamese(client):
    response = client.get(
        reverse("portal:procedure-list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert response["Content-Language"] == "vi"
    assert "Danh mục thủ tục hành chính" in response.content.decode()


def test_the_switcher_chooses_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("portal:procedure-list"))
    assert response["Content-Language"] == "en"
    assert "Procedure catalogue" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get(reverse("portal:procedure-list"))
    assert response["Content-Language"] == "vi"
