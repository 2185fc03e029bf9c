"""Credentials and connection settings, from the environment only.

``API_USERNAME``, ``API_PASSWORD``, ``API_KEY`` (sent as ``X-API-Key``) and ``API_TOKEN`` (a
pre-issued bearer token, used instead of signing in). Secrets are ``SecretStr``: their repr is
``'**********'``. A missing or invalid setting raises :class:`SettingsError` naming only that
variable; pydantic-settings' own error would print the other values (pydantic-settings#937).

The environment is read by hand into a plain pydantic model, as pydantic-settings read it (names
matched whatever their case, an empty value kept as empty, no ``.env`` file): importing
pydantic-settings cost every pytest process, each xdist worker included, about 25 ms of start-up
(issue 19).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

PREFIX = "API_"


class SettingsError(Exception):
    """A required setting is missing or invalid. The message names the variable, not values."""


class ApiSettings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    username: str | None = None
    password: SecretStr | None = None
    key: SecretStr | None = None
    token: SecretStr | None = None

    def secrets(self) -> list[str]:
        """The secret values that are set, for the redactor."""
        return [s.get_secret_value() for s in (self.password, self.key, self.token) if s]

    def require(self, *names: str) -> None:
        """Raise :class:`SettingsError` for the first of ``names`` that is not set."""
        for name in names:
            if getattr(self, name) in (None, ""):
                raise SettingsError(f"API_{name.upper()} is not set: {_HINTS[name]}")


_HINTS = {
    "username": "export the user name the features sign in with",
    "password": "export the password of API_USERNAME (never commit it to a file)",
    "key": "export the API key sent as X-API-Key",
    "token": "export a bearer token, or unset it to sign in with API_USERNAME and API_PASSWORD",
}


def _from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The ``API_*`` variables by field name; a name matches whatever its case (``api_key`` too),
    and of two spellings the one listed last wins, as pydantic-settings had it."""
    folded = {name.lower(): value for name, value in environ.items()}
    prefix = PREFIX.lower()
    return {
        field: folded[prefix + field]
        for field in ApiSettings.model_fields
        if prefix + field in folded
    }


def load_settings(require: Iterable[str] = ()) -> ApiSettings:
    """Read the settings from the environment, checking that ``require`` names are set."""
    try:
        settings = ApiSettings.model_validate(_from_environment(os.environ))
    except ValidationError as err:
        bad = sorted({f"API_{str(e['loc'][0]).upper()}" for e in err.errors() if e["loc"]})
        raise SettingsError(f"invalid setting {', '.join(bad)}: check its value") from None
    settings.require(*require)
    return settings
