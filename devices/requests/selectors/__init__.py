"""Reads for kit requests:
- kit: kit entitlements and gaps, and the requests a user may see;
- pages: what the request pages, the queues and the counter show.
"""
