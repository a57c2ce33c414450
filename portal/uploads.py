"""What an uploaded CSV really is, from its bytes: never from the name or the content type the
browser sent, which the sender chooses. Used by every CSV upload (the MDM import in the admin and
its worker job, the HR import) before a row is read."""

from django import forms

# The first bytes of the files a CSV upload most often turns out to be (a spreadsheet saved as
# .xlsx is a ZIP; .xls is an OLE compound file).
SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook is one)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls workbook"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)


ADVICE = "save it as CSV UTF-8 and upload that."
# The HR feed's largest file: 50,000 people is about 6 MB.
PEOPLE_MAX_BYTES = 20 * 1024 * 1024


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def too_big(size: int, max_bytes: int) -> str:
    return f"The file is {_size(size)}: the largest accepted is {max_bytes // 1024 // 1024} MB."


def csv_problem(data: bytes, *, max_bytes: int, advice: str = ADVICE) -> str:
    """Why these bytes are not a UTF-8 CSV this portal reads, in words for the person who sent
    them (ending with `advice`), or "" when they are."""
    if len(data) > max_bytes:
        return too_big(len(data), max_bytes)
    if not data.strip():
        return "The file is empty."
    if b"\x00" in data:
        return f"This is not a CSV file (it holds binary data): {advice}"
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return f"This is not a CSV file (it is {kind}): {advice}"
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return f"This is not a UTF-8 CSV file (byte {error.start} cannot be read): save it as CSV UTF-8."
    return ""


def clean_csv_upload(upload, *, max_bytes: int, advice: str = ADVICE):
    """A form's clean_<field> for an uploaded CSV: the upload, or a ValidationError saying why not.
    The size is checked before anything is read."""
    if upload.size > max_bytes:
        raise forms.ValidationError(too_big(upload.size, max_bytes))
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    problem = csv_problem(data, max_bytes=max_bytes, advice=advice)
    if problem:
        raise forms.ValidationError(problem)
    return upload
