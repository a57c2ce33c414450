"""The MDM import finds the file's devices by UPPER(asset_tag) IN (...) in batches of 5,000, which
the unique UPPER(asset_tag) btree answers. A trigram index on that same expression also answers
`=`, and PostgreSQL took it for the IN list at force scale (18 s a batch, the whole 40,000-row
import from 8 s to minutes), so the search box's trigram index is on LOWER(asset_tag) instead
(devices migration 0014)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'devices_device'")
        return dict(cursor.fetchall())


def test_no_trigram_index_shares_the_expression_the_import_looks_tags_up_by():
    indexes = _indexes()
    assert "upper((asset_tag)::text)" in indexes["devices_device_asset_tag_unique_any_case"]
    trigram = {name: text for name, text in indexes.items() if "gin_trgm_ops" in text}
    assert "devices_device_asset_tag_trgm" in trigram, "the search box's partial asset tags"
    assert not [name for name, text in trigram.items() if "upper((asset_tag)" in text], trigram
