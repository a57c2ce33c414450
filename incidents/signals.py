"""Hooks other apps use to add to incident pages without incidents importing them (STYLE.md's
dependency rule): the devices app, for one, lists the devices an incident involves."""

from django.dispatch import Signal

# Sent while the Data Office's incident page renders, with `incident` and `user`. A receiver
# returns HTML (already escaped, e.g. from render_to_string) or "" when it has nothing to add.
incident_page_sections = Signal()
