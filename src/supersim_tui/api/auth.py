"""Pluggable authentication: Twilio HTTP Basic (Auth Token or API key) and
OAuth client-credentials bearer tokens (KORE-hosted Super SIM).

Secrets live in :class:`Secret`, whose ``repr``/``str`` are masked, so they
cannot end up in a log line, an exception message or a traceback's locals
printout by accident.
"""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncGenerator, Callable, Generator

import httpx

TOKEN_TIMEOUT = 30.0  # seconds for each step of the token request (connect, each read, write)


class Secret:
    """A string that does not show itself. Call :meth:`reveal` where it is really needed."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("Secret values cannot be pickled")


class BasicAuth(httpx.Auth):
    """Twilio HTTP Basic auth: Account SID + Auth Token, or API key SID (SK…) + secret."""

    def __init__(self, username: str, password: Secret | str):
        self.username = username
        self._password = password if isinstance(password, Secret) else Secret(password)

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password=********)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        pair = f"{self.username}:{self._password.reveal()}".encode()
        request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        yield request


class OAuthClientCredentials(httpx.Auth):
    """Bearer tokens from an OAuth 2 client-credentials endpoint, refreshed before expiry.

    KORE answers an expired token with HTTP 403 ("Invalid or expired token"), so a
    401 or 403 on a request made with a cached token fetches a new token and
    retries that request once.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: Secret | str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        timeout: float = TOKEN_TIMEOUT,
    ):
        from .urls import check_url

        # The client secret goes to this URL: https, or http on loopback only (the simulator).
        self.token_url = check_url(token_url, "KORE token URL")
        self.timeout = timeout
        self.client_id = client_id
        self._secret = client_secret if isinstance(client_secret, Secret) else Secret(client_secret)
        self.refresh_margin = refresh_margin
        self.clock = clock
        self._token: Secret | None = None
        self._expires_at = 0.0
        self.tokens_fetched = 0

    def __repr__(self) -> str:
        return f"OAuthClientCredentials(token_url={self.token_url!r}, client_id={self.client_id!r})"

    def _token_request(self) -> httpx.Request:
        # A request built here gets no timeout from the client: give it its own (connect, each read, write).
        # The client's whole-response deadline covers the token request too, as part of the request it serves.
        return httpx.Request(
            "POST",
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._secret.reveal(),
            },
            extensions={"timeout": httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)).as_dict()},
        )

    def _store(self, response: httpx.Response) -> None:
        from .errors import AuthenticationError, ResponseFormatError

        if response.status_code in (400, 401, 403):
            raise AuthenticationError(
                "The token endpoint refused the client credentials", status=response.status_code, code=20003
            )
        if response.status_code >= 300:
            raise AuthenticationError(
                f"The token endpoint answered HTTP {response.status_code}", status=response.status_code
            )
        try:
            body = response.json()
            token = str(body["access_token"])
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise ResponseFormatError("The token endpoint's reply has no access_token") from None
        self._token = Secret(token)
        self._expires_at = self.clock() + lifetime
        self.tokens_fetched += 1

    def _needs_refresh(self) -> bool:
        return self._token is None or self.clock() >= self._expires_at - self.refresh_margin

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self._needs_refresh():
            token_response = yield self._token_request()
            await token_response.aread()
            self._store(token_response)
        assert self._token is not None
        used = self._token
        request.headers["Authorization"] = f"Bearer {used.reveal()}"
        response = yield request
        if response.status_code in (401, 403):
            if self._token is used:  # nobody refreshed meanwhile
                token_response = yield self._token_request()
                await token_response.aread()
                self._store(token_response)
            assert self._token is not None
            request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
            yield request

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("OAuthClientCredentials works with httpx.AsyncClient only")
