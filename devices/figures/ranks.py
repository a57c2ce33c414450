"""Officers and staff apart, from the rank or grade the HR feed sends (free text: "Police
Constable", "PC", "Detective Sergeant", "Band E", "PCSO"). A police officer holds a police rank,
Constable to Commissioner (Special Constables included); everyone else is staff: police staff,
PCSOs, and anyone with no rank recorded. One list of ranks, used in SQL and in Python alike."""

# Words that only a police rank contains (Chief Constable, Detective Chief Inspector ...).
RANK_WORDS = ("constable", "sergeant", "inspector", "superintendent", "commander", "commissioner")
# The usual abbreviations, as a whole field.
RANK_ABBREVIATIONS = (
    "pc", "dc", "ps", "ds", "sgt", "dsgt", "insp", "di", "ci", "dci", "supt", "dsupt", "ch supt",
    "csupt", "dcs", "acc", "dcc", "cc", "cmdr", "dac", "ac", "sc",
)  # fmt: skip

OFFICERS_AND_STAFF = (
    "Officers are people with a police rank at the time (Constable to Commissioner, Special "
    "Constables included); staff are everyone else: police staff, PCSOs and anyone whose rank was not recorded."
)


def is_officer(rank: str) -> bool:
    text = " ".join((rank or "").lower().split())
    return text in RANK_ABBREVIATIONS or any(word in text for word in RANK_WORDS)


def officer_sql(column: str) -> str:
    """1 for an officer, 0 for staff: an SQL expression over a rank column (constants only; in a
    query with parameters, so every % is doubled)."""
    text = f"LOWER(TRIM(COALESCE({column}, '')))"
    abbreviations = ", ".join(f"'{a}'" for a in RANK_ABBREVIATIONS)
    words = " OR ".join(f"{text} LIKE '%%{word}%%'" for word in RANK_WORDS)
    return f"CASE WHEN {text} IN ({abbreviations}) OR {words} THEN 1 ELSE 0 END"
