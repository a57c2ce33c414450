"""What a scanned or typed code is, before any read: an IMEI's Luhn check digit, and codes no
scanner sends (devices.core.selectors finds the device a code names)."""


def imei_check_digit(first_14: str) -> str:
    """The Luhn check digit that ends an IMEI whose first 14 digits are these."""
    total = 0
    for i, ch in enumerate(reversed(first_14)):
        d = int(ch)
        if i % 2 == 0:  # from the right, every other digit starting with the last is doubled
            d = d * 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def imei_check_digit_ok(code: str) -> bool:
    """The Luhn check of a 15-digit IMEI (its last digit checks the first 14)."""
    return len(code) == 15 and code.isdigit() and imei_check_digit(code[:14]) == code[14]


def looks_like_imei(code: str) -> bool:
    return len(code) == 15 and code.isdigit()


def unreadable_code(code: str) -> bool:
    """A code holding control characters (NUL, escapes): no scanner sends one, and PostgreSQL
    refuses NUL in a query, so it is answered "not found" before it reaches the database."""
    return any(ord(c) < 32 or ord(c) == 127 for c in code)
