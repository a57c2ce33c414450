"""policy data. Built by its own issue."""
