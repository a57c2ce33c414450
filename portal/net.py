"""The caller's network address, worked out once for every record that keeps one: the security
log, acceptance evidence, the audit log and allauth's sign-in rate limits. And where a `next=`
may send the caller: only somewhere on this site."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def local_redirect_target(request, target: str | None) -> str:
    """`target` if it is a path on this site, else "": never a scheme or a host, so never
    "https://elsewhere", "//host", "/\\host", "javascript:..." or "http:///host"."""
    target = target or ""
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not parts.scheme
        and not parts.netloc
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=True)
    ):
        return target
    return ""


def _valid_ip(value: str | None) -> str | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    # A zone ("fe80::1%eth0") is local to the host that saw it, and an inet column refuses it.
    return str(address).split("%", 1)[0]


def client_ip(request) -> str | None:
    """The client's address, or None if there is no valid one.

    Behind the force's proxy (USE_X_FORWARDED_FOR) REMOTE_ADDR is the proxy. Every proxy appends
    the address that connected to it, so the entry TRUSTED_PROXY_COUNT from the right is the one
    the outermost trusted proxy saw; anything left of it was written by the client and is ignored.
    """
    if request is None:
        return None
    if settings.USE_X_FORWARDED_FOR:
        entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        position = max(settings.TRUSTED_PROXY_COUNT, 1)
        if entries != [""] and len(entries) >= position:
            address = _valid_ip(entries[-position])
            if address is not None:
                return address
    return _valid_ip(request.META.get("REMOTE_ADDR"))
