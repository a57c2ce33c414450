"""The words an incident is recorded in: choices, text limits and the bounded text field."""

from django.core.validators import MaxLengthValidator
from django.db import models


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not sure"


class BreachKind(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "Confidentiality: information seen, taken or shared without a need to know"
    INTEGRITY = "integrity", "Integrity: information changed, corrupted or wrongly recorded"
    AVAILABILITY = "availability", "Availability: information or a system lost, deleted or out of reach"


class PeopleCategory(models.TextChoices):
    OFFICERS = "officers", "Officers"
    STAFF = "staff", "Police staff"
    VICTIMS = "victims", "Victims"
    WITNESSES = "witnesses", "Witnesses"
    SUSPECTS = "suspects", "Suspects or offenders"
    PUBLIC = "public", "Members of the public"
    OTHER = "other", "Other people"


class DataCategory(models.TextChoices):
    IDENTITY = "identity", "Names, dates of birth or identity documents"
    CONTACT = "contact", "Contact details or addresses"
    FINANCIAL = "financial", "Financial details"
    LOCATION = "location", "Location data"
    CASE = "case", "Case, intelligence or operational information"
    CREDENTIALS = "credentials", "Passwords or other access credentials"
    HEALTH = "health", "Health data (special category)"
    SPECIAL = (
        "special",
        (
            "Other special-category data: racial or ethnic origin, political opinions, religious beliefs, "
            "trade union membership, genetic or biometric data, sex life or sexual orientation"
        ),
    )
    CRIMINAL_OFFENCE = "criminal_offence", "Criminal offence data: allegations, proceedings or convictions"
    OTHER = "other", "Other"


SPECIAL_OR_CRIMINAL = {DataCategory.HEALTH, DataCategory.SPECIAL, DataCategory.CRIMINAL_OFFENCE}

# Longest free text, in characters: room for a thorough account, not for a pasted file.
LONG_TEXT = 10_000  # the account of what happened, an update, the reasons for a decision
MEDIUM_TEXT = 4_000  # consequences, containment, reasons for delay, triage and status notes
SHORT_TEXT = 1_000  # lists: systems, devices, who else knows, processors


def bounded_text(verbose_name=None, *, max_length: int, **kwargs) -> models.TextField:
    """A TextField whose length is checked by the model (services call full_clean) as well as
    the form (Django passes max_length to the form field and the textarea)."""
    return models.TextField(verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)
