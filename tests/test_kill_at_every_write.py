"""Kill at every write: a bulk change (set-status, move, rename) or a registration batch runs in a real
process against the loopback simulator and SIGKILLs itself right after its k-th journal write
(SUPERSIM_TEST_KILL_AFTER_WRITES=k), for k sampled across the run: while the plan is written, just
after it is published, during the first sends, in the middle, during the follow-up, after the final
record. Then `sims resume` (or, when the kill came before the plan was published and so nothing was
sent, the same command again). The simulator's own state and request log must show every selected SIM
in the target state, each changed by exactly one request, and resume's exit code and counts must be true.
Cases run a few at a time (each with its own state folder and its own SIMs) to keep the file fast."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from benchmarks.loopback import loopback_simulator

ACCOUNT = "AC" + "ce" * 16
TOKEN = "kill-every-write"
N = 30  # SIMs per case
KILL_HOOK = "SUPERSIM_TEST_KILL_AFTER_WRITES"


def _ks(n: int) -> list[int]:
    """Write counts to kill after: header + n items + 'planned' (n + 2 lines), the rename publishing the plan
    (n + 3), then start/sent/done per item (3n) and the final record (4n + 4 in all)."""
    plan = n + 3
    return [2, plan, plan + 5, plan + n + n // 2, plan + 3 * n - 4, 4 * n + 4]


@pytest.fixture
def loopback(tmp_path: Path) -> Iterator[str]:
    with loopback_simulator(
        "--sims", "700", "--seed", "11", "--latency-ms", "3", "--settle-seconds", "0.1", account=ACCOUNT, token=TOKEN
    ) as url:
        yield url


def _get(url: str) -> Any:
    request = urllib.request.Request(url)
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _sims(url: str, query: str = "") -> list[dict[str, Any]]:
    return list(_get(f"{url}/v1/Sims?PageSize=1000{query}")["sims"])


def _posts(url: str) -> list[str]:
    """Paths of the POSTs the simulator applied (one cut off by the kill before it was whole is not)."""
    return [
        r["path"]
        for r in _get(f"{url}/_simulator/requests")["requests"]
        if r["method"] == "POST" and 200 <= r["status"] < 300
    ]


@dataclass
class Case:
    k: int
    command: list[str]  # after `python -m supersim_tui`
    state: Path
    keys: set[str]  # the SIDs (bulk) or ICCIDs (registration) of this case


def _cli(case: Case, url: str, args: list[str], kill_after: int | None) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        TWILIO_ACCOUNT_SID=ACCOUNT,
        TWILIO_AUTH_TOKEN=TOKEN,
        XDG_STATE_HOME=str(case.state),
        HOME=str(case.state),
    )
    env.pop(KILL_HOOK, None)
    if kill_after is not None:
        env[KILL_HOOK] = str(kill_after)
    return subprocess.run(
        [sys.executable, "-m", "supersim_tui", *args, "--base-url", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _run_case(case: Case, url: str, posts_for: Callable[[list[str]], int]) -> dict[str, Any]:
    """Kill after write k, then finish; returns what resume reported (empty if the command was re-run)."""
    killed = _cli(case, url, case.command, case.k)
    assert killed.returncode in (-signal.SIGKILL, 0), killed.stderr
    journals = list((case.state / "supersim-tui" / "runs").glob("*.jsonl"))
    if not journals:  # killed before the plan was published: nothing may have been sent
        assert killed.returncode == -signal.SIGKILL
        assert posts_for(_posts(url)) == 0, f"k={case.k}: requests were sent before the plan was durable"
        again = _cli(case, url, case.command, None)
        assert again.returncode == 0, again.stderr
        return {}
    assert len(journals) == 1
    sent_before = posts_for(_posts(url))
    resumed = _cli(case, url, ["sims", "resume", journals[0].stem, "--json", "--yes"], None)
    assert resumed.returncode == 0, f"k={case.k}: " + resumed.stderr + resumed.stdout[-2000:]
    report = json.loads(resumed.stdout)
    word = "registered" if case.command[:2] == ["sims", "register"] else "done"  # the register screen's word
    assert report["counts"] == {word: N}, (case.k, report["counts"])
    counts = report["resume"]
    assert counts["rechecked"] + counts["left_alone"] == N
    assert counts["sent"] == N - sent_before, (case.k, counts, sent_before)
    return dict(report)


def _cases(
    tmp_path: Path,
    name: str,
    groups: list[list[str]],
    command: Callable[[int, list[str]], list[str]],
    keys: Callable[[list[str]], set[str]],
) -> list[Case]:
    ks = _ks(N)
    assert len(groups) >= len(ks)
    cases = []
    for k, group in zip(ks, groups, strict=False):
        cases.append(Case(k, command(k, group), tmp_path / f"{name}-{k}", keys(group)))
    return cases


def _iccid_file(tmp_path: Path, k: int, iccids: list[str]) -> str:
    path = tmp_path / f"iccids-{k}.txt"
    path.write_text("\n".join(iccids) + "\n")
    return str(path)


def _run_all(cases: list[Case], url: str, posts_for: Callable[[Case], Callable[[list[str]], int]]) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        for future in [pool.submit(_run_case, case, url, posts_for(case)) for case in cases]:
            future.result()


def _bulk(
    tmp_path: Path,
    url: str,
    name: str,
    sims: list[dict[str, Any]],
    command: Callable[[int, str], list[str]],
    reached: Callable[[dict[str, Any]], bool],
    what: str,
) -> None:
    groups = [sims[i : i + N] for i in range(0, len(sims) - N + 1, N)]
    by_iccid = {s["iccid"]: s["sid"] for s in sims}
    cases = _cases(
        tmp_path,
        name,
        [[s["iccid"] for s in g] for g in groups],
        lambda k, iccids: command(k, _iccid_file(tmp_path, k, iccids)),
        lambda iccids: {by_iccid[i] for i in iccids},
    )

    def posts_for(case: Case) -> Callable[[list[str]], int]:
        paths = {f"/v1/Sims/{sid}" for sid in case.keys}
        return lambda posts: sum(1 for p in posts if p in paths)

    _run_all(cases, url, posts_for)
    now = {s["sid"]: s for s in _sims(url)}
    chosen = set().union(*(case.keys for case in cases))
    assert not [sid for sid in chosen if not reached(now[sid])], "some SIMs did not reach the target state"
    per_sim = Counter(p.rsplit("/", 1)[1] for p in _posts(url) if p.startswith("/v1/Sims/"))
    assert {sid: per_sim[sid] for sid in chosen if per_sim[sid] != 1} == {}, "a SIM got the change twice"
    if what:
        changes = Counter(c["sid"] for c in _get(f"{url}/_simulator/changes")["changes"] if c["what"] == what)
        assert {sid: changes[sid] for sid in chosen if changes[sid] != 1} == {}


def test_set_status_killed_at_every_write(loopback: str, tmp_path: Path) -> None:
    """Deactivating 30 SIMs per case, killed after write k: every SIM ends inactive, each changed once."""
    active = _sims(loopback, "&Status=active")[: N * len(_ks(N))]
    _bulk(
        tmp_path,
        loopback,
        "status",
        active,
        lambda k, path: [
            "sims",
            "set-status",
            "inactive",
            "--iccid-file",
            path,
            "--yes",
            "--json",
            "--concurrency",
            "4",
        ],
        lambda sim: sim["status"] == "inactive",
        "status",
    )


def test_move_killed_at_every_write(loopback: str, tmp_path: Path) -> None:
    """Moving 30 active SIMs per case to another fleet (asynchronous, followed), killed after write k:
    every SIM ends in the target fleet, each moved once."""
    fleets = {f["unique_name"]: f["sid"] for f in _get(f"{loopback}/v1/Fleets")["fleets"]}
    target = fleets["lab-bench"]
    active = [s for s in _sims(loopback, "&Status=active") if s["fleet_sid"] != target][: N * len(_ks(N))]
    _bulk(
        tmp_path,
        loopback,
        "move",
        active,
        lambda k, path: [
            "sims",
            "move",
            "--to-fleet",
            "lab-bench",
            "--iccid-file",
            path,
            "--yes",
            "--json",
            "--concurrency",
            "4",
        ],
        lambda sim: sim["fleet_sid"] == target and sim["status"] == "active",
        "fleet",
    )


def test_rename_killed_at_every_write(loopback: str, tmp_path: Path) -> None:
    """Renaming 30 SIMs per case with {n}, killed after write k: every SIM ends with its planned name
    (numbering kept across the resume), each renamed by one request."""
    sims = _sims(loopback)[: N * len(_ks(N))]
    groups = [sims[i : i + N] for i in range(0, len(sims), N)]
    expected = {
        s["sid"]: f"k{k}-{n}" for k, group in zip(_ks(N), groups, strict=False) for n, s in enumerate(group, start=1)
    }
    _bulk(
        tmp_path,
        loopback,
        "rename",
        sims,
        lambda k, path: [
            "sims",
            "rename",
            "--pattern",
            f"k{k}-{{n}}",
            "--iccid-file",
            path,
            "--yes",
            "--json",
            "--concurrency",
            "4",
        ],
        lambda sim: sim["unique_name"] == expected[sim["sid"]],
        "",
    )


def test_registration_killed_at_every_write(loopback: str, tmp_path: Path) -> None:
    """Registering 30 SIMs per case from a CSV (with a fleet), killed after write k: every SIM ends
    registered in its fleet; the account received one registration and one fleet update per SIM."""
    count = N * len(_ks(N))
    rows = _get(f"{loopback}/_simulator/registrable?count={count}")["registrable"]
    assert len(rows) == count
    groups = [rows[i : i + N] for i in range(0, count, N)]

    def command(k: int, group: list[dict[str, str]]) -> list[str]:
        path = tmp_path / f"register-{k}.csv"
        path.write_text(
            "iccid,registration_code,fleet\n"
            + "".join(f"{r['iccid']},{r['registration_code']},eu-trackers\n" for r in group)
        )
        return ["sims", "register", "--csv", str(path), "--yes", "--json", "--concurrency", "4"]

    ks = _ks(N)
    cases = [
        Case(k, command(k, g), tmp_path / f"register-{k}", {r["iccid"] for r in g})
        for k, g in zip(ks, groups, strict=True)
    ]
    before = len(_posts(loopback))
    for case in cases:  # one at a time: the request log is the only witness of which case registered what
        start = len(_posts(loopback))

        def registrations(posts: list[str], start: int = start) -> int:
            return sum(1 for p in posts[start:] if p == "/v1/Sims")

        report = _run_case(case, loopback, registrations)
        if report:
            assert report["resume"]["already_done"] + report["resume"]["sent"] <= report["resume"]["rechecked"]
    fleets = {f["unique_name"]: f["sid"] for f in _get(f"{loopback}/v1/Fleets")["fleets"]}
    now = {s["iccid"]: s for s in _sims(loopback)}
    wanted = {r["iccid"] for r in rows}
    assert not [i for i in wanted if i not in now or now[i]["fleet_sid"] != fleets["eu-trackers"]]
    posts = _posts(loopback)[before:]
    assert posts.count("/v1/Sims") == count, "a SIM was registered twice (or not at all)"
    updates = Counter(p for p in posts if p.startswith("/v1/Sims/"))
    assert len(updates) == count and set(updates.values()) == {1}
