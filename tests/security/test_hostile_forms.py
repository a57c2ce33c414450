"""Generated hostile input (unicode, control characters, NUL, huge strings, numbers and nonsense
dates as text, fields missing, repeated or unexpected) posted into every form of the portal and the
admin's work pages (tests/security/endpoints.py). Whatever arrives: never a server error; a refusal
(4xx) says why on the page and leaves every row as it was; only an accepted post writes."""

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as examples

from tests.security import hostile
from tests.security.endpoints import FORMS

EXAMPLES = 30


def _fields_of(client, endpoint, kwargs) -> dict[str, list[str]]:
    """The fields the form's page shows (with its own values), plus the endpoint's extra ones."""
    try:
        page = reverse(endpoint.shown_at or endpoint.url_name, kwargs=kwargs)
    except NoReverseMatch:
        page = None
    fields = {}
    if page is not None:
        response = client.get(page)
        assert response.status_code in (200, 405), (page, response.status_code)
        if response.status_code == 200:
            fields = hostile.post_form_fields(response.content.decode())
    return fields


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", FORMS, ids=[e.id for e in FORMS])
def test_hostile_posts_are_refused_cleanly_and_change_nothing(endpoint, client, request, settings):
    settings.KITBAG_API_RATES = {}
    get = request.getfixturevalue
    kwargs = endpoint.kwargs(get) if endpoint.kwargs else None
    kwargs = kwargs or {}
    client.force_login(get(endpoint.role))
    if endpoint.before:
        endpoint.before(client, get, kwargs)
    url = reverse(endpoint.url_name, kwargs=kwargs)
    fields = _fields_of(client, endpoint, kwargs)
    if endpoint.extra_fields:
        for name, values in endpoint.extra_fields(get, kwargs).items():
            fields.setdefault(name, []).extend(values)
    assert fields or endpoint.url_name.endswith(("_handed", "_receive", "_confirm", "_cancel", "_release")), (
        f"no form found at {endpoint.shown_at or endpoint.url_name}"
    )
    ignore = endpoint.may_change_when_refused | {"sessions.session"}

    @examples(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=hostile.form_data(fields))
    def post_hostile(data):
        cache.clear()  # rate limits live in the cache: every example meets the form, not the limiter
        before = hostile.database_state(ignore=ignore)
        response = client.post(url, data)
        assert response.status_code < 500, (url, data, response.status_code)
        if response.status_code >= 400:
            changed = hostile.changed_models(before, hostile.database_state(ignore=ignore))
            assert not changed, (url, response.status_code, changed, data)
            if response.status_code in (400, 409, 422):
                assert hostile.shows_an_error(response), (url, response.status_code, data)

    post_hostile()
