"""Triage: what happens to a device once it is back with a Tech Bar (stock, repair, disposal)."""
