"""Uploaded CSV files are read as UTF-8 or as Excel's Windows-1252; anything else is refused."""

import pytest

from vrijstad.textfiles import NotText, decode_upload


def test_utf8_with_or_without_bom_and_windows_1252_are_read():
    assert decode_upload("\ufeffstraat\nCaféstraat\n".encode()) == "straat\nCaféstraat\n"
    assert decode_upload("Caféstraat €".encode()) == "Caféstraat €"
    assert decode_upload("Caféstraat €".encode("cp1252")) == "Caféstraat €"


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)), b"straat\x00;nummer\n", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x81\x8d"],
    ids=["binary", "nul", "zip"],
)
def test_binary_files_are_not_text(data):
    with pytest.raises(NotText):
        decode_upload(data)
