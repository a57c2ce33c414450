"""The caller's network address, worked out once for every record that keeps one: the security
log, acceptance evidence, the audit log and allauth's sign-in rate limits."""

import ipaddress

from django.conf import settings


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
