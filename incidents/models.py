"""incidents data. Built by its own issue."""
