"""Reading an uploaded text file (a CSV export): UTF-8, with or without the byte-order mark,
as Excel's "CSV UTF-8" and most registers write it, else Windows-1252, as Excel's plain "CSV"
writes it in the Netherlands. A file that is neither, or holds NUL characters, is not a text
file (a spreadsheet saved as .xlsx, a PDF, random bytes): NotText, for the caller to refuse
with its own words."""


class NotText(ValueError):
    """The upload is not a text file."""


def decode_upload(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise NotText from exc
    if "\x00" in text:
        raise NotText
    return text
