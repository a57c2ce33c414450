"""The Data Office dashboards. Each app registers its dashboards and panels in its own
`dashboards.py` (portal.dashboards.registry), from its own selectors; this package holds the
pages, the panel and scope types they share, and the registry."""
