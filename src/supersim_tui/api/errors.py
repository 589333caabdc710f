"""The client's exceptions: one root, a class per way a call can fail.

Messages come from the server's Twilio error JSON (``code``, ``message``,
``more_info``) and never include request headers, so a secret cannot leak
through ``str(error)`` or a traceback. :attr:`SuperSimError.hint` says what to
do about the error in words a user can act on.
"""

from __future__ import annotations

# What to do about each error code, written for the person at the keyboard.
HINTS: dict[int, str] = {
    20001: "Check the value named in the message.",
    20002: "A required value is missing.",
    20003: "The credentials were refused: check the Account SID / API key and secret (supersim-tui login).",
    20006: "These credentials may not do this; for KORE, the token may have expired.",
    20404: "It does not exist in this account (check the SID or unique name).",
    20429: "The API is busy; the request was not processed and can be retried after a pause.",
    20500: "The service had an internal error; try again.",
    20503: "The service is unavailable; try again shortly.",
    83000: "Registration failed inside the service; it is safe to retry.",
    83001: "Both the ICCID and the registration code are required.",
    83002: "Check the ICCID and registration code printed on the SIM; if both are right, "
    "the SIM may already belong to another account.",
    83003: "This SIM is already in your account: nothing to do.",
    83004: "The update failed inside the service; it is safe to retry.",
    83005: "No Super SIM with that SID or unique name in this account.",
    83006: "The target fleet does not exist: choose an existing fleet.",
    83007: "Choose a fleet to activate into: a SIM needs a fleet before it can be ready or active.",
    83008: "A ready or active SIM cannot leave its fleet; move it to another fleet instead.",
    83009: "The SIM has an update in progress (scheduled); wait for it to finish, then retry.",
    83010: "That status change is not possible: ready only from new, and nothing returns to new.",
    83011: "Another SIM already has that unique name; choose a different one.",
    83600: "A usage query parameter is invalid.",
    83601: "For day granularity, start and end must be at midnight UTC.",
    83602: "For hour granularity, start and end must be on the hour (UTC).",
    83603: "Usage grouped by SIM may cover at most 31 days.",
    83604: "The usage period is too long for that granularity.",
    83605: "Usage is only available for the last 18 months.",
}


class SuperSimError(Exception):
    """Root of every error the client raises.

    ``after_ambiguous`` is True when an earlier try of the same request failed in a
    way that may have been applied (5xx, dropped connection), so e.g. a 404 on a
    retried DELETE means the first try worked.
    """

    after_ambiguous: bool = False
    default_hint: str | None = None
    # The environment variables the refused credentials came from (set by the client on 401/403): the
    # environment wins over saved profiles, so the advice is to fix or unset them, not to log in.
    credentials_env: tuple[str, ...] = ()

    def __init__(
        self, message: str, *, status: int | None = None, code: int | None = None, more_info: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.more_info = more_info

    @property
    def hint(self) -> str | None:
        """What to do about it: by Twilio error code, else by kind of failure."""
        if self.code is not None and self.code in HINTS:
            return HINTS[self.code]
        return self.default_hint

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.append(f"(error {self.code})")
        return " ".join(parts)


class ApiError(SuperSimError):
    """The API answered with an error status."""


class AuthenticationError(ApiError):
    """401 / 20003: credentials missing or wrong."""

    default_hint = HINTS[20003]

    @property
    def hint(self) -> str | None:
        if self.credentials_env:
            return f"The credentials were refused: {credentials_advice(self)}."
        return super().hint


class PermissionDeniedError(ApiError):
    """403: authenticated, but not allowed (or an expired bearer token)."""


class NotFoundError(ApiError):
    """404 / 20404: the resource does not exist in this account."""

    default_hint = HINTS[20404]


class ValidationError(ApiError):
    """400: the request was refused; ``code`` says why (e.g. 83002, 83010)."""


class RateLimitedError(ApiError):
    """429 / 20429: not processed; retry after ``retry_after`` seconds (when the server said)."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        concurrent_requests: int | None = None,
        **kwargs: object,
    ):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after
        # Twilio-Concurrent-Requests: how many requests the account had in flight when this one was refused.
        self.concurrent_requests = concurrent_requests

    default_hint = HINTS[20429]


class ServerError(ApiError):
    """5xx: the service failed; a mutation may or may not have been applied."""

    default_hint = "The service failed; try again in a moment."


class TransportError(SuperSimError):
    """The request did not complete: connection refused or dropped, DNS, TLS."""

    default_hint = "Check the network connection and the base URL, then try again."


class ConnectFailedError(TransportError):
    """No connection could be made: the request was certainly not processed."""


class RequestTimeoutError(TransportError):
    """No response within the timeout."""


class ResponseFormatError(SuperSimError):
    """The server's reply was not the JSON this API returns (HTML page, truncated body, wrong type)."""

    default_hint = "The reply did not come from the Super SIM API as expected: check the base URL or proxy."


# Codes that say the service failed for a moment: the same request may well succeed later.
TRANSIENT_CODES = frozenset({83000, 83004, 83009})


def is_transient(error: BaseException) -> bool:
    """Whether the same request, tried again later, may succeed: a 429, a 5xx, a transport failure, or a code
    that says the service failed for a moment (:data:`TRANSIENT_CODES`). The one test of "worth retrying" for
    bulk runs, registrations and the register screen's queue (the client's own retries decide per request)."""
    if isinstance(error, RateLimitedError | ServerError | TransportError):
        return True
    return isinstance(error, SuperSimError) and error.code in TRANSIENT_CODES


def credentials_advice(error: SuperSimError) -> str:
    """What to do about refused credentials, from where they came: the environment's are fixed or unset there
    (it wins over saved profiles, so logging in would not help); a profile's, by logging in again."""
    if error.credentials_env:
        return (
            f"they come from the environment ({', '.join(error.credentials_env)}), which wins over saved "
            "profiles: fix or unset them"
        )
    return "log in again (supersim-tui login)"


def explain(error: SuperSimError, *, lines: bool = False) -> str:
    """An error's message and what to do about it, the one wording everywhere: ``message (error N) — hint`` on
    one line (outcomes, journals, CSV), or the hint on its own line with ``lines`` (stderr, dialogs).
    The text is the server's: callers that print it make it printable (``api.text.printable``)."""
    hint = error.hint
    if not hint:
        return str(error)
    return f"{error}\n{hint}" if lines else f"{error} — {hint}"
