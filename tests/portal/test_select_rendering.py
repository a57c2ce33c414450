"""portal.forms renders a select as Django's own select and option templates would, byte for byte:
every list page's filter form, with and without a value chosen, and a select with groups, odd
attributes and text that needs escaping."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from portal.forms import GovukFormRenderer

pytestmark = pytest.mark.django_db


def _both(widget, name, value, attrs=None):
    fast = widget.render(name, value, attrs=attrs, renderer=GovukFormRenderer())
    slow = widget.render(name, value, attrs=attrs, renderer=TemplatesSetting())
    return fast, slow


class _Odd(forms.Form):
    grouped = forms.ChoiceField(
        choices=[("", "Any"), ("Nights <late>", [("a&b", "A & B"), (1, "One")]), ("z", mark_safe("<b>Z</b>"))]
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", 'Why "so"')])
    yes = forms.NullBooleanField()


@pytest.mark.parametrize("value", [None, "", "a&b", 1, "z"])
def test_a_select_with_groups_renders_as_django_renders_it(value):
    field = _Odd().fields["grouped"]
    attrs = {"class": "govuk-select", "data-x": mark_safe("<i>"), "disabled": True, "hidden": False, "id": "id_g"}
    fast, slow = _both(field.widget, "grouped", value, attrs)
    assert fast == slow
    assert not GovukFormRenderer()._overridden()  # the fast path ran, not the templates


def test_a_multiple_select_and_a_yes_no_select_render_as_django_renders_them():
    form = _Odd()
    assert _both(form.fields["many"].widget, "many", ["y"])[0] == _both(form.fields["many"].widget, "many", ["y"])[1]
    assert _both(form.fields["yes"].widget, "yes", True)[0] == _both(form.fields["yes"].widget, "yes", True)[1]


@pytest.mark.parametrize(
    "filterset_path",
    [
        "devices.core.filters.DeviceFilterSet",
        "devices.core.filters.ActivityFilterSet",
        "devices.leavers.filters.LeaverCaseFilterSet",
        "incidents.filters.IncidentFilterSet",
        "policy.filters.PersonComplianceFilterSet",
    ],
)
def test_every_filter_forms_selects_render_as_django_renders_them(filterset_path, monkeypatch):
    from django.utils.module_loading import import_string

    from tests.factories import DeviceFactory, UserFactory

    DeviceFactory(), UserFactory(command_unit="North")
    filterset_class = import_string(filterset_path)
    form = filterset_class(data={}, queryset=filterset_class._meta.model.objects.none()).form
    selects = [f for f in form if isinstance(f.field.widget, forms.Select)]
    assert selects
    for field in selects:
        choices = list(field.field.widget.choices)
        value = choices[-1][0] if choices else None
        fast, slow = _both(field.field.widget, field.html_name, value, {"id": field.auto_id, "class": "govuk-select"})
        assert fast == slow, field.name


class _Inputs(forms.Form):
    text = forms.CharField()
    hidden = forms.CharField(widget=forms.HiddenInput)
    tick = forms.BooleanField()
    number = forms.IntegerField()
    email = forms.EmailField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    link = forms.URLField(assume_scheme="https")


@pytest.mark.parametrize("value", [None, "", 'a "quoted" <b>&amp;</b>', mark_safe("<i>safe</i>"), 7, True])
def test_every_input_renders_as_django_renders_it(value):
    attrs = {"class": "govuk-input", "data-x": mark_safe("<i>"), "disabled": True, "hidden": False, "id": "id_i"}
    for name, field in _Inputs().fields.items():
        fast, slow = _both(field.widget, name, value, attrs)
        assert fast == slow, name
    assert not GovukFormRenderer()._overridden("django/forms/widgets/text.html", "django/forms/widgets/input.html")


class _TemplatesOnly(GovukFormRenderer):
    def _overridden(self, *names):
        return True  # as if the project replaced Django's widget templates: they are rendered


def test_a_whole_form_renders_the_same_with_and_without_the_templates():
    data = {"text": "x<y", "hidden": "h", "tick": "on", "number": "3", "email": "a@b", "day": "2026-01-02"}
    for given in (data, None):
        fast = str(_Inputs(given, renderer=GovukFormRenderer()))
        slow = str(_Inputs(given, renderer=_TemplatesOnly()))
        assert fast == slow
