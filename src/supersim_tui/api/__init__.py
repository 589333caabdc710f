"""Headless async client for the Super SIM v1 API (no Textual, no Rich)."""

from .auth import BasicAuth, OAuthClientCredentials, Secret
from .client import SuperSimClient
from .errors import (
    ApiError,
    AuthenticationError,
    ConnectFailedError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ResponseFormatError,
    ServerError,
    SuperSimError,
    TransportError,
    ValidationError,
)
from .models import (
    BillingPeriod,
    Fleet,
    NapNetwork,
    Network,
    NetworkAccessProfile,
    Sim,
    SimBrief,
    SimIpAddress,
    SimStatus,
    UsageRecord,
)
from .paging import Pager
from .replies import AlreadyRegisteredError
from .retry import RetryPolicy
from .urls import DEFAULT_BASE_URL, check_base_url

__all__ = [
    "DEFAULT_BASE_URL",
    "AlreadyRegisteredError",
    "ApiError",
    "AuthenticationError",
    "BasicAuth",
    "BillingPeriod",
    "ConnectFailedError",
    "Fleet",
    "NapNetwork",
    "Network",
    "NetworkAccessProfile",
    "NotFoundError",
    "OAuthClientCredentials",
    "Pager",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestTimeoutError",
    "ResponseFormatError",
    "RetryPolicy",
    "Secret",
    "ServerError",
    "Sim",
    "SimBrief",
    "SimIpAddress",
    "SimStatus",
    "SuperSimClient",
    "SuperSimError",
    "TransportError",
    "UsageRecord",
    "ValidationError",
    "check_base_url",
]
