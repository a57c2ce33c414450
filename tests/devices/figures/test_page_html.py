"""The Figures page's tables are joined in Python (devices.figures.html), not rendered cell by cell
through the template engine: the same HTML as the template's loops gave, labels escaped, cells held
back in bold; and the page costs the same number of queries with many teams as with a few."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from devices.figures.counts import FigureTable, add_row_sum, add_total_row
from devices.figures.disclosure import shown
from devices.figures.html import answer_rows_html, notes_html, page_tables, rows_html
from tests.devices.figures.history import at, issued, received, stood
from tests.factories import DeviceFactory, DeviceModelFactory, TechBarFactory, UserFactory

# The loops templates/devices/figures/_table.html had, before its rows and notes were joined in Python.
TEMPLATE_ROWS = Template(
    """{% for labels, cells in shown.rows %}
    <tr class="govuk-table__row">
      {% for label in labels %}{% if forloop.first %}<th scope="row" class="govuk-table__header">{{ label }}</th>{% else %}<td class="govuk-table__cell">{{ label }}</td>{% endif %}{% endfor %}
      {% for cell in cells %}<td class="govuk-table__cell govuk-table__cell--numeric">{% if cell.held_back %}<strong>{{ cell.text }}</strong>{% else %}{{ cell.text }}{% endif %}</td>{% endfor %}
    </tr>
  {% endfor %}"""  # noqa: E501
)
TEMPLATE_NOTES = Template("{% for note in shown.notes %}<li>{{ note }}</li>{% endfor %}")
# And the loop templates/devices/figures/disclosure.html had over a logged answer's rows.
TEMPLATE_ANSWER = Template(
    '{% for row in rows %}{% if row %}<tr class="govuk-table__row">{% for value in row %}'
    '<td class="govuk-table__cell">{{ value }}</td>{% endfor %}</tr>{% endif %}{% endfor %}'
)


def _table() -> FigureTable:
    table = FigureTable(
        key="t",
        title="T",
        label_headers=["Unit", "Team"],
        columns=["phones", "tablets", "devices"],
        rows=[
            (("<North>", "A & B"), [30, 2, 32]),
            (("North", "\"Quoted\" 'team'"), [40, 10, 50]),
            (("South", ""), [0, 20, 20]),
        ],
    )
    add_total_row(table, additive=[True, True, True])
    add_row_sum(table, total_column=2, part_columns=[0, 1])
    return table


def test_the_rows_and_notes_are_the_html_the_template_loops_gave_with_every_label_escaped():
    published = shown(_table(), limit=5)
    assert published.notes, "the case holds cells back"
    context = Context({"shown": published})
    assert rows_html(published) == TEMPLATE_ROWS.render(context)
    assert notes_html(published) == TEMPLATE_NOTES.render(context)
    html = rows_html(published)
    assert "&lt;North&gt;" in html and "A &amp; B" in html and "&quot;Quoted&quot; &#x27;team&#x27;" in html
    assert "<strong>fewer than 5</strong>" in html and "<strong>held back</strong>" in html


def test_a_logged_answers_rows_are_the_html_the_template_loop_gave_even_when_altered():
    rows = [
        ["Freedom of Information reference", "01.FOI.23.029741"],
        [],
        ["<North>", "A & B", "'=HYPERLINK", "fewer than 5"],
        [1234567, None, 2.5, ["nested"], {"a": "<b>"}, True],  # an entry altered outside Kitbag
    ]
    assert answer_rows_html(rows) == TEMPLATE_ANSWER.render(Context({"rows": rows}))


def test_a_table_withheld_as_a_whole_has_no_rows():
    table = _table()
    table.withheld_reason = "Section 31(1)(a)."
    (page_table,) = page_tables([shown(table, limit=5)])
    assert page_table.rows_html == "" and page_table.withheld_reason == "Section 31(1)(a)."


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_with_many_teams_as_with_a_few(
    client, data_office, freeze_clock, django_assert_max_num_queries
):
    actor, bar = UserFactory(), TechBarFactory()
    phone = DeviceModelFactory(make="Samsung", model_name="<XCover>", kind="smartphone", operating_system="Android")

    def team(n: int) -> None:
        for _ in range(3):
            person = UserFactory()
            stood(person, at(1, 1, 0), unit=f"Unit {n % 4}", team=f"Team {n}")
            device = DeviceFactory(model=phone, tech_bar=bar)
            received(device, at(1, 2), actor=actor)
            issued(device, person, at(1, 10), actor=actor)

    team(0)
    asked = {"as_of_date": "2026-02-01"}
    with freeze_clock(at(6, 10, 9)):
        client.force_login(data_office)
        client.get(reverse("devices:figures"), asked)  # the session and the policy gate, once
        with django_assert_max_num_queries(9):
            few = client.get(reverse("devices:figures"), asked)
        for n in range(1, 25):
            team(n)
        with django_assert_max_num_queries(9):
            many = client.get(reverse("devices:figures"), asked)
    assert few.status_code == many.status_code == 200
    text = many.content.decode()
    assert "Team 24" in text and "&lt;XCover&gt;" in text and "<XCover>" not in text
    assert text.count("<strong>fewer than 5</strong>") >= 25
    assert datetime.date(2026, 2, 1).isoformat() in text
