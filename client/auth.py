"""Authentication schemes as configuration: what a profile's ``auth`` table turns into.

An :class:`Authenticator` gives the headers and query parameters a signed-in request carries.
Credentials are read only when first needed, from a :data:`CredentialSource` (the environment,
or the embedded API's own generated user), so a suite that never signs in needs none set; a
missing one raises :class:`~client.SettingsError` naming only that variable. Tokens obtained by
an OAuth2 grant are kept per worker until ``expires_in`` (less a margin) runs out, then renewed;
``fresh_per_scenario`` asks for a new one at every :meth:`Authenticator.new_scenario`. Every
credential read or obtained is handed to ``on_secret`` (the redactor) before it is used.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NoReturn
from urllib.parse import urlsplit

import requests
from pydantic import BaseModel, ConfigDict, ValidationError

from client._api import ApiClient
from client._errors import ApiClientError
from client._exchange import Exchange
from client._hops import Credentials
from client.profiles import (
    ApiKeyAuth,
    AuthConfig,
    BasicAuth,
    BearerAuth,
    ClientCredentialsGrant,
    NoAuth,
    PasswordGrant,
)
from client.redaction import redact_url
from client.settings import SettingsError

CredentialSource = Mapping[str, str]
SecretSink = Callable[[str, str], None]  # (value, name)


class AuthError(AssertionError):
    """Signing in failed: the message names the request and status, never a credential."""


# What a signed-in request adds (headers, query parameters, cookies): a credential by
# provenance, which the client sends only to the profile's origins.
AuthParts = Credentials


class _GrantAnswer(BaseModel):
    """The token endpoint's answer (RFC 6749 §5.1); other fields are allowed."""

    model_config = ConfigDict(extra="allow")
    access_token: str
    token_type: str = "bearer"
    expires_in: float | None = None


@dataclass
class Authenticator:
    """Signs requests in for one profile, per worker. Thread-unsafe, like a pytest worker."""

    config: AuthConfig
    # never in the repr: it is the environment, or the embedded API's credentials
    credentials: CredentialSource = field(repr=False)
    on_secret: SecretSink = field(default=lambda value, name: None, repr=False)
    # a credential that is not secret (user name, client id) was read: reports may name it
    on_credential: SecretSink = field(default=lambda value, name: None, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    # what to do about a missing credential, for the message
    missing_hint: str = field(default="export it; never commit it to a file", repr=False)
    _token: str | None = field(default=None, repr=False)
    _expires: float | None = None
    last_grant: Exchange | None = field(default=None, repr=False)  # the token request's, if any
    _failed: str | None = field(default=None, repr=False)  # why the sign-in failed, once it has

    @property
    def scheme(self) -> str:
        return self.config.scheme

    def needs_credentials(self) -> bool:
        return not isinstance(self.config, NoAuth)

    def credential(self, name: str, *, secret: bool = True) -> str:
        """The variable's value, registered as a secret; SettingsError names it if unset."""
        value = self.credentials.get(name)
        if not value:
            raise SettingsError(
                f"{name} is not set: the profile's {self.scheme} authentication needs it"
                f" ({self.missing_hint})"
            )
        if secret:
            self.on_secret(value, name)
        else:
            self.on_credential(value, name)
        return value

    def new_scenario(self) -> None:
        """Forget the token when the profile wants a fresh sign-in per scenario."""
        if getattr(self.config, "fresh_per_scenario", False):
            self._token = self._expires = None

    def parts(self, client: ApiClient) -> AuthParts:
        """The headers and parameters of a signed-in request (signing in first if needed)."""
        config = self.config
        if isinstance(config, NoAuth):
            return AuthParts()
        if isinstance(config, BearerAuth):
            return _bearer(self.credential(config.token_env))
        if isinstance(config, BasicAuth):
            user = self.credential(config.username_env, secret=False)
            return AuthParts(headers={"Authorization": _basic(user, self._password(config))})
        if isinstance(config, ApiKeyAuth):
            key = self.credential(config.key_env)
            if config.query:
                return AuthParts(params={config.query: key})
            if config.cookie:
                return AuthParts(cookies={config.cookie: key})
            return AuthParts(headers={config.header or "X-API-Key": key})
        return _bearer(self.token(client))

    def _password(self, config: BasicAuth | PasswordGrant) -> str:
        return self.credential(config.password_env)

    # -- OAuth2 grants ---------------------------------------------------------------------
    def token(self, client: ApiClient) -> str:
        """A valid access token, reused until it is about to expire."""
        config = self.config
        assert isinstance(config, PasswordGrant | ClientCredentialsGrant)
        if isinstance(config, PasswordGrant) and config.token_env:
            issued = self.credentials.get(config.token_env)
            if issued:
                self.on_secret(issued, config.token_env)
                return issued
        now = self.clock()
        if self._token is not None and (self._expires is None or now < self._expires):
            return self._token
        answer = self.grant(client)
        self._token = answer.access_token
        self._expires = (
            None
            if answer.expires_in is None
            else now + max(0.0, answer.expires_in - config.renew_margin)
        )
        return self._token

    def grant_request(self, password: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
        """The token request's form and headers (``password`` overrides the configured one)."""
        config = self.config
        headers: dict[str, str] = {}
        if isinstance(config, PasswordGrant):
            form = {
                "grant_type": "password",
                "username": self.credential(config.username_env, secret=False),
                "password": password if password is not None else self._password(config),
            }
        elif isinstance(config, ClientCredentialsGrant):
            client_id = self.credential(config.client_id_env, secret=False)
            client_secret = self.credential(config.client_secret_env)
            form = {"grant_type": "client_credentials"}
            if config.client_auth == "basic":
                headers["Authorization"] = _basic(client_id, client_secret)
            else:
                form |= {"client_id": client_id, "client_secret": client_secret}
        else:
            raise AuthError(f"the {self.scheme} scheme has no token request")
        if config.scope:
            form["scope"] = config.scope
        return form, headers

    def grant(self, client: ApiClient) -> _GrantAnswer:
        """Ask the token endpoint for a token; AuthError says why not, in one line naming the
        profile's ``token_url``.

        A sign-in the token server refused (a 4xx, or a 200 without a token) is not asked
        again by this worker: every later sign-in fails at once with the same line (a server
        that refuses the client refuses it for every scenario). A server that does not answer
        is asked again: that may pass.
        """
        if self._failed is not None:
            raise AuthError(self._failed)
        config = self.config
        assert isinstance(config, PasswordGrant | ClientCredentialsGrant)
        form, headers = self.grant_request()
        where = f"the profile's token_url {redact_url(client.url_for(config.token_url))}"
        try:
            exchange = client.post(config.token_url, data=form, headers=headers)
        except ApiClientError as err:
            if _same_origin(client.url_for(config.token_url), client.base_url):
                raise  # the API's own token endpoint: what the client says of the API holds
            # a token server of its own: "the API looks down" would send people the wrong way
            last = err.attempts[-1].outcome if err.attempts else "no answer"
            raise AuthError(f"sign-in failed: {where} does not answer ({last})") from None
        self.last_grant = exchange
        if exchange.status != 200:
            message = f"sign-in failed: {where} answered {exchange.status}, expected 200"
            if 400 <= exchange.status < 500:
                self._fail(message)
            raise AuthError(message)
        try:
            answer = _GrantAnswer.model_validate_json(exchange.body)
        except ValidationError:
            self._fail(f"sign-in failed: {where} answered 200 without an access_token")
        self.on_secret(answer.access_token, "a token the API issued")
        return answer

    def _fail(self, message: str) -> NoReturn:
        self._failed = message
        raise AuthError(message)


def _same_origin(url: str, other: str) -> bool:
    first, second = urlsplit(url), urlsplit(other)
    return (first.scheme, first.netloc.lower()) == (second.scheme, second.netloc.lower())


def _bearer(token: str) -> AuthParts:
    return AuthParts(headers={"Authorization": f"Bearer {token}"})


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def token_url_problem(url: str, timeout: float = 5.0) -> str | None:
    """Why no one could sign in at the token endpoint ``url``, found without sending any
    credential: nothing answers there, or it answers 404 (or 410). None when something answers
    (a 400 or 401 to a request without credentials is what a token endpoint says)."""
    shown = redact_url(url)
    try:
        # an empty POST: no credential, no grant; what comes back only says who is there
        answer = requests.post(url, timeout=timeout, allow_redirects=False)
    except requests.RequestException as err:
        reason = type(err).__name__
        if isinstance(err, requests.ConnectionError) and "refused" in str(err).lower():
            reason = "connection refused"
        return f"the profile's token_url {shown} does not answer ({reason})"
    if answer.status_code in (404, 410):
        return (
            f"the profile's token_url {shown} answered {answer.status_code}: no token endpoint"
            " there (check its path)"
        )
    return None
