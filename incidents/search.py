"""What the header's search box finds in incidents: an incident by its reference (INC-00012),
or by words of its summary, for Data Office reviewers only (can_review: nobody else opens the
review page, Portal admins included)."""

from django.urls import reverse

from incidents import permissions
from incidents.models import Incident
from portal import search


def _exact(user, term):
    number = search.numbered(term, "INC")
    if number is not None and Incident.objects.filter(pk=number).exists():
        return reverse("incidents:incident_review", args=[number])
    return None


def _find(user, term, limit):
    matches = Incident.objects.filter(summary__icontains=term)  # a trigram index on PostgreSQL
    incidents, count = search.first_page(matches, order_by=("-pk",), limit=limit)
    hits = [
        search.Hit(label=incident.reference, url=incident.get_review_url(), detail=incident.summary)
        for incident in incidents
    ]
    return hits, count


search.register(kind="Incidents", order=50, allowed=permissions.can_review, exact=_exact, find=_find)
