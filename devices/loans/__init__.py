"""Loans: pool devices lent for a period with a due-back date, chased on a ladder until they come back."""
