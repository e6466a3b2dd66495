"""Fixtures of the news-draft tests: users of each role who work for the demo host, and a started draft."""

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from news.services import news_draft_create
from tests.factories import InstitutionFactory
from visits.roles import LEADERSHIP, PROTOCOL, PUBLIC_RELATIONS


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, the source language (the interface defaults to Indonesian)."""
    with translation.override("en"):
        yield


@pytest.fixture
def news_office(make_user):
    """A member of the public-relations office (``public_relations``) at the demo host."""
    return make_user("humas", PUBLIC_RELATIONS)


@pytest.fixture
def second_editor(make_user):
    return make_user("humas2", PUBLIC_RELATIONS)


@pytest.fixture
def leader(make_user):
    return make_user("pimpinan", LEADERSHIP)


@pytest.fixture
def protocol(make_user):
    return make_user("protokol", PROTOCOL)


@pytest.fixture
def outsider(make_user):
    """A news-office member of another host: the demo host's drafts do not exist for them."""
    return make_user("humas-lain", PUBLIC_RELATIONS, hosts=[InstitutionFactory()])


@pytest.fixture
def draft(visit, news_office):
    """The demo visit's Indonesian draft, started by the news office (status draft, version 1)."""
    return news_draft_create(visit=visit, language="id", by=news_office)


@pytest.fixture
def login(client):
    """``login(user)``: the test client signed in as ``user``."""

    def sign_in(user):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign_in


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client authenticated as ``user``."""

    def make(user) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return api

    return make
