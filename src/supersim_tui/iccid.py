"""ICCID rules shared by the client-side validation in the CLI, ops and TUI.

An ICCID printed on a SIM card is 19 or 20 digits with a Luhn check digit.
Labels often group the digits with spaces or dashes, and barcode scanners may
add surrounding whitespace, so :func:`normalize` strips those before checking.
"""

from __future__ import annotations

import re

ICCID_MIN_DIGITS = 19
ICCID_MAX_DIGITS = 20
REGISTRATION_CODE_LENGTH = 10

_SEPARATORS = re.compile(r"[\s\-]+")
_REGISTRATION_CODE = re.compile(r"[A-Za-z0-9]{10}")
ASCII_DIGITS = frozenset("0123456789")
# Longer than any ICCID with its separators: a value beyond this is not an ICCID, and saying so is
# cheaper than normalising and scanning a pasted megabyte.
ICCID_INPUT_MAX = 64


def is_ascii_digits(value: str) -> bool:
    """True for a non-empty string of ASCII digits only (``str.isdigit`` also accepts ``²``, ``①``, ``٣``)."""
    return bool(value) and value.isascii() and value.isdigit()


def meant_as_iccid(text: str) -> bool:
    """True when ``text`` starts with a digit of any script (after separators): an ICCID is meant, to be checked
    with :func:`iccid_problem` (which accepts ASCII digits only) rather than taken as a SID or name."""
    return normalize(text[: ICCID_INPUT_MAX + 1])[:1].isdigit()


def normalize(raw: str) -> str:
    """Remove the spaces and dashes that labels and scanners add."""
    return _SEPARATORS.sub("", raw)


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit that makes ``payload + digit`` valid."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def luhn_valid(digits: str) -> bool:
    """True if the last digit of ``digits`` is its Luhn check digit."""
    if len(digits) < 2 or not is_ascii_digits(digits):
        return False
    return luhn_check_digit(digits[:-1]) == int(digits[-1])


def iccid_problem(raw: str) -> str | None:
    """Say exactly what is wrong with an ICCID, or None when it is valid.

    The message is written for the person holding the card: it names the
    offending character or the digit count, so a mistyped or misread ICCID can
    be fixed without guessing.
    """
    if len(raw) > ICCID_INPUT_MAX:
        return f"ICCID is {len(raw):,} characters long; it needs {ICCID_MIN_DIGITS} or {ICCID_MAX_DIGITS} digits"
    value = normalize(raw)
    if not value:
        return "ICCID is empty: enter the 19 or 20 digits printed on the SIM"
    for position, char in enumerate(value, start=1):
        if char not in ASCII_DIGITS:
            return f"ICCID must contain only the digits 0-9: {char!r} at position {position}"
    if len(value) < ICCID_MIN_DIGITS:
        return f"ICCID has {len(value)} digits; it needs {ICCID_MIN_DIGITS} or {ICCID_MAX_DIGITS}"
    if len(value) > ICCID_MAX_DIGITS:
        return f"ICCID has {len(value)} digits; it needs {ICCID_MIN_DIGITS} or {ICCID_MAX_DIGITS}"
    if not luhn_valid(value):
        expected = luhn_check_digit(value[:-1])
        return (
            f"ICCID check digit is wrong (last digit {value[-1]}, expected {expected}): a digit was probably mistyped"
        )
    return None


def is_valid_iccid(raw: str) -> bool:
    return iccid_problem(raw) is None


def registration_code_problem(raw: str) -> str | None:
    """Say what is wrong with a registration code, or None when it is well formed."""
    value = raw.strip()
    if not value:
        return "registration code is empty: enter the 10 characters printed on the SIM"
    if not _REGISTRATION_CODE.fullmatch(value):
        if len(value) != REGISTRATION_CODE_LENGTH:
            return (
                f"registration code has {len(value):,} characters; "
                f"it needs exactly {REGISTRATION_CODE_LENGTH} letters or digits"
            )
        for position, char in enumerate(value, start=1):
            if not (char.isascii() and char.isalnum()):
                return (
                    f"registration code must contain only the letters A-Z and digits 0-9: "
                    f"{char!r} at position {position}"
                )
    return None


def make_iccid(prefix: str, serial: int, length: int = ICCID_MAX_DIGITS) -> str:
    """Build a valid ICCID from a prefix and a serial number (for seeds and tests)."""
    body_length = length - 1 - len(prefix)
    payload = prefix + str(serial).zfill(body_length)
    if len(payload) != length - 1:
        raise ValueError("serial does not fit in the ICCID")
    return payload + str(luhn_check_digit(payload))
