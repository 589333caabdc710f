"""Twilio-shaped errors raised by the simulator's rules and rendered as error JSON."""

from __future__ import annotations


class ApiFailure(Exception):
    """One Twilio error response: HTTP status, Twilio code and message."""

    def __init__(self, status: int, code: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


class SimulatedDrop(Exception):
    """Raised after a response has started, to make the connection drop mid-reply."""


def invalid(param: str, why: str) -> ApiFailure:
    return ApiFailure(400, 20001, f"Invalid parameter {param}: {why}")


def missing(param: str) -> ApiFailure:
    return ApiFailure(400, 20002, f"Missing required parameter {param} in the post body")


def not_found(path: str) -> ApiFailure:
    return ApiFailure(404, 20404, f"The requested resource {path} was not found")


def super_sim(code: int, message: str, status: int = 400) -> ApiFailure:
    return ApiFailure(status, code, message)
