"""What the header's search box finds in incidents: an incident by its reference (INC-00012),
or by words of its summary, for Data Office reviewers only (can_review: nobody else opens the
review page, Portal admins included). A reference goes only here; a term without a letter never does."""

from django.urls import reverse

from incidents import permissions
from incidents.models import Incident
from portal import search

REFERENCES = ("INC",)


def _accepts(term) -> bool:
    """Words of a summary: letters, or several words; not one token of letters and digits (an asset
    tag, serial or payroll number, which no summary is searched by)."""
    return term.letters and (not term.single or not any(c.isdigit() for c in term))


def _exact(user, term):
    number = search.numbered(term, *REFERENCES)
    if number is not None and Incident.objects.filter(pk=number).exists():
        return reverse("incidents:incident_review", args=[number])
    return None


def _find(user, term, limit):
    matches = Incident.objects.filter(summary__icontains=term)  # a trigram index on PostgreSQL
    page = search.first_page(matches, order_by=("-pk",), limit=limit, fields=("summary",))
    hits = []
    for row in page.rows:
        incident = Incident(pk=row["pk"], summary=row["summary"])  # unsaved: for its reference and URL
        hits.append(search.Hit(label=incident.reference, url=incident.get_review_url(), detail=incident.summary))
    return hits, page.count, page.more


search.register(
    kind="Incidents",
    order=50,
    allowed=permissions.can_review,
    exact=_exact,
    find=_find,
    accepts=_accepts,
    references=REFERENCES,
)
