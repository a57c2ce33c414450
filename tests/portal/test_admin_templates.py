"""The admin's own extension points carry Kitbag's accessibility fixes (checked in a browser by
test_admin_browser.py): the stylesheet and script on every admin page, labelled split inputs."""

import pytest
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils.html import escape


@pytest.mark.django_db
def test_every_admin_page_loads_the_admin_stylesheet_and_script(client_as):
    response = client_as("tech_bar_staff").get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/kitbag-admin.css" in html
    assert "js/kitbag-admin.js" in html
    # The override keeps the stock admin's shell: the site's own header and the page title.
    assert "Kitbag administration and Tech Bar counters" in html
    assert f"<title>{escape('Tech Bar and portal administration')} | Kitbag admin</title>" in html


def test_the_split_date_and_time_inputs_each_have_a_label():
    html = AdminSplitDateTime().render("created_at", None, attrs={"id": "id_created_at"})
    assert '<label for="id_created_at_0">Date:</label>' in html
    assert '<label for="id_created_at_1">Time:</label>' in html
    assert 'id="id_created_at_0"' in html and 'id="id_created_at_1"' in html
