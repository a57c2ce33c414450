"""Security incidents: the 12-hour report, its escalation timers and Data Office triage."""
