"""Property-based tests for every parser and validator of user input: ICCIDs, registration codes, ICCID files,
registration CSVs, unique-name patterns, settings.toml, profiles.toml and the UTF-8 file reader.

Two properties each: any input ends in a result or one of the project's own error types (never another
exception), and valid input round-trips. Example counts are modest so the file runs in seconds.
"""

from __future__ import annotations

import argparse
import csv
import io
import string
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from supersim_tui.commands import argtypes
from supersim_tui.iccid import iccid_problem, make_iccid, meant_as_iccid, normalize, registration_code_problem
from supersim_tui.ops.names import (
    NAME_FIELDS,
    UNIQUE_NAME_MAX,
    PatternError,
    format_unique_name,
    ref_problem,
    unique_name_problem,
    validate_pattern,
)
from supersim_tui.ops.register import Registration, check_registration_csv, parse_registration_csv
from supersim_tui.ops.select import parse_iccid_lines
from supersim_tui.profiles import Profile, ProfileError, ProfileFile, load_profiles, save_profiles
from supersim_tui.settings import Settings, load_settings
from supersim_tui.textfile import FileProblem, decode

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text that mixes the characters these parsers meet: digits of every script, separators, quotes, controls.
TRICKY = st.text(
    alphabet=st.sampled_from(list("0123456789 -,#\"'\n\r\t{}:!<>^=.[]x\x00\x1b²①٣８HSFabc")) | st.characters(),
    max_size=60,
)
ASCII_DIGITS = set(string.digits)

iccids = st.builds(
    make_iccid, st.sampled_from(["8988307", "89010", "8944"]), st.integers(0, 10**9), st.sampled_from([19, 20])
)
codes = st.text(alphabet=string.ascii_letters + string.digits, min_size=10, max_size=10)
names = st.text(alphabet=string.ascii_letters + string.digits + "-_ .", min_size=1, max_size=UNIQUE_NAME_MAX).filter(
    lambda s: s.strip() == s and s.strip() != ""
)


# --------------------------------------------------------------------- ICCIDs
@FAST
@given(TRICKY)
@example("8988307000012345²78")
@example("٨٩٨٨٣٠٧٠٠٠٠١٢٣٤٥٦٧٨٩")
def test_iccid_check_never_raises_and_accepts_only_ascii_digits(text: str) -> None:
    """Any text gets a verdict, never an exception; an accepted ICCID is 19-20 ASCII digits."""
    problem = iccid_problem(text)
    if problem is None:
        value = normalize(text)
        assert set(value) <= ASCII_DIGITS and len(value) in (19, 20)
    else:
        assert "ICCID" in problem


@FAST
@given(iccids, st.lists(st.sampled_from([" ", "-", "  "]), max_size=4), st.randoms(use_true_random=False))
def test_valid_iccids_round_trip_through_label_separators(iccid: str, separators: list[str], rnd: Any) -> None:
    """A valid ICCID, grouped with spaces and dashes as on labels, is accepted and normalises back to itself."""
    chars = list(iccid)
    for separator in separators:
        chars.insert(rnd.randint(1, len(chars) - 1), separator)
    text = "".join(chars)
    assert iccid_problem(text) is None and normalize(text) == iccid


@FAST
@given(TRICKY)
def test_registration_code_check_never_raises(text: str) -> None:
    """Any text gets a verdict; an accepted code is exactly 10 ASCII letters or digits."""
    problem = registration_code_problem(text)
    value = text.strip()
    ok = len(value) == 10 and value.isascii() and value.isalnum()
    assert (problem is None) == ok


@FAST
@given(codes)
def test_valid_registration_codes_are_accepted(code: str) -> None:
    """Every 10-character ASCII alphanumeric code is accepted, with surrounding whitespace too."""
    assert registration_code_problem(code) is None and registration_code_problem(f" {code}\n") is None


@FAST
@given(TRICKY)
def test_cli_argument_types_raise_only_usage_errors(text: str) -> None:
    """The CLI's argument checks answer any text with a value or an argparse usage error (exit 2)."""
    checks = [
        argtypes._iccid,
        argtypes._sim,
        argtypes._bulk_sim,
        argtypes._ref("fleet"),
        argtypes._unique_name,
        argtypes._pattern,
        argtypes._run_id,
        argtypes._base_url,
        argtypes._profile_name,
        argtypes._port,
        argtypes._concurrency,
        argtypes._seconds,
        argtypes._text("x"),
    ]
    for check in checks:
        try:
            check(text)
        except argparse.ArgumentTypeError as error:
            assert str(error)


# ------------------------------------------------------------------ ICCID files
@FAST
@given(st.lists(TRICKY, max_size=8).map("\n".join))
def test_iccid_file_lines_never_raise(text: str) -> None:
    """Any file content gives (values, problems): every value is a valid ICCID or a SIM SID; problems name a line."""
    values, problems = parse_iccid_lines(text)
    for value in values:
        assert iccid_problem(value) is None or (value.startswith("HS") and len(value) == 34)
    assert all(p.startswith("line ") for p in problems)


@FAST
@given(st.lists(iccids, max_size=12), st.booleans())
def test_iccid_files_round_trip(values: list[str], comments: bool) -> None:
    """Valid ICCIDs, one per line (with comments and blank lines), come back in order without duplicates."""
    lines = [f"{v}  # box {i}" if comments else v for i, v in enumerate(values)]
    text = "# header\n\n" + "\n".join(lines) + "\n"
    parsed, problems = parse_iccid_lines(text)
    assert problems == [] and parsed == list(dict.fromkeys(values))


# ------------------------------------------------------------------------ CSVs
@FAST
@given(st.lists(st.lists(TRICKY, max_size=6).map(",".join), max_size=8).map("\n".join))
@example('a,"b')
@example("x" * 200_000)
def test_registration_csv_never_raises(text: str) -> None:
    """Any CSV text is checked into rows and problems (each naming a line): no csv.Error, no ValueError."""
    rows, problems = check_registration_csv(text)
    for row in rows:
        assert row.registration is not None or row.problems
        assert all(p.startswith(f"line {row.line}") for p in row.problems)
    try:
        parse_registration_csv(text)
    except ValueError as error:  # InputError
        assert str(error)


@FAST
@given(
    st.lists(
        st.tuples(iccids, codes, st.none() | names, st.none() | names.filter(lambda n: not meant_as_iccid(n))),
        max_size=10,
        unique_by=lambda r: r[0],
    ),
    st.booleans(),
)
def test_registration_csv_round_trips(rows: list[tuple[str, str, str | None, str | None]], header: bool) -> None:
    """Rows written by the csv module (quotes where needed) are read back as the same registrations."""
    assume(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(["iccid", "registration_code", "fleet", "unique_name"])
    for iccid, code, fleet, name in rows:
        writer.writerow([iccid, code, fleet or "", name or ""])
    parsed = parse_registration_csv(buffer.getvalue())
    first = 2 if header else 1
    assert parsed == [
        Registration(first + i, iccid, code, fleet, name) for i, (iccid, code, fleet, name) in enumerate(rows)
    ]


# ------------------------------------------------------------ unique-name patterns
@FAST
@given(TRICKY, iccids, st.integers(-5, 10**7))
@example("{n:>99999999}", "8988307000012345678", 1)
@example("{n:{iccid}}", "8988307000012345678", 1)
def test_patterns_raise_only_pattern_errors_and_names_stay_short(pattern: str, iccid: str, n: int) -> None:
    """Any pattern is valid or a PatternError; a valid one makes a name of at most 64 characters or says why not."""
    try:
        validate_pattern(pattern)
    except PatternError as error:
        assert str(error)
        return
    try:
        name = format_unique_name(pattern, iccid=iccid, n=n, sid="HS" + "0" * 32)
    except PatternError as error:
        assert str(error)
        return
    assert len(name) <= UNIQUE_NAME_MAX


pieces = st.one_of(
    st.text(alphabet=string.ascii_letters + "-_.", min_size=1, max_size=6),
    st.builds(
        lambda f, spec: "{" + f + spec + "}",
        st.sampled_from(NAME_FIELDS),
        st.sampled_from(["", ":>3", ":<5", ":^4", ":x>2"]),
    ),
    st.builds(lambda spec: "{n" + spec + "}", st.sampled_from([":04", ":d", ":03d", ":=5", ":*>6"])),
)


@FAST
@given(st.lists(pieces, min_size=1, max_size=4).map("".join), iccids, st.integers(1, 99_999))
def test_valid_patterns_format_like_str_format(pattern: str, iccid: str, n: int) -> None:
    """A pattern in the documented grammar is accepted and fills exactly as str.format would."""
    assume(any(piece in pattern for piece in ("{n", "{iccid", "{last", "{sid")))
    sid = "HS" + "ab" * 16
    expected = pattern.format(iccid=iccid, last4=iccid[-4:], last6=iccid[-6:], n=n, sid=sid)
    try:
        validate_pattern(pattern)
        name = format_unique_name(pattern, iccid=iccid, n=n, sid=sid)
    except PatternError:
        assert len(expected) > UNIQUE_NAME_MAX or meant_as_iccid(expected)  # too long, or read as an ICCID
        return
    assert name == expected


@FAST
@given(TRICKY, st.sampled_from(["SIM", "fleet", "NAP"]))
def test_names_and_references_never_raise(text: str, kind: str) -> None:
    """Unique names and SID/name references get a verdict for any text; an accepted name has no control
    characters and fits the limit."""
    problem = unique_name_problem(text)
    if problem is None:
        assert 0 < len(text) <= UNIQUE_NAME_MAX and all(ord(c) >= 0x20 for c in text)
    ref_problem(text, kind)


# ----------------------------------------------------------------- config files
@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for the examples of this module (each example overwrites the same file)."""
    return tmp_path_factory.mktemp("props")


def _write(folder: Path, data: bytes) -> Path:
    path = folder / "file.toml"
    path.write_bytes(data)
    return path


toml_values = st.recursive(
    st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20) | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
toml_docs = st.dictionaries(
    st.sampled_from(["default_profile", "concurrency", "theme", "confirm", "keymap", "default", "profiles", "other"])
    | st.text(max_size=8),
    toml_values,
    max_size=5,
)


@FAST
@given(st.binary(max_size=200) | toml_docs.map(lambda d: tomli_w.dumps(d).encode()))
@example(b"x = " + b"[" * 5000 + b"]" * 5000)
@example(b"\xff\xfe\x00")
def test_settings_never_raise(scratch: Path, data: bytes) -> None:
    """Any settings file gives Settings (problems as warnings naming the file), never an exception."""
    path = _write(scratch, data)
    result = load_settings(path)
    assert isinstance(result, Settings)
    assert 1 <= result.concurrency <= 256 and result.confirm in ("always", "never")
    assert all(str(path) in p for p in result.problems)


@FAST
@given(
    st.none() | st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    st.integers(1, 64),
    st.sampled_from(["always", "never"]),
    st.dictionaries(
        st.sampled_from(["tab.sims", "app.refresh", "app.quit"]), st.sampled_from(["s", "f5", "ctrl+r"]), max_size=3
    ),
)
def test_settings_round_trip(
    scratch: Path, profile: str | None, concurrency: int, confirm: str, keymap: dict[str, str]
) -> None:
    """Valid settings written as TOML are read back unchanged and without problems."""
    data: dict[str, Any] = {"concurrency": concurrency, "confirm": confirm, "keymap": keymap}
    if profile:
        data["default_profile"] = profile
    result = load_settings(_write(scratch, tomli_w.dumps(data).encode()))
    assert result.problems == []
    assert (result.default_profile, result.concurrency, result.confirm, result.keymap) == (
        profile,
        concurrency,
        confirm,
        keymap,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=200)
    | toml_docs.map(lambda d: tomli_w.dumps(d).encode())
    | st.dictionaries(
        st.text(max_size=6),
        st.dictionaries(
            st.sampled_from(["auth", "identity", "base_url", "token_url", "secret_store", "default_fleet"]),
            toml_values,
            max_size=6,
        ),
        max_size=3,
    ).map(lambda p: tomli_w.dumps({"profiles": p}).encode())
)
@example(b'profiles = "x"')
@example(b'default = ["a"]')
def test_profiles_raise_only_profile_errors(scratch: Path, data: bytes) -> None:
    """Any profiles file is read or rejected with a ProfileError that names the file."""
    path = _write(scratch, data)
    try:
        load_profiles(path)
    except ProfileError as error:
        assert str(path) in str(error)


@FAST
@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True),
        st.tuples(
            st.sampled_from(["auth_token", "api_key", "kore"]),
            st.from_regex(r"AC[0-9a-f]{32}", fullmatch=True),
            st.sampled_from(["https://supersim.twilio.com", "http://127.0.0.1:8080"]),
            st.none() | st.from_regex(r"[a-z-]{1,10}", fullmatch=True),
            st.sampled_from(["keyring", "file"]),
        ),
        max_size=3,
    )
)
def test_profiles_round_trip(scratch: Path, entries: dict[str, tuple[str, str, str, str | None, str]]) -> None:
    """Profiles saved by the app are loaded back equal."""
    profile_file = ProfileFile(
        default=next(iter(entries), None),
        profiles={
            name: Profile(
                name, auth, identity, url, "https://auth.example.com/token" if auth == "kore" else None, fleet, store
            )
            for name, (auth, identity, url, fleet, store) in entries.items()
        },
    )
    path = _write(scratch, b"")
    save_profiles(profile_file, path)
    assert load_profiles(path) == profile_file


@FAST
@given(st.binary(max_size=200) | st.text(max_size=50).map(lambda t: t.encode()))
def test_decoding_names_the_line_or_round_trips(data: bytes) -> None:
    """Bytes decode as UTF-8 (BOM dropped) or fail with a FileProblem naming the file and line."""
    try:
        text = decode(data, "f.txt")
    except FileProblem as problem:
        assert str(problem).startswith("f.txt, line ")
        return
    assert text == data.decode("utf-8-sig")


@pytest.mark.parametrize("kind", ["dir", "fifo"])
def test_reading_a_directory_or_fifo_is_a_file_problem(kind: str, tmp_path: Path) -> None:
    """A directory or FIFO where a file is expected is a FileProblem naming its kind, without blocking."""
    import os

    from supersim_tui.textfile import read_text

    path = tmp_path / "x"
    path.mkdir() if kind == "dir" else os.mkfifo(path)
    with pytest.raises(FileProblem, match="directory" if kind == "dir" else "FIFO"):
        read_text(path, limit=100)
