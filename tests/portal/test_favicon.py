"""A favicon on the portal, the admin and the label sheet, and at /favicon.ico where browsers and
bookmarks look for one without a link."""

import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

ICON_LINKS = (
    f'<link rel="icon" sizes="32x32" href="{static("favicon.ico")}">',
    f'<link rel="icon" sizes="any" href="{static("favicon.svg")}" type="image/svg+xml">',
)


def test_the_icons_are_our_own_files_an_ico_and_an_svg():
    with open(finders.find("favicon.ico"), "rb") as ico:
        assert ico.read(4) == b"\0\0\1\0"  # an icon directory
    root = ET.parse(finders.find("favicon.svg")).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("viewBox") == "0 0 32 32"


@pytest.mark.django_db
def test_favicon_ico_answers_instead_of_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    with open(finders.find("favicon.ico"), "rb") as ico:
        assert response.content == ico.read()


@pytest.mark.django_db
def test_the_sign_in_page_links_the_icon(client):
    page = client.get("/accounts/login/").content.decode()
    for link in ICON_LINKS:
        assert link in page


@pytest.mark.django_db
def test_signed_in_portal_and_admin_pages_link_the_icon(client, portal_admin):
    client.force_login(portal_admin)
    for path in ("/", "/admin/", "/admin/devices/device/"):
        page = client.get(path).content.decode()
        for link in ICON_LINKS:
            assert link in page, path


@pytest.mark.django_db(transaction=True)
def test_a_browser_asking_for_favicon_ico_gets_the_icon(live_server):
    with urllib.request.urlopen(f"{live_server.url}/favicon.ico") as response:  # the test's own server
        assert response.status == 200
        assert response.read(4) == b"\0\0\1\0"
