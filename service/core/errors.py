"""One hierarchy of domain errors, mapped once to HTTP statuses (see ``service.core.error_handlers``).

Every message is written for the person who has to act on it: what was wrong and what to do instead.
Messages shown in the interface are Chinese (``message``); an English one (``message_en``) helps operators.
"""

from __future__ import annotations


class SpotcheckError(Exception):
    """Base of all domain errors."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, message_en: str | None = None) -> None:
        super().__init__(message_en or message)
        self.message = message
        self.message_en = message_en or message

    def to_dict(self) -> dict[str, str]:
        """The JSON body of the error response."""
        return {"code": self.code, "message": self.message, "message_en": self.message_en}


class NotFound(SpotcheckError):
    """A code or id that names nothing."""

    status_code = 404
    code = "not_found"


class InvalidInput(SpotcheckError):
    """Input that cannot be used as given."""

    status_code = 422
    code = "invalid_input"


class DatabaseUnavailable(SpotcheckError):
    """The database cannot be reached or managed."""

    status_code = 503
    code = "database_unavailable"


class Unauthenticated(SpotcheckError):
    """No valid session or token: the caller must log in."""

    status_code = 401
    code = "unauthenticated"


class Forbidden(SpotcheckError):
    """The caller is known but may not do this, or not here."""

    status_code = 403
    code = "forbidden"


class Conflict(SpotcheckError):
    """The request lost a race or contradicts the current state; retry after reloading."""

    status_code = 409
    code = "conflict"


class RateLimited(SpotcheckError):
    """Too many requests of this kind from this caller; wait and retry."""

    status_code = 429
    code = "rate_limited"


class TooLarge(SpotcheckError):
    """An upload, or what it unpacks to, beyond the configured limits (``settings.security``)."""

    status_code = 413
    code = "too_large"
