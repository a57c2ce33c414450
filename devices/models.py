"""devices data. Built by its own issue."""
