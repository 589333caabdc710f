"""Unique names and references: the patterns that make names, the names themselves, and SIDs or names given
by the user to point at a SIM, fleet or NAP.

Limits. The Super SIM documents (``/work/shared/reference``, the OpenAPI description) give no maximum length
for ``UniqueName``. Twilio's other resources cap unique names at 64 characters, so names this tool *creates*
are held to :data:`UNIQUE_NAME_MAX` = 64: a conservative limit that the real API accepts. Names the user
*refers to* may have been made by other tools, so references are only capped at :data:`REF_MAX` (long enough
for any plausible name, short enough to keep a pasted megabyte out of a URL).

Patterns are ``str.format`` strings with a restricted grammar, checked before any name is made:

- fields: ``{n}`` (1, 2, … in selection order), ``{iccid}``, ``{last4}``, ``{last6}``, ``{sid}``;
- no conversions (``!r``, ``!s``, ``!a``), no attribute or index access (``{n.real}``, ``{iccid[0]}``);
- a format spec of at most ``[[fill]align][0][width]`` (and type ``d`` for ``{n}``), width ≤ 64, no nested
  fields (``{n:{iccid}}``).

The width is checked before anything is formatted, so no pattern can make the tool allocate a huge string.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache

from ..iccid import iccid_problem, meant_as_iccid

UNIQUE_NAME_MAX = 64
REF_MAX = 256
NAME_FIELDS = ("iccid", "last4", "last6", "n", "sid")
PATTERN_MAX = 1024  # a pattern longer than this cannot make a name of 64 characters anyway
# The shortest and longest value of each field (n: its digits; bounded by the selection size at plan time).
_FIELD_LENGTH = {"iccid": (19, 20), "last4": (4, 4), "last6": (6, 6), "sid": (34, 34), "n": (1, 7)}
_SPEC = re.compile(r"(?:(?P<fill>.)?(?P<align>[<>^=]))?(?P<zero>0)?(?P<width>[0-9]+)?(?P<type>[a-zA-Z%])?", re.DOTALL)
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
SIM_SID = re.compile(r"HS[0-9a-fA-F]{32}")
SID_PREFIXES = {"SIM": "HS", "fleet": "HF", "NAP": "HA", "network": "HW"}


class PatternError(ValueError):
    """A unique-name pattern (or a name it makes) that cannot be used; the message says why and what to write."""


@dataclass(frozen=True)
class Field:
    """One ``{field:spec}`` of a pattern, its spec taken apart."""

    name: str
    width: int = 0
    fill: str = " "
    align: str = ""  # "<", ">", "^", "=", or "" for the default (numbers right, text left)


Segment = tuple[str, Field | None]  # literal text, then the field after it (None at the end)


def _control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0


def control_character(text: str) -> str | None:
    """The first control character in ``text`` (tabs, newlines, escapes…), or None."""
    for char in text:
        if _control(char):
            return char
    return None


def _shown(text: str, limit: int = 40) -> str:
    """``text`` safe to print: control characters escaped, cut at ``limit`` characters."""
    cut = text[:limit]
    return "".join(repr(c)[1:-1] if _control(c) else c for c in cut) + ("…" if len(text) > limit else "")


@lru_cache(maxsize=64)
def _parse(pattern: str) -> tuple[str, tuple[Field, ...], tuple[Segment, ...]]:
    """(the literal text, the fields, the segments in order) of a valid pattern; raises :class:`PatternError`
    naming the problem."""
    if len(pattern) > PATTERN_MAX:
        raise PatternError(
            f"unique-name pattern is {len(pattern):,} characters long; a unique name may have at most {UNIQUE_NAME_MAX}"
        )
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise PatternError(f"unique-name pattern: {error} (write {{{{ or }}}} for a literal brace)") from None
    literal: list[str] = []
    fields: list[Field] = []
    segments: list[Segment] = []
    allowed = ", ".join("{" + f + "}" for f in NAME_FIELDS)
    for text, name, spec, conversion in parts:
        literal.append(text)
        if name is None:
            segments.append((text, None))
            continue
        if name not in NAME_FIELDS:
            raise PatternError(f"unique-name pattern: unknown field {{{_shown(name)}}}; use {allowed}")
        if conversion is not None:
            raise PatternError(
                f"unique-name pattern: {{{name}!{_shown(conversion, 5)}}}: conversions (!r, !s, !a) "
                f"are not supported; write {{{name}}}"
            )
        fields.append(_check_spec(name, spec or ""))
        segments.append((text, fields[-1]))
    text = "".join(literal)
    bad = control_character(text)
    if bad is not None:
        raise PatternError(f"unique-name pattern contains the control character {bad!r}; names are plain text")
    if not fields:
        raise PatternError(f"unique-name pattern: include {allowed}, or every SIM would get the same name")
    return text, tuple(fields), tuple(segments)


def _check_spec(name: str, spec: str) -> Field:
    """The field with what its format spec asks for; raises :class:`PatternError` for anything unsupported."""
    if not spec:
        return Field(name)
    where = f"{{{name}:{_shown(spec, 20)}}}"
    if "{" in spec or "}" in spec:
        raise PatternError(f"unique-name pattern: {where}: a format spec cannot contain another field")
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise PatternError(
            f"unique-name pattern: {where}: unsupported format; use [[fill]align][0][width], e.g. {{n:04}} or {{n:>5}}"
        )
    fill, align, kind, width = match["fill"], match["align"], match["type"], match["width"] or ""
    if fill is not None and (_control(fill) or fill in "{}"):
        raise PatternError(f"unique-name pattern: {where}: the fill character {fill!r} is not allowed")
    if kind is not None and not (name == "n" and kind == "d"):
        raise PatternError(
            f"unique-name pattern: {where}: format type {kind!r} does not apply: {{{name}}} is "
            + ("a number (only d)" if name == "n" else "text (no type)")
        )
    if align == "=" and name != "n":
        raise PatternError(f"unique-name pattern: {where}: '=' alignment only applies to {{n}}")
    if len(width) > 3 or int(width or 0) > UNIQUE_NAME_MAX:
        raise PatternError(
            f"unique-name pattern: {where}: width {width[:10]}{'…' if len(width) > 10 else ''} is "
            f"wider than a unique name (at most {UNIQUE_NAME_MAX} characters)"
        )
    if match["zero"] and fill is None:  # {n:04}: zeros after the sign, as str.format pads a number (text: on the right)
        fill, align = "0", align or ("=" if name == "n" else "<")
    return Field(name, int(width or 0), fill if fill is not None else " ", align or "")


def pattern_segments(pattern: str) -> tuple[Segment, ...]:
    """A valid pattern as (literal, field) pairs in order, for reading names back (``ops.name_numbers``);
    raises :class:`PatternError` for an invalid one."""
    return _parse(pattern)[2]


def pattern_fields(pattern: str) -> set[str]:
    """The fields a valid pattern uses; raises :class:`PatternError` for an invalid one."""
    return {f.name for f in _parse(pattern)[1]}


def validate_pattern(pattern: str) -> None:
    """Raise :class:`PatternError` unless ``pattern`` can make names within :data:`UNIQUE_NAME_MAX`.

    The check uses each field's shortest value ({n} = 1, a 19-digit ICCID), so a pattern rejected here would
    make no valid name at all; longer values are checked name by name (:func:`format_unique_name`)."""
    text, fields, _ = _parse(pattern)
    shortest = len(text) + sum(max(f.width, _FIELD_LENGTH[f.name][0]) for f in fields)
    if shortest > UNIQUE_NAME_MAX:
        raise PatternError(
            f"unique-name pattern makes names of at least {shortest:,} characters; a unique name "
            f"may have at most {UNIQUE_NAME_MAX}"
        )


def format_unique_name(pattern: str, *, iccid: str, n: int, sid: str | None = None) -> str:
    """Fill a unique-name pattern ({n}, {iccid}, {last4}, {last6}, and {sid} when known) for one SIM.

    Raises :class:`PatternError` (a ValueError) for an invalid pattern, {sid} when the SID is not known yet,
    or a name longer than :data:`UNIQUE_NAME_MAX`."""
    validate_pattern(pattern)
    values: dict[str, object] = {"iccid": iccid, "last4": iccid[-4:], "last6": iccid[-6:], "n": n}
    if sid is not None:
        values["sid"] = sid
    elif "sid" in pattern_fields(pattern):
        raise PatternError(
            "unique-name pattern: {sid} is only known once the SIM is registered; use {n}, {iccid}, {last4} or {last6}"
        )
    if len(iccid) > 64 or not -(10**18) < n < 10**18:
        raise PatternError("unique-name pattern: the ICCID or number is out of range")
    try:
        name = pattern.format(**values)
    except (ValueError, KeyError, IndexError, AttributeError) as error:  # not expected after validation
        raise PatternError(f"unique-name pattern: {type(error).__name__}: {str(error)[:80]}") from None
    if len(name) > UNIQUE_NAME_MAX:
        raise PatternError(
            f"the name would be {len(name)} characters; a unique name may have at most {UNIQUE_NAME_MAX}"
        )
    if meant_as_iccid(name):
        raise PatternError(
            f"the name {name!r} starts with a digit, so it would be read as an ICCID and the SIM could not be "
            "found by it: start the pattern with a letter (sim-{last4}, not {last4})"
        )
    return name


def unique_name_problem(value: str) -> str | None:
    """What is wrong with a unique name to set, or None."""
    if not value.strip():
        return "is empty"
    if len(value) > UNIQUE_NAME_MAX:
        return f"is {len(value):,} characters long; a unique name may have at most {UNIQUE_NAME_MAX}"
    bad = control_character(value)
    if bad is not None:
        return f"contains the control character {bad!r}"
    if _SID.fullmatch(value):
        return "looks like a SID (two capitals and 32 hexadecimal digits): it would be taken for one; choose another"
    return None


def sim_name_problem(value: str) -> str | None:
    """What is wrong with a unique name to give a SIM, or None: :func:`unique_name_problem`, and a name the tool
    would read back as an ICCID (one starting with a digit, as ``722775`` or ``1234-7``: a mistyped ICCID is
    reported as one) could never be used to find the SIM again. Fleet and NAP names are not read as ICCIDs."""
    problem = unique_name_problem(value)
    if problem is None and meant_as_iccid(value):
        return (
            "starts with a digit, so it would be read as an ICCID and the SIM could not be found by it: "
            "start it with a letter (dev-1042, not 1042)"
        )
    return problem


def ref_problem(value: str, kind: str) -> str | None:
    """What is wrong with a SID or unique name the user gave to point at a ``kind`` (SIM, fleet, NAP), or None.

    A value shaped like a SID must be one of the right kind (``HF…`` for a fleet); anything else is a name."""
    if not value.strip():
        return f"is empty: give a {kind} SID or unique name"
    if len(value) > REF_MAX:
        return f"is {len(value):,} characters long: not a {kind} SID or unique name (at most {REF_MAX})"
    bad = control_character(value)
    if bad is not None:
        return f"contains the control character {bad!r}"
    prefix = SID_PREFIXES.get(kind)
    if prefix and _SID.fullmatch(value) and not value.startswith(prefix):
        return f"{value} is not a {kind} SID ({kind} SIDs start with {prefix})"
    if prefix and value.startswith(prefix) and len(value) == 34 and not _SID.fullmatch(value):
        return f"is not a valid {kind} SID: expected {prefix} and 32 hexadecimal digits"
    return None


def sim_ref_problem(value: str) -> str | None:
    """What is wrong with a SIM given on the command line where SIMs are expected: an ICCID (anything led by a
    digit is checked as one), a SID (of a SIM: another kind's is named as such), else a unique name. Whether a
    name is a SIM's, or a fleet's or NAP's given by mistake, only the account can say (``select.kind_named``)."""
    if meant_as_iccid(value) or _SID.fullmatch(value) or value.startswith("HS"):  # HS…: a SIM SID meant
        return sim_sid_or_iccid_problem(value)
    return ref_problem(value, "SIM")


def sim_sid_or_iccid_problem(value: str) -> str | None:
    """What is wrong with a SIM SID (``HS`` and 32 hexadecimal digits) or ICCID, as the bulk commands and ICCID
    files take them, or None."""
    if value.startswith("HS"):
        return None if SIM_SID.fullmatch(value) else "not a SIM SID (HS and 32 hexadecimal digits) nor an ICCID"
    if _SID.fullmatch(value):  # another kind's SID (a fleet's, pasted for its SIMs): not "only the digits 0-9"
        kind = next((k for k, prefix in SID_PREFIXES.items() if value.startswith(prefix)), "")
        hint = " (a fleet's SIMs are chosen with --fleet)" if kind == "fleet" else ""
        return f"a {kind or 'resource'} SID, not a SIM's: give SIM ICCIDs or SIM SIDs (HS…){hint}"
    return iccid_problem(value)
