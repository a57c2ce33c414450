"""Figures as of any past instant, from the custody and HR history alone (never from current
status fields), with disclosure control, and the log of answers given to Freedom of Information
requests."""
