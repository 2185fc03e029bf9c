"""The Redactor: known values in every encoding and fragment, credentials by shape."""

from __future__ import annotations

import base64
import html
import json
import secrets
from urllib.parse import quote, quote_plus

import pytest

from client.redaction import MASK, Redactor, redact_json, redact_shapes, redact_url


def canary() -> str:
    return f'Cn!{secrets.token_hex(10)}/+&"<>{secrets.token_hex(10)}'


@pytest.fixture
def value() -> str:
    return canary()


@pytest.fixture
def redactor(value: str) -> Redactor:
    r = Redactor()
    r.add(value, "API_PASSWORD")
    return r


def b64_inside(value: str, offset: int, alphabet: str = "standard") -> tuple[str, str]:
    """base64 of value embedded at byte ``offset``, and a slice that depends only on value."""
    raw = b"u" * offset + value.encode() + b"zzz"
    encode = base64.b64encode if alphabet == "standard" else base64.urlsafe_b64encode
    full = encode(raw).decode()
    return full, full[4:-8]


@pytest.mark.parametrize(
    "form",
    [
        lambda v: v,
        lambda v: quote(v, safe=""),
        lambda v: quote_plus(v),
        lambda v: json.dumps(v)[1:-1],
        lambda v: html.escape(v),
        lambda v: repr(v)[1:-1],
    ],
    ids=["raw", "url", "url-plus", "json", "html", "repr"],
)
def test_every_escaped_form_is_masked(redactor: Redactor, value: str, form: object) -> None:
    text = f"before {form(value)} after"  # type: ignore[operator]
    assert redactor.redact(text) == f"before {MASK} after"


@pytest.mark.parametrize("offset", [0, 1, 2])
@pytest.mark.parametrize("alphabet", ["standard", "urlsafe"])
def test_base64_at_any_offset_is_masked(
    redactor: Redactor, value: str, offset: int, alphabet: str
) -> None:
    full, inner = b64_inside(value, offset, alphabet)
    assert inner not in redactor.redact(f"Authorization: Basic {full}")
    assert inner not in redactor.redact(f"blob={full};")


def test_basic_auth_of_user_and_password_is_masked(redactor: Redactor, value: str) -> None:
    for user in ("a", "ab", "abc"):
        header = base64.b64encode(f"{user}:{value}".encode()).decode()
        assert header[6:-6] not in redactor.redact(f"sent {header} to the API")


def test_truncated_reprs_lose_their_head_and_tail(redactor: Redactor, value: str) -> None:
    truncated = f"'{value[:15]}...{value[-14:]}'"
    shown = redactor.redact(f"assert {truncated} == 'x'")
    assert value[:12] not in shown
    assert value[-12:] not in shown
    assert shown == f"assert '{MASK}...{MASK}' == 'x'"


def test_each_line_of_a_multi_line_secret_is_masked() -> None:
    lines = [secrets.token_hex(12) for _ in range(3)]
    r = Redactor()
    r.add("\n".join(lines), "a certificate")
    shown = r.redact(f"line two alone: {lines[1]}; all: {' '.join(lines)}")
    assert not any(line in shown for line in lines)


def test_the_mask_does_not_reveal_length() -> None:
    r = Redactor()
    r.add("a" * 8 + "Bc1", "short-ish")
    r.add("Q" * 40 + "z9", "long")
    assert r.redact("aaaaaaaaBc1") == r.redact("Q" * 40 + "z9") == MASK


def test_short_secrets_are_not_masked_but_warned_about_by_name() -> None:
    r = Redactor()
    r.add("pw12", "API_KEY")
    assert r.redact("the value pw12 stays") == "the value pw12 stays"
    assert r.warnings == [
        "API_KEY is shorter than 8 characters: it is not masked by value (that would mangle"
        " ordinary output); use a longer secret"
    ]
    assert "pw12" not in r.warnings[0]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Authorization: Bearer abc123def456", "Authorization: Bearer ***"),
        ("{'X-API-Key': 'k-98765432', 'Accept': 'json'}", "{'X-API-Key': '***', 'Accept': 'json'}"),
        (
            '{"password": "hunter2!", "name": "Desk lamp"}',
            '{"password": "***", "name": "Desk lamp"}',
        ),
        (
            '{"access_token": "t0k", "token_type": "bearer"}',
            '{"access_token": "***", "token_type": "bearer"}',
        ),
        ("Cookie: session=abc123; theme=dark", "Cookie: ***; theme=dark"),
        (
            "GET https://bob:pw@api.test/x?api_key=123&page=2",
            "GET https://***@api.test/x?api_key=***&page=2",
        ),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature", "token ***"),
        ("stripe sk_live_51Habcdefghij", "stripe ***"),
        (
            "grant_type=password&username=bob&password=s3cret!",
            "grant_type=password&username=bob&password=***",
        ),
    ],
)
def test_credentials_are_masked_by_shape_without_being_known(text: str, shown: str) -> None:
    assert Redactor().redact(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "features/orders/checkout.feature:15  And the order total is 59.97",
        "AssertionError: order total is 59.98, expected 59.97",
        "POST http://127.0.0.1:8000/orders -> 409, expected 201: insufficient stock",
        "Then I receive a bearer access token; the token expires within 24 hours",
        "{'Accept': 'application/json', 'Idempotency-Key': 'a1b2c3', 'token_type': 'bearer'}",
        "12:30:45 ratio: 0.5 see http://example.test/path",
    ],
)
def test_ordinary_text_stays_readable(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_redaction_never_raises(redactor: Redactor, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, shapes: bool = True) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(redactor, "_redact", broken)
    assert redactor.redact("anything") == "[api-bdd: output withheld, redaction failed]"


def test_plain_data_is_redacted_throughout(redactor: Redactor, value: str) -> None:
    data = {"a": [value, ("x", value)], value: 1}
    assert redactor.redact_value(data) == {"a": [MASK, ("x", MASK)], MASK: 1}


def test_json_and_url_helpers() -> None:
    assert redact_json({"user": {"password": "x", "name": "n"}, "items": [{"token": "t"}]}) == {
        "user": {"password": MASK, "name": "n"},
        "items": [{"token": MASK}],
    }
    assert redact_url("https://u:p@h/x?token=1&q=2") == "https://***@h/x?token=***&q=2"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            '{"accessToken": "a-1", "refreshToken": "r-2", "idToken": "i-3", "tokenType": "x"}',
            '{"accessToken": "***", "refreshToken": "***", "idToken": "***", "tokenType": "x"}',
        ),
        (
            "{'clientSecret': 'c-1', 'userPassword': 'u-2', 'newPassword': 'n-3'}",
            "{'clientSecret': '***', 'userPassword': '***', 'newPassword': '***'}",
        ),
        (
            '{"data": {"privateKey": "p-1", "sessionToken": "s-2"}}',
            '{"data": {"privateKey": "***", "sessionToken": "***"}}',
        ),
        (
            "X-API-Key: k-1; x_api_key=k-2; api.key: k-3",
            "X-API-Key: ***; x_api_key=***; api.key: ***",
        ),
        ("ACCESS_TOKEN=t-1 client-secret: c-2", "ACCESS_TOKEN=*** client-secret: ***"),
        (
            "Session(access_token='t-1', sessionId='s-2')",
            "Session(access_token='***', sessionId='***')",
        ),
        ("your API key: k-123", "your API key: ***"),
        ("GET /me?accessToken=t-1&page=2", "GET /me?accessToken=***&page=2"),
        ("Proxy-Authorization: Negotiate YIIGabc", "Proxy-Authorization: Negotiate ***"),
    ],
    ids=[
        "camel-json",
        "camel-repr",
        "nested",
        "api-key",
        "screaming-kebab",
        "kwargs",
        "prose",
        "query",
        "scheme",
    ],
)
def test_credential_names_in_any_convention_are_masked(text: str, shown: str) -> None:
    assert Redactor().redact(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        '{"author": "Ann Lee", "authenticated": true, "authority": "shop"}',
        "Access-Control-Allow-Credentials: true",
        "POST /auth/token -> 200: response does not match Token"
        " (field access_token: Field required)",
        "(fields access_token: String should have at least 16 characters; token_type: Input should"
        " be 'bearer')",
        "{'key': 'k-1', 'monkey': 'm-2', 'keyboard': 'qwerty', 'sort_key': 'name'}",
        '{"password_set": true, "token_type": "bearer", "expires_in": 3600, "keyId": "k1"}',
        "token_url = /auth/token; authorization_endpoint: /oauth/authorize",
    ],
    ids=["author", "cors", "contract-message", "contract-messages", "key-alone", "flags", "urls"],
)
def test_ordinary_evidence_is_not_masked(text: str) -> None:
    assert Redactor().redact(text) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('{"password": "hunter2-cut-off', '{"password": "***'),
        (
            '{\\"password\\": \\"hunter2!x\\", \\"name\\": \\"lamp\\"}',
            '{\\"password\\": \\"***\\", \\"name\\": \\"lamp\\"}',
        ),
        ('{"note": "the token=t0k3n-1 was sent"}', '{"note": "the token=*** was sent"}'),
        ("-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADAN\\nBgkqhkiG9w0", MASK),
        (
            '{"log": "GET /me\\r\\nCookie: sid=s-1\\r\\nAccept: */*"}',
            '{"log": "GET /me\\r\\nCookie: ***\\r\\nAccept: */*"}',
        ),
    ],
    ids=["cut-off-string", "escaped-json", "inside-another-value", "cut-off-private-key", "log"],
)
def test_cut_off_and_nested_credentials_are_masked(text: str, shown: str) -> None:
    assert Redactor().redact(text) == shown


def test_json_flags_and_ordinary_keys_stay_readable() -> None:
    assert redact_json(
        {"authenticated": True, "author": "Ann", "data": {"accessToken": "t", "keyId": "k1"}}
    ) == {"authenticated": True, "author": "Ann", "data": {"accessToken": MASK, "keyId": "k1"}}


def test_known_values_only_leaves_credential_shapes_alone(redactor: Redactor, value: str) -> None:
    authored = {"text": f'I send "X-API-Key: demo-key-0001" and {value}', "rows": [["token=demo"]]}
    assert redactor.redact_value(authored, shapes=False) == {
        "text": f'I send "X-API-Key: demo-key-0001" and {MASK}',
        "rows": [["token=demo"]],
    }


def test_a_credential_named_object_keeps_its_brace_and_its_secrets_are_still_masked() -> None:
    text = '{"session": {"id": 1, "token": "tok-0123456789abcdef"}, "password": ["x"]}'
    redacted = redact_shapes(text)
    assert redacted.startswith('{"session": {"id": 1, "token": "***"}')
    assert "tok-0123456789abcdef" not in redacted


def test_a_text_seen_before_a_secret_was_learned_is_masked_after_it() -> None:
    """Short texts are remembered once redacted; learning a value forgets what was remembered."""
    redactor = Redactor()
    text = "X-Trace: qq-7f3a9c2e5b1d4f60"
    assert redactor.redact(text) == text
    assert redactor.redact(text, shapes=False) == text
    redactor.add("qq-7f3a9c2e5b1d4f60", "API_TOKEN")
    assert redactor.redact(text) == f"X-Trace: {MASK}"
    assert redactor.redact(text, shapes=False) == f"X-Trace: {MASK}"


@pytest.mark.parametrize(
    "text",
    [
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----",
        "postgres://admin:hunter22@db.internal/x",
        "/orders?access_token=abcdef123456",
        "password hunter22",  # no separator: not a shape (the control)
        "Authorization: Negotiate YIIabc123def",
        "bearer 9f8e7d6c5b4a3",
        "eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl",
        "key ghp_abcdefghijklmnop and AKIAABCDEFGHIJKLMNOP",
    ],
)
def test_text_without_what_a_shape_needs_is_passed_through_untouched(text: str) -> None:
    """redact_shapes returns at once when no rule could match; every rule's shape still masks."""
    masked = redact_shapes(text)
    assert (masked == text) == (text == "password hunter22")


def test_json_written_with_escaped_slashes_is_masked_like_plain_json() -> None:
    redactor = Redactor()
    value = "pw/with/slashes-0123"
    redactor.add(value, "a password with slashes")
    written = json.dumps({"note": value}).replace("/", "\\/")  # '{"note": "pw\/with\/..."}'
    assert redactor.redact(written, shapes=False) == '{"note": "***"}'
    fragment = written[len('{"note": "') : len('{"note": "') + 14]  # a repr cut short
    assert redactor.redact(f"'{fragment}...'", shapes=False) == "'***...'"


def test_a_value_seen_under_a_credential_name_is_then_masked_everywhere_by_value() -> None:
    redactor = Redactor()
    token = f"tok-{secrets.token_hex(16)}"
    text = f"cut short: '{token[:20]}...' then the whole: {{'sessionToken': '{token}'}}"
    assert token[:20] not in redactor.redact(text)  # earlier in the same text, without its name
    assert redactor.redact(f"<ExceptionInfo '...{token[-14:]}' tblen=3>") == (
        "<ExceptionInfo '...***' tblen=3>"
    )
    key = f"key-{secrets.token_hex(16)}"
    assert redactor.redact(f"GET /x?api_key={key}&page=2") == "GET /x?api_key=***&page=2"
    assert redactor.redact(f"later {key[:13]}, {token}") == "later ***, ***"


def test_what_cannot_be_a_secret_is_not_learned_from_shapes() -> None:
    redactor = Redactor()
    redactor.redact("session: true, token=3600, auth: elevated, password: 2026-12-05T01:00:00Z")
    assert redactor.known == 0
    assert redactor.warnings == []


def test_a_retired_token_is_masked_whole_and_learned_again_when_used_again() -> None:
    redactor = Redactor()
    token = secrets.token_urlsafe(32)
    redactor.add(token, "a token", scoped=True)
    redactor.retire_scoped()
    assert redactor.fragments == 0
    assert redactor.redact(f"Bearer {token}", shapes=False) == "Bearer ***"
    assert redactor.redact(json.dumps({"t": token}), shapes=False) == '{"t": "***"}'
    redactor.add(token, "a token", scoped=True)  # the next scenario sends it again
    assert redactor.redact(f"'{token[:20]}...'", shapes=False) == "'***...'"


def test_a_run_that_signs_in_per_scenario_keeps_no_fragments_of_past_tokens() -> None:
    redactor = Redactor()
    redactor.add("a-setting-password-0123", "API_PASSWORD")
    kept = redactor.fragments
    tokens = [secrets.token_urlsafe(32) for _ in range(300)]
    for token in tokens:  # one scenario each: sign in, show the token, end
        redactor.add(token, "a token", scoped=True)
        assert redactor.redact(f"'{token[:14]}...'", shapes=False) == "'***...'"
        redactor.retire_scoped()
    assert redactor.fragments == kept
    assert redactor.known == 301
    shown = " ".join(tokens)
    assert redactor.redact(shown, shapes=False) == " ".join(["***"] * 300)
    assert redactor.redact("a-setting-password-0123"[:14], shapes=False) == "***"


@pytest.mark.parametrize("after", ["…", '…", "next": 1}', ""])
def test_a_retired_secret_cut_short_by_a_report_leaves_no_head(after: str) -> None:
    """A value learned in a later scenario is kept by its whole forms once that scenario ends;
    an earlier report's value cut at its limit (``"V…``) still has the head masked."""
    redactor = Redactor()
    late = "Zq8Xw7Cv6Bn5Mm4Lk3Jh2Gf1Ds0Aa9Pp8Oo7Ii6Uu5"
    redactor.add(late, "a token the API issued", scoped=True)
    redactor.retire_scoped()
    text = '{"ref": "' + late[:30] + after
    shown = redactor.redact(text, shapes=False)
    assert late[:12] not in shown
    assert shown == '{"ref": "' + MASK + after


def test_a_scenario_that_learned_nothing_keeps_the_texts_already_redacted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The end of a scenario with nothing to retire keeps the memo: the next scenario's header
    names and statuses are not put through the shape rules again (issue 19)."""
    import client.redaction

    passes: list[str] = []
    real = client.redaction.redact_shapes

    def counting(text: str, found: list[tuple[str, str]]) -> str:
        passes.append(text)
        return real(text, found)

    monkeypatch.setattr(client.redaction, "redact_shapes", counting)
    redactor = Redactor()
    record = {"status": "passed", "headers": {"Content-Type": "application/json"}}
    redactor.redact_value(record)
    seen = len(passes)
    redactor.retire_scoped()  # a scenario ends that signed in with nothing
    assert redactor.redact_value(record) == record
    assert len(passes) == seen


def test_retiring_a_value_forgets_the_texts_redacted_while_it_was_live() -> None:
    """Once a scenario's token is retired, only its whole forms are masked: a text that was
    masked for holding a fragment of it is redacted afresh, not taken from the memo."""
    redactor = Redactor()
    token = "Zq8Xw7Cv6Bn5Mm4Lk3Jh2Gf1Ds0Aa9Pp8Oo7Ii6Uu5"
    middle = f"ref {token[10:28]} end"
    redactor.add(token, "a token", scoped=True)
    assert redactor.redact(middle, shapes=False) == f"ref {MASK} end"
    redactor.retire_scoped()
    assert redactor.redact(middle, shapes=False) == middle


def test_strings_of_every_kind_inside_plain_data_are_redacted() -> None:
    """A str subclass (an enum's value) is redacted like a str; numbers, flags and None are
    handed back as they are; tuples stay tuples."""
    import enum

    redactor, value = Redactor(), "s3cr3t-Value-0123456789"
    redactor.add(value, "API_KEY")
    Kind = enum.StrEnum("Kind", {"SECRET": value})
    data = {"kind": Kind.SECRET, "n": 3, "f": 1.5, "ok": True, "none": None, "t": (value, 2)}
    assert redactor.redact_value(data) == {
        "kind": MASK,
        "n": 3,
        "f": 1.5,
        "ok": True,
        "none": None,
        "t": (MASK, 2),
    }
