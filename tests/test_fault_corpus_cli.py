"""A fault corpus for the command line: bad arguments, bad input files and bad configuration files.

Each case runs ``cli.main`` in-process (on the in-process simulator, or before any client exists) and checks
that it ends with the tool's own message, naming the field, file or line, with the README's exit code (2 for
bad usage or input, nothing sent), never a traceback, an "internal error" or a hang, and never a request that
changes anything.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import keyring
import pytest

from supersim_tui import cli
from supersim_tui.api import SuperSimClient
from supersim_tui.commands import session as session_module
from supersim_tui.iccid import make_iccid
from supersim_tui.profiles import Profile, SecretStoreError, load_secret
from supersim_tui.simulator import Simulator

from .conftest import MemoryKeyring, instant_client

GOOD_ICCID = make_iccid("8988307", 12345)
GOOD_CODE = "ABCDE12345"
HS = "HS" + "a" * 32
HF = "HF" + "b" * 32
HA = "HA" + "c" * 32


@dataclass
class Case:
    argv: list[str]
    expect: list[str]  # substrings of stderr: the field, file or line named
    code: int = 2
    files: dict[str, bytes | str] = field(default_factory=dict)  # name → content ("<fifo>", "<dir>", "<sparse:N>")
    env: dict[str, str] = field(default_factory=dict)
    real_session: bool = False  # credentials resolved for real (profiles, environment)


def _id(case: Case) -> str:
    text = " ".join(a if len(a) <= 24 else a[:20] + f"…{len(a)}" for a in case.argv)
    files = [
        f"{name}={content[1:-1] if isinstance(content, str) and content.startswith('<') else len(content)}"
        for name, content in case.files.items()
    ]
    return " ".join([text, *files]).encode("unicode_escape").decode()[:100]


# ------------------------------------------------------------------- arguments
BAD_ICCIDS = {
    "superscript": "8988307000012345²78",
    "circled": "898830700001234567①",
    "arabic-indic": "٨٩٨٨٣٠٧٠٠٠٠١٢٣٤٥٦٧٨٩",
    "fullwidth": "８９８８３０７０００００１２３４５６７８９",
    "devanagari": "८९८८३०७०००००१२३४५६७८",
    "letters": "89883070000123456ABC",
    "short": "898830700001",
    "long": "898830700001234567890123",
    "luhn": GOOD_ICCID[:-1] + str((int(GOOD_ICCID[-1]) + 1) % 10),
    "huge": "8" * 100_000,
    "control": "8988307000012345678\x1b",
    "nul": "89883070000\x0012345678",
    "emoji": "8988307000012345678🙂",
}
BAD_CODES = {
    "empty": "",
    "short": "ABC",
    "long": "A" * 11,
    "huge": "A" * 100_000,
    "superscript": "ABCDE1234²",
    "fullwidth": "ＡＢＣＤＥ12345",
    "space": "ABCDE 2345",
    "dash": "ABCDE-2345",
    "escape": "ABCDE\x1b2345",
}

CASES: list[Case] = []
for _label, bad in BAD_ICCIDS.items():
    CASES += [
        Case(["sims", "list", "--iccid", bad], ["--iccid", "ICCID"]),
        Case(["sims", "show", bad], ["ICCID"]),
        Case(["sims", "activate", bad, "--yes"], ["ICCID"]),
        Case(["sims", "move", "--to-fleet", "eu-trackers", bad, "--yes"], ["ICCID"]),
        Case(["sims", "register", bad, GOOD_CODE], ["iccid"]),
    ]
for _label, bad in BAD_CODES.items():
    CASES.append(Case(["sims", "register", GOOD_ICCID, bad], ["registration_code"]))

BAD_REFS = {"empty": "", "blank": "   ", "huge": "x" * 100_000, "escape": "fleet\x1b[31m", "newline": "a\nb"}
for _label, bad in BAD_REFS.items():
    CASES += [
        Case(["sims", "show", bad], ["SIM"]),
        Case(["sims", "list", "--fleet", bad], ["--fleet"]),
        Case(["status", "--fleet", bad], ["--fleet"]),
        Case(["fleets", "list", "--nap", bad], ["--nap"]),
        Case(["naps", "networks", bad], ["nap"]),
        Case(["sims", "activate", "--fleet", bad, "--yes"], ["--fleet"]),
        Case(["sims", "activate", "--from-status", "new", "--into-fleet", bad, "--yes"], ["--into-fleet"]),
        Case(["sims", "move", "--to-fleet", bad, "--from-status", "new", "--yes"], ["--to-fleet"]),
        Case(["sims", "register", GOOD_ICCID, GOOD_CODE, "--fleet", bad], ["--fleet"]),
    ]
CASES += [
    Case(["sims", "show", "HS" + "z" * 32], ["SIM SID"]),
    Case(["sims", "list", "--fleet", HS], ["--fleet", "HF"]),
    Case(["status", "--fleet", HA], ["--fleet", "HF"]),
    Case(["fleets", "list", "--nap", HF], ["--nap", "HA"]),
    Case(["sims", "move", "--to-fleet", HA, HS, "--yes"], ["--to-fleet", "HF"]),
    Case(["sims", "activate", "HSnot-a-sid", "--yes"], ["SIM SID"]),
]

BAD_NAMES = {"empty": "", "long": "n" * 65, "huge": "n" * 1_000_000, "escape": "name\x1b]0;x\x07", "tab": "a\tb"}
for _label, bad in BAD_NAMES.items():
    CASES.append(Case(["sims", "register", GOOD_ICCID, GOOD_CODE, "--unique-name", bad], ["--unique-name"]))

BAD_PATTERNS = [
    "{n:>999}",
    "{n:>99999999}",
    "{n:>" + "9" * 5000 + "}",
    "{n:{iccid}}",
    "{iccid:d}",
    "{n!x}",
    "{n!r}",
    "{n!s}",
    "{n.real}",
    "{iccid[0]}",
    "{}",
    "{0}",
    "{name}",
    "gate",
    "",
    "{n",
    "n}",
    "{n:x}",
    "{n:,}",
    "{n:.2}",
    "{iccid:=20}",
    "{sid:>65}",
    "x" * 70 + "{n}",
    "{n}" * 400,
    "\x1b[2J{n}",
    "{n:\x00<5}",
    "{n:{n}}",
    "{n:%}",
    "{last4:e}",
    "{n}" + "{" * 3,
]
for pattern in BAD_PATTERNS:
    CASES.append(Case(["sims", "rename", "--pattern", pattern, "--fleet", "eu-trackers", "--dry-run"], ["--pattern"]))

CASES += [
    # empty selectors and values are usage errors, never "the default" or "everything"
    Case(["status", "--base-url", ""], ["--base-url", "empty"]),
    Case(["sims", "list", "--base-url", " "], ["--base-url", "empty"]),
    Case(["fleets", "list", "--profile", ""], ["--profile"]),
    Case(["sims", "list", "--status", ""], ["--status"]),
    Case(["sims", "list", "--iccid", ""], ["--iccid", "empty"]),
    Case(["sims", "activate", "--from-status", "", "--yes"], ["--from-status"]),
    Case(["sims", "activate", "--iccid-file", "", "--yes"], ["--iccid-file", "empty"]),
    Case(["sims", "register", "--csv", ""], ["--csv", "empty"]),
    Case(["networks", "list", "--country", ""], ["--country"]),
    Case(["networks", "list", "--country", "DEU"], ["--country"]),
    Case(["networks", "list", "--mcc", "2６2"], ["--mcc"]),
    Case(["networks", "list", "--mnc", "x" * 100_000], ["--mnc"]),
    Case(["sims", "resume", ""], ["run_id"]),
    Case(["sims", "resume", "../../etc/passwd"], ["run_id"]),
    Case(["sims", "activate", "--yes"], ["say which SIMs"]),
    Case(["sims", "register"], ["ICCID and REGISTRATION_CODE"]),
    Case(["sims", "register", "--csv", "x.csv", GOOD_ICCID], ["not both"]),
    Case(["login", "--profile", "../../evil", "--kind", "auth-token"], ["--profile"]),
    Case(["login", "--identity", "", "--kind", "auth-token"], ["--identity", "empty"]),
    Case(["login", "--token-url", "", "--kind", "kore"], ["--token-url", "empty"]),
    Case(["logout", "--profile", "a/b"], ["--profile"]),
    Case(["login", "--kind", "auth-token", "--identity", "ACnot-hex", "--secret-stdin"], ["--identity", "AC"]),
    Case(["login", "--kind", "api-key", "--identity", "AC" + "1" * 32, "--secret-stdin"], ["--identity", "SK"]),
    Case(["login", "--kind", "kore", "--identity", "client"], ["--token-url"]),
]
for flag, values in {
    "--concurrency": ["0", "257", "-1", "abc", "1e9", "9" * 5000, "", "²"],
    "--limit": ["-1", "abc", "9" * 5000, "", "①"],
}.items():
    for value in values:
        CASES.append(
            Case(
                ["sims", "list", flag, value]
                if flag == "--limit"
                else ["sims", "activate", "--from-status", "new", "--fleet", "x", flag, value],
                [flag],
            )
        )
for flag, values in {
    "--port": ["99999", "65536", "-1", "abc", "", "9" * 5000],
    "--sims": ["-1", str(10**13), "x"],
    "--latency-ms": ["-5", str(10**9)],
    "--settle-seconds": ["nan", "inf", "-1", "1e9", "x"],
    "--fault-rate": ["2", "nan", "-0.5", "x"],
    "--retry-after": ["-1", str(10**12)],
    "--host": ["", " "],
    "--api-key": ["nocolon", ":secret", "SK1:"],
    "--oauth-client": ["id:"],
}.items():
    for value in values:
        code_expect = 2
        expect = [flag] if flag not in ("--api-key", "--oauth-client") else [flag, "ID:SECRET"]
        CASES.append(Case(["simulator", flag, value], expect, code_expect))
CASES += [
    Case(["--demo", "--sims", str(10**13)], ["--sims"]),
    Case(["--latency-ms", "x"], ["--latency-ms"]),
    Case(["--demo", "--seed", "9" * 100_000], ["--seed"]),
    Case(["simulator", "--seed", "٣"], ["--seed"]),
    Case(["sims", "list", "--limit", "٣"], ["--limit"]),
]

# ----------------------------------------------------------------- input files
NON_UTF8 = b"# ICCIDs\n" + GOOD_ICCID.encode() + b"\n\xff\xfe89883070\n"
for flag, argv in (
    ("--iccid-file", ["sims", "activate", "--iccid-file", "{f}", "--yes"]),
    ("--csv", ["sims", "register", "--csv", "{f}"]),
):
    CASES += [
        Case(argv, [flag, "no such file"]),
        Case(argv, [flag, "is a directory"], files={"f": "<dir>"}),
        Case(argv, [flag, "named pipe"], files={"f": "<fifo>"}),
        Case(argv, [flag, "bytes; at most"], files={"f": "<sparse:70000000>"}),
        Case(argv, [flag, "line 3", "UTF-8"], files={"f": NON_UTF8}),
        Case(argv, [flag, "line 1", "UTF-8"], files={"f": b"\x89PNG\r\n\x1a\n\x00\x00"}),
        Case(argv, [flag, "line 2", "UTF-8"], files={"f": b"ok\n" + "é".encode("latin-1")}),
        Case(argv, [flag], files={"f": b""}),
        Case(argv, [flag], files={"f": "# only a comment\n\n"}),
        Case(argv, [flag, "line 2"], files={"f": f"{GOOD_ICCID},{GOOD_CODE}\n8988307000012345²78,{GOOD_CODE}\n"}),
        Case(argv, [flag, "line 1"], files={"f": "٨٩٨٨٣٠٧٠٠٠٠١٢٣٤٥٦٧٨٩," + GOOD_CODE + "\n"}),
    ]
CASES += [
    Case(
        ["sims", "activate", "--iccid-file", "{f}", "--fleet", "eu-trackers", "--yes"],
        ["--iccid-file"],
        files={"f": "\n# nothing here\n"},
    ),
    Case(
        ["sims", "activate", "--iccid-file", "{f}", "--yes"],
        ["line 2", "SIM SID"],
        files={"f": f"{GOOD_ICCID}\nHSnothex\n"},
    ),
    Case(["sims", "activate", "--iccid-file", "{f}", "--yes"], ["line 1", "ICCID"], files={"f": "8" * 200_000 + "\n"}),
    Case(
        ["sims", "register", "--csv", "{f}"],
        ["line 2", "cannot be read as CSV"],
        files={"f": f"iccid,registration_code\n{GOOD_ICCID},{GOOD_CODE},x,{'n' * 140_000}\n"},
    ),
    Case(
        ["sims", "register", "--csv", "{f}"],
        ["line 1", "unique_name", "at most 1,000"],
        files={"f": f"{GOOD_ICCID},{GOOD_CODE},eu-trackers,{'n' * 5_000}\n"},
    ),
    Case(
        ["sims", "register", "--csv", "{f}"],
        ["line 1", "unique_name"],
        files={"f": f"{GOOD_ICCID},{GOOD_CODE},eu-trackers,{'n' * 65}\n"},
    ),
    Case(
        ["sims", "register", "--csv", "{f}"],
        ["line 1", "unique_name", "control"],
        files={"f": f"{GOOD_ICCID},{GOOD_CODE},,bad\x1bname\n"},
    ),
    Case(
        ["sims", "register", "--csv", "{f}"], ["line 1", "fleet", "HF"], files={"f": f"{GOOD_ICCID},{GOOD_CODE},{HS}\n"}
    ),
    Case(
        ["sims", "register", "--csv", "{f}"],
        ["line 1", "registration_code"],
        files={"f": f"{GOOD_ICCID},{GOOD_CODE}\x00\n"},
    ),
    Case(
        ["sims", "register", "--csv", "{f}"],
        ["line 1", "cannot be read as CSV"],
        files={"f": f'{GOOD_ICCID},"{GOOD_CODE}'},
    ),
    Case(["sims", "register", "--csv", "{f}"], ["line 1", "expected 2 to 4 fields"], files={"f": "a,b,c,d,e\n"}),
    Case(["sims", "register", "--csv", "{f}"], ["line 1", "expected 2 to 4 fields"], files={"f": GOOD_ICCID}),
    Case(
        ["sims", "register", "--csv", "{f}"],
        ["line 3", "duplicate of line 2"],
        files={"f": f"iccid,registration_code\n{GOOD_ICCID},{GOOD_CODE}\n{GOOD_ICCID},{GOOD_CODE}\n"},
    ),
    Case(["sims", "register", "--csv", "{f}"], ["line 1", "unknown column"], files={"f": "iccid,colour\n"}),
    Case(
        ["sims", "register", "--csv", "{f}"],
        ["more than 100,000 rows"],
        files={"f": f"{GOOD_ICCID},{GOOD_CODE}\n" * 100_001},
    ),
    Case(
        ["sims", "register", "--csv", "{f}", "--fleet", "eu-trackers"],
        ["--fleet", "columns"],
        files={"f": f"{GOOD_ICCID},{GOOD_CODE}\n"},
    ),
]

# ---------------------------------------------------------------- configuration
DEEP = "x = " + "[" * 5000 + "]" * 5000 + "\n"
PROFILE_HEAD = '[profiles.p]\nauth = "auth_token"\nidentity = "AC' + "1" * 32 + '"\n'
BAD_PROFILES: dict[str, tuple[bytes | str, list[str]]] = {
    "profiles-string": ('profiles = "x"\n', ["profiles ="]),
    "profiles-list": ("profiles = [1, 2]\n", ["profiles ="]),
    "default-list": ('default = ["a", "b"]\n' + PROFILE_HEAD, ["default ="]),
    "default-int": ("default = 3\n" + PROFILE_HEAD, ["default ="]),
    "base-url-int": (PROFILE_HEAD + "base_url = 5\n", ["[profiles.p]", "base_url"]),
    "identity-table": ('[profiles.p]\nauth = "auth_token"\n[profiles.p.identity]\nx = 1\n', ["identity"]),
    "auth-bogus": ('[profiles.p]\nauth = "bogus"\nidentity = "x"\n', ["auth must be"]),
    "no-identity": ('[profiles.p]\nauth = "auth_token"\n', ["[profiles.p]", "identity"]),
    "kore-no-token": ('[profiles.p]\nauth = "kore"\nidentity = "client"\n', ["[profiles.p]", "token_url"]),
    "profile-not-table": ("[profiles]\np = 3\n", ["[profiles.p]", "table"]),
    "bad-name": ('[profiles."../../x"]\nauth = "auth_token"\nidentity = "x"\n', ["profile name"]),
    "http-remote": (PROFILE_HEAD + 'base_url = "http://example.com"\n', ["plain http"]),
    "secret-store-bogus": (PROFILE_HEAD + 'secret_store = "cloud"\n', ["secret_store"]),
    "empty-identity": ('[profiles.p]\nauth = "auth_token"\nidentity = ""\n', ["identity"]),
    "escape-identity": ('[profiles.p]\nauth = "auth_token"\nidentity = "AC\\u001b[2J"\n', ["identity", "control"]),
    "not-toml": ("profiles = [\n", ["not valid TOML"]),
    "deep": (DEEP, ["not valid TOML"]),
    "binary": (b"\x00\xff\xfe\x01" * 64, ["UTF-8"]),
    "dir": ("<dir>", ["is a directory"]),
    "fifo": ("<fifo>", ["named pipe"]),
    "huge": ("<sparse:5000000>", ["bytes; at most"]),
}
for _label, (content, expect) in BAD_PROFILES.items():
    for argv in (["fleets", "list"], ["profiles"], ["sims", "list", "--profile", "p"], ["login", "--profile", "p"]):
        CASES.append(Case(argv, ["profiles.toml", *expect], files={"config:profiles.toml": content}, real_session=True))
CASES += [
    Case(
        ["fleets", "list"],
        ["KORE_TOKEN_URL"],
        env={"KORE_CLIENT_ID": "id", "KORE_CLIENT_SECRET": "s3cr3t"},
        real_session=True,
    ),
    Case(["fleets", "list"], ["KORE_CLIENT_SECRET"], env={"KORE_CLIENT_ID": "id"}, real_session=True),
    Case(["fleets", "list"], ["TWILIO_ACCOUNT_SID"], env={"TWILIO_AUTH_TOKEN": "tok"}, real_session=True),
    Case(
        ["fleets", "list"],
        ["SUPERSIM_BASE_URL", "plain http"],
        env={
            "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
            "TWILIO_AUTH_TOKEN": "tok",
            "SUPERSIM_BASE_URL": "http://example.com",
        },
        real_session=True,
    ),
]

# settings fall back to defaults with a warning naming the file: the command still works
BAD_SETTINGS: dict[str, tuple[bytes | str, list[str]]] = {
    "binary": (b"\x00\xff\xfe\x01" * 64, ["UTF-8"]),
    "dir": ("<dir>", ["is a directory"]),
    "fifo": ("<fifo>", ["named pipe"]),
    "huge": ("<sparse:5000000>", ["bytes; at most"]),
    "deep": (DEEP, ["not valid TOML"]),
    "not-toml": ("concurrency = \n", ["not valid TOML"]),
    "concurrency": ("concurrency = 1000\n", ["concurrency = 1000"]),
    "keymap-empty": ('[keymap]\n"tab.sims" = ""\n"app.refresh" = "f5"\n', ["keymap.tab.sims"]),
    "keymap-list": ("keymap = [1]\n", ["keymap = [1]"]),
    "confirm": ('confirm = ["never"]\n', ["confirm = ['never']"]),
    "unknown": ("colour = 1\n", ["unknown key 'colour'"]),
}
for _label, (content, expect) in BAD_SETTINGS.items():
    CASES.append(Case(["fleets", "list"], ["settings.toml", *expect], code=0, files={"config:settings.toml": content}))


# ------------------------------------------------------------------------ runner
Run = Callable[[Case], tuple[int, str, str]]


@pytest.fixture
def run_case(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Run:
    simulator.config.settle_seconds = 0.0
    real_open_session = session_module.open_session

    def fake_session(args: object) -> session_module.Session:
        return session_module.Session(instant_client(simulator, page_size=1000), simulator.config.account_sid, False)

    def invoke(case: Case) -> tuple[int, str, str]:
        monkeypatch.setattr(session_module, "open_session", real_open_session if case.real_session else fake_session)
        for name, value in case.env.items():
            monkeypatch.setenv(name, value)
        paths: dict[str, str] = {}
        for name, content in case.files.items():
            if name.startswith("config:"):
                folder = Path(os.environ["XDG_CONFIG_HOME"]) / "supersim-tui"
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / name.split(":", 1)[1]
            else:
                path = tmp_path / f"input-{name}"
            if content == "<dir>":
                path.mkdir()
            elif content == "<fifo>":
                os.mkfifo(path)
            elif isinstance(content, str) and content.startswith("<sparse:"):
                with open(path, "wb") as handle:
                    handle.truncate(int(content[8:-1]))
            else:
                path.write_bytes(content if isinstance(content, bytes) else content.encode())
            paths[name] = str(path)
        argv = [a.replace("{f}", paths.get("f", str(tmp_path / "missing.txt"))) for a in case.argv]
        code = cli.main(argv)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_fault_corpus(case: Case, run_case: Run, simulator: Simulator) -> None:
    """Each bad argument, file or configuration ends in the tool's own message naming what is wrong, with
    the README's exit code, no traceback or internal error, and nothing changed on the API."""
    started = time.monotonic()
    code, out, err = run_case(case)
    assert code == case.code, err[-2000:]
    for text in case.expect:
        assert text in err, f"{text!r} not in {err[-2000:]!r}"
    for text in ("Traceback", "internal error", "s3cr3t"):
        assert text not in out + err
    assert len(err) < 20_000, "a message that echoes a huge input"
    assert "\x1b" not in err, "a control character from the input reached the terminal"
    assert not [r for r in simulator.request_log if r.method in ("POST", "DELETE")]
    assert time.monotonic() - started < 10


def test_corpus_is_large() -> None:
    """The corpus covers hundreds of cases (the issue asks for a large table)."""
    assert len(CASES) >= 300


# ------------------------------------------------------------- beyond the table
def test_simulator_port_in_use_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    """`simulator --port N` on a port already taken says so and exits 1: no uvicorn traceback."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = cli.main(["simulator", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 1 and f"127.0.0.1:{port}" in err and "in use" in err and "Traceback" not in err


def test_simulator_unknown_host(capsys: pytest.CaptureFixture[str]) -> None:
    """A host that cannot be bound is one sentence naming it, exit 1."""
    code = cli.main(["simulator", "--host", "no-such-host.invalid"])
    err = capsys.readouterr().err
    assert code == 1 and "no-such-host.invalid" in err and "Traceback" not in err


class ExplodingKeyring(MemoryKeyring):
    """A backend that fails with something other than KeyringError, its message carrying the secret."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise type(self.error)(f"could not store {password}")


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError("secret s3cr3t leaked"),
        OSError(5, "I/O s3cr3t"),
        ValueError("s3cr3t"),
        LookupError("org.freedesktop.DBus.Error s3cr3t"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_keyring_failures_are_messages_without_the_secret(
    error: Exception, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Any exception from a keyring backend (not only KeyringError) is reported by its type, never with
    its message (which may carry the secret), exit 2."""
    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "supersim-tui"
    folder.mkdir(parents=True)
    (folder / "profiles.toml").write_text(PROFILE_HEAD)
    keyring.set_keyring(ExplodingKeyring(error))
    code = cli.main(["fleets", "list", "--profile", "p"])
    err = capsys.readouterr().err
    assert code == 2 and type(error).__name__ in err and "s3cr3t" not in err and "Traceback" not in err


def test_keyring_whose_constructor_blocks_is_inside_the_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """A backend whose lookup (get_keyring) blocks ends in a SecretStoreError within the timeout, not a hang."""
    release = threading.Event()

    def blocking_get_keyring() -> object:
        release.wait(30)
        raise RuntimeError("gave up")

    monkeypatch.setattr(keyring, "get_keyring", blocking_get_keyring)
    profile = Profile("p", "auth_token", "AC" + "1" * 32)
    started = time.monotonic()
    try:
        with pytest.raises(SecretStoreError, match="did not answer"):
            load_secret(profile, timeout=0.3)
    finally:
        release.set()
    assert time.monotonic() - started < 5


def test_unexpected_errors_are_one_line_and_logged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug (an exception that is none of the tool's own) prints one line naming its type and the log file
    that holds the traceback, exit 1; the traceback is in that file, not on the terminal."""
    from supersim_tui.commands import account

    async def broken(client: object, args: object) -> int:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(account, "fleets_list", broken)
    code = cli.main(["fleets", "list", "--demo", "--sims", "5"])
    err = capsys.readouterr().err
    assert code == 1 and "internal error (ZeroDivisionError)" in err and "Traceback" not in err
    log = Path(err.strip().rsplit("details in ", 1)[1])
    assert "ZeroDivisionError: boom" in log.read_text() and log.stat().st_mode & 0o777 == 0o600


def test_rename_plans_names_over_the_limit_as_invalid() -> None:
    """At plan time, a SIM whose name from the pattern would exceed 64 characters cannot take the change (one
    reason for all of them); the others are planned as usual."""
    from supersim_tui.api import Sim, SimStatus
    from supersim_tui.ops.bulk import Change, plan_change
    from supersim_tui.ops.outcomes import Action

    sims = [Sim(sid=f"HS{i:032x}", iccid=make_iccid("8988307", i), status=SimStatus.NEW) for i in range(1, 121)]
    plan = plan_change(sims, Change(unique_name_pattern="x" * 62 + "{n}"))
    invalid = [item for item in plan.items if item.action == Action.INVALID]
    assert len(plan.to_send) == 99 and len(invalid) == 21
    assert {item.reason for item in invalid} == {"the name would be 65 characters; a unique name may have at most 64"}
    assert all(len(item.target_name or "") <= 64 for item in plan.to_send)


def test_huge_width_is_refused_before_formatting() -> None:
    """`{n:>99999999}` is refused by the check, not by running out of memory (the old code allocated 430 MB)."""
    from supersim_tui.ops.bulk import Change

    with pytest.raises(ValueError, match="wider than a unique name"):
        Change(unique_name_pattern="{n:>99999999}")


def test_unwritable_config_is_a_profile_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saving profiles or a file-stored secret where the config folder is a file ends in an error naming the
    path (a message for the user), not an OSError traceback."""
    from supersim_tui.api.auth import Secret
    from supersim_tui.profiles import ProfileError, ProfileFile, save_profiles, store_secret

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(ProfileError, match="not-a-folder"):
        save_profiles(ProfileFile(), blocker / "profiles.toml")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    with pytest.raises(SecretStoreError, match="cannot write it"):
        store_secret(Profile("p", "auth_token", "AC" + "1" * 32, secret_store="file"), Secret("s3cr3t"))


async def test_empty_filters_never_select_the_whole_account(client: SuperSimClient, simulator: Simulator) -> None:
    """select_filtered refuses an empty fleet or status (defence behind the CLI's argument checks): nothing
    is listed, so no caller can turn "" into "every SIM"."""
    from supersim_tui.ops.select import select_filtered

    before = len(simulator.request_log)
    for fleet, status in (("", None), (None, " "), ("", "")):
        with pytest.raises(ValueError, match="every SIM"):
            await select_filtered(client, fleet=fleet, status=status)
    assert len(simulator.request_log) == before


@pytest.mark.parametrize(
    "stdin",
    [b"\xff\xfe not utf-8\n", b"\n", b"tok\x1b[2Jen\n", b"x" * 5000 + b"\n"],
    ids=["not-utf8", "empty", "escape", "huge"],
)
def test_login_secret_on_stdin_is_checked(
    stdin: bytes, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A secret piped to `login --secret-stdin` that is not UTF-8, empty, has control characters or is absurdly
    long is a usage error (exit 2) before any request, and is never echoed."""
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = cli.main(["login", "--kind", "auth-token", "--identity", "AC" + "1" * 32, "--secret-stdin"])
    err = capsys.readouterr().err
    assert code == 2 and "Auth Token" in err and "Traceback" not in err and "\x1b" not in err


def test_a_task_groups_own_error_is_its_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An ExceptionGroup (parallel work in a task group) holding one of the tool's own errors is reported
    as that error's message with its exit code, not as an internal error."""
    from supersim_tui.commands import account
    from supersim_tui.commands.session import UsageError

    async def grouped(client: object, args: object) -> int:
        raise ExceptionGroup("parallel", [ExceptionGroup("inner", [UsageError("no fleet 'x' in this account")])])

    monkeypatch.setattr(account, "fleets_list", grouped)
    code = cli.main(["fleets", "list", "--demo", "--sims", "5"])
    err = capsys.readouterr().err
    assert code == 2 and "no fleet 'x' in this account" in err and "internal error" not in err


@pytest.mark.parametrize("name", ["settings.toml", "profiles.toml"])
def test_unreadable_config_files_are_named(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config file that cannot be opened (permission denied: simulated, since tests may run as root) is
    named with the reason: a warning and defaults for settings, exit 2 for profiles."""

    folder = Path(os.environ["XDG_CONFIG_HOME"]) / "supersim-tui"
    folder.mkdir(parents=True)
    (folder / name).write_text("")
    real_open = os.open

    def refuse(path: object, *args: object, **kwargs: object) -> int:
        if str(path).endswith(name):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)  # the os module textfile uses
    code = cli.main(["profiles"] if name == "profiles.toml" else ["fleets", "list", "--demo", "--sims", "5"])
    err = capsys.readouterr().err
    assert code == (2 if name == "profiles.toml" else 0)
    assert f"{folder / name}: cannot read it (permission denied)" in err and "Traceback" not in err
