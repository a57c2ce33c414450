"""The Data Office dashboards: Incidents, Conditions of use, Devices and Leavers. Each app's
numbers come from that app's selectors; this package turns them into panels (chart, table, link,
CSV) for one viewer's scope and filters."""
