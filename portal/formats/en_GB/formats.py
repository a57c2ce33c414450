"""Kitbag's date and time formats for en-GB, over Django's own (which show 12-hour times).
Only what is shown changes; what people type (the *_INPUT_FORMATS) stays Django's en-GB list."""

DATE_FORMAT = "j M Y"  # 24 Nov 2026
TIME_FORMAT = "H:i"  # 20:28
DATETIME_FORMAT = "j M Y H:i"  # 24 Nov 2026 20:28
SHORT_DATE_FORMAT = "j M Y"  # django-tables2's DateColumn
SHORT_DATETIME_FORMAT = "j M Y H:i"  # django-tables2's DateTimeColumn
