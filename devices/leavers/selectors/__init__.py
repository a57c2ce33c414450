"""Reads for leaver cases:
- cases: who sees which case, with what is still out and whether it is overdue;
- pages: what the leaver pages and the counter show (a fixed number of queries each).
"""
