"""Replies into results: a page or record decoded into its model, an error reply into the tool's own error.

Pure functions on an ``httpx.Response`` (no I/O), used by :mod:`.transport`.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import httpx
import msgspec

from .errors import (
    ApiError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ResponseFormatError,
    ServerError,
    ValidationError,
)
from .models import PageMeta
from .retry import parse_retry_after
from .text import printable

_SIM_SID = re.compile(r"HS[0-9a-fA-F]{32}")
T = TypeVar("T")


class AlreadyRegisteredError(ValidationError):
    """83003: the SIM already belongs to this account. Treat as success; ``sim_sid`` names it."""

    def __init__(self, message: str, *, sim_sid: str | None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.sim_sid = sim_sid


def _page_type(key: str, item: type[Any]) -> type[Any]:
    items: Any = list[item]  # type: ignore[valid-type]  # a runtime type built for msgspec
    return msgspec.defstruct(f"{item.__name__}Page", [(key, items, []), ("meta", PageMeta, PageMeta())], kw_only=True)


_PAGE_TYPES: dict[tuple[str, type[Any]], type[Any]] = {}


def page_type(key: str, item: type[Any]) -> type[Any]:
    if (key, item) not in _PAGE_TYPES:
        _PAGE_TYPES[(key, item)] = _page_type(key, item)
    return _PAGE_TYPES[(key, item)]


def decode(response: httpx.Response, model: type[T]) -> T:
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type:
        raise ResponseFormatError(
            f"Expected JSON from {response.request.url.path} but got "
            f"{printable(content_type[:100]) or 'no content type'} (HTTP {response.status_code}); "
            "is the base URL right?",
            status=response.status_code,
        )
    try:
        return msgspec.json.decode(response.content, type=model)
    except msgspec.ValidationError as exc:  # a subclass of DecodeError: test it first
        raise ResponseFormatError(
            f"The reply from {response.request.url.path} does not match the Super SIM API: {exc}",
            status=response.status_code,
        ) from None
    except msgspec.DecodeError:
        raise ResponseFormatError(
            f"The reply from {response.request.url.path} is not valid JSON "
            f"(HTTP {response.status_code}, {len(response.content)} bytes; truncated?)",
            status=response.status_code,
        ) from None


class _ErrorBody(msgspec.Struct):
    code: int | None = None
    message: str | None = None
    more_info: str | None = None
    status: int | None = None


def error_from(response: httpx.Response) -> ApiError:
    status = response.status_code
    code: int | None = None
    message: str | None = None
    more_info: str | None = None
    try:
        body = msgspec.json.decode(response.content, type=_ErrorBody)
        code, message, more_info = body.code, body.message, body.more_info
    except (msgspec.DecodeError, msgspec.ValidationError):
        kind = printable(response.headers.get("content-type", "no content type").split(";")[0][:100])
        reason = printable(response.reason_phrase or "")[:100]
        message = f"HTTP {status} {reason}".strip() + f" (the reply was not JSON: {kind})"
    message = printable(message or f"HTTP {status}")
    more_info = printable(more_info) if more_info else None
    kwargs: dict[str, Any] = {"status": status, "code": code, "more_info": more_info}
    if status == 401:
        return AuthenticationError(message, **kwargs)
    if status == 403:
        return PermissionDeniedError(message, **kwargs)
    if status == 404:
        return NotFoundError(message, **kwargs)
    if status == 429:
        return RateLimitedError(
            message,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            concurrent_requests=count_header(response.headers.get("twilio-concurrent-requests")),
            **kwargs,
        )
    if status >= 500:
        return ServerError(message, **kwargs)
    if code == 83003:
        match = _SIM_SID.search(message)
        return AlreadyRegisteredError(message, sim_sid=match.group(0) if match else None, **kwargs)
    return ValidationError(message, **kwargs)


def count_header(value: str | None) -> int | None:
    """A whole-number header (Twilio-Concurrent-Requests), or None when absent or not a sane count."""
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < len(value) <= 7 else None
