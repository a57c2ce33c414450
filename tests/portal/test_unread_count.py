"""The header's unread count costs one query a page, though the header asks for it twice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import Notification

pytestmark = pytest.mark.django_db


def test_the_unread_count_is_one_query(client, officer):
    Notification.objects.create(recipient=officer, subject="Your kit is ready")
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("portal:notifications"))
    assert "1 new" in page.content.decode()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT" in q["sql"] and 'read_at" IS NULL' in q["sql"]]
    assert len(counts) == 1
