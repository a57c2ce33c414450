"""Hostile values for the property-based tests, what a page's forms ask for, and a snapshot of
every row the portal keeps, to prove a refused request wrote nothing."""

from html.parser import HTMLParser

from django.apps import apps
from hypothesis import strategies as st

# Stored in every free-text field by the inertness tests; generated among the values below too.
SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'"

NONSENSE_DATES = [
    "2026-02-30",
    "31/02/2026",
    "0000-00-00",
    "9999-12-31T99:99",
    "2026-13-01",
    "-1",
    "yesterday",
    "2026-03-29T01:30",  # the missing hour in March (Europe/London)
    "2026-10-25T01:30",  # the repeated hour in October
    "1e309",
    "",
]

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
control = st.text(st.characters(max_codepoint=0x1F), min_size=1, max_size=8)
with_nul = st.builds(lambda a, b: f"{a}\x00{b}", text, text)
# Huge, but few: a megabyte would only test the test client's speed.
huge = st.sampled_from([5_000, 70_000, 300_000]).map(lambda n: "Ǆ" * n)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "-0", "1e9999", "0x10", "1_000", "٣", "NaN"]),
)
dates = st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(NONSENSE_DATES))
scalar = st.one_of(text, control, with_nul, huge, numbers, dates, st.just(SCRIPT))

MISSING = object()


def field_value(options: list[str]):
    """One field's value as a browser could never send it (or, among them, one it could): a hostile
    scalar, one of the page's own options, a repeated field, or the field left out."""
    single = st.one_of(scalar, st.sampled_from(options)) if options else scalar
    return st.one_of(st.just(MISSING), single, st.lists(single, min_size=2, max_size=3))


def form_data(fields: dict[str, list[str]]):
    """A POST body for these fields (name -> the page's own values for it), plus an unexpected one."""
    body = st.fixed_dictionaries({name: field_value(options) for name, options in fields.items()})
    extra = st.dictionaries(st.sampled_from(["__proto__", "id", "pk", "actor", "status"]), scalar, max_size=1)
    return st.builds(
        lambda values, more: {k: v for k, v in {**more, **values}.items() if v is not MISSING}, body, extra
    )


class _FormFields(HTMLParser):
    """Every field of every POST form on a page: name -> the values the page offers for it."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._in_post_form = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "").lower() == "post"
            return
        if not self._in_post_form:
            return
        name = attrs.get("name")
        if tag in {"input", "textarea", "button"} and name and name != "csrfmiddlewaretoken":
            options = self.fields.setdefault(name, [])
            if attrs.get("value") not in (None, "") and attrs.get("type") not in {"text", "email", "number"}:
                options.append(attrs["value"])
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and attrs.get("value"):
            self.fields[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False
        elif tag == "select":
            self._select = None


def post_form_fields(html: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


STATE_APPS = ("portal", "policy", "incidents", "devices", "api", "auditlog", "sessions")


def database_state(*, ignore: frozenset[str] = frozenset()) -> dict[str, frozenset]:
    """Every row of every model the portal keeps (small test databases only), to compare before and
    after a request. `ignore`: model labels ("app.model") a request may change without writing."""
    state = {}
    for app_label in STATE_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label_lower in ignore or model._meta.proxy:
                continue
            state[model._meta.label_lower] = frozenset(repr(row) for row in model.objects.values_list())
    return state


def changed_models(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


ERROR_MARKERS = (
    "govuk-error-summary",
    "govuk-error-message",
    "errornote",
    "errorlist",
    "There is a problem",
    "messagelist",
    "could not be accepted",  # the 400 page (portal.views.bad_request)
)


def shows_an_error(response) -> bool:
    """A refusal says why: an error summary or message on the page, or errors in a JSON body."""
    content_type = response.get("Content-Type", "")
    body = response.content.decode("utf-8", "replace")
    if "json" in content_type:
        return len(body.strip()) > 2
    return any(marker in body for marker in ERROR_MARKERS)
