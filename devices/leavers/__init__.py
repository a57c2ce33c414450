"""Leaver cases: a person's leaving date opens a case listing the kit and force property they
hold; the case is worked at the counter and on its pages, with reminders on a ladder."""
