"""Attachments are only ever served through the permission-checked view: nothing serves the media
folder, not even with DEBUG on as `make run` runs."""

import importlib.util
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches, reverse

from incidents import services
from portal import urls as production_urls

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def debug_urls(settings):
    """portal.urls as it is built at start-up with DEBUG on (urls.py reads DEBUG at import)."""
    settings.DEBUG = True
    spec = importlib.util.spec_from_file_location("kitbag_debug_urls", production_urls.__file__)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    settings.ROOT_URLCONF = spec.name
    clear_url_caches()
    yield module
    del sys.modules[spec.name]
    clear_url_caches()


@pytest.mark.django_db
def test_with_debug_on_the_media_url_does_not_serve_an_attachment(client, debug_urls, reporter, officer, open_incident):
    incident = open_incident()
    attachment = services.incident_attachment_add(
        incident=incident, actor=reporter, upload=SimpleUploadedFile("screenshot.png", PNG)
    )
    assert attachment.file.storage.exists(attachment.file.name)
    download = reverse("incidents:incident_attachment_download", args=[incident.pk, attachment.pk])

    client.force_login(officer)  # signed in, but not someone who may see this incident
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(download).status_code == 404

    client.force_login(reporter)
    assert client.get(f"/media/{attachment.file.name}").status_code == 404  # not even for the reporter
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
