"""Where the policy pages are, and what a page carries, for the view tests."""

import re

from django.urls import reverse


def accept_url(version, next_url=None):
    url = reverse("policy:accept", kwargs={"slug": version.policy.slug})
    return f"{url}?next={next_url}" if next_url else url


def receipt_url(version):
    return reverse("policy:receipt", kwargs={"slug": version.policy.slug, "number": version.number})


def token_from(response) -> str:
    return re.search(r'name="shown" value="([^"]+)"', response.content.decode()).group(1)


def is_sent_to_accept(response, version) -> bool:
    return response.status_code == 302 and response["Location"].startswith(accept_url(version))
