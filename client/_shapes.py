"""Credentials found by shape and name, in text nobody told us about. Linear in the text.

Masked: private keys (cut-off ones too), URL userinfo, query parameters and ``name: value`` /
``"name": "value"`` / ``name=value`` pairs whose name is a credential's (see
:mod:`client._credential_names`), ``Bearer``/``Basic`` credentials, JWTs and well-known key
prefixes. Not masked: flags (``"password_set": true``), ``$VARIABLE`` references, what is
already masked, and prose after a colon (``access_token: Field required``).

Every pattern runs in time linear in the text, so a megabyte body costs ten times what
100 KB does (``python -m bench redaction`` measures it). No quantifier may rescan characters
another already scanned: a match starts only where a run of its characters starts (a negative
lookbehind), runs are taken possessively, and what spans runs (a quoted value) is scanned by
hand, once, only after a credential's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_plus

from client._credential_names import KEY_QUALIFIERS, is_sensitive_name, words

MASK = "***"

# A name and its separator: password: | "password": | 'X-API-Key': | password= | \"token\":
# A name starts where no name character precedes it, or right after an escaped line break
# (``...\\nCookie: ...`` in a JSON-escaped log).
_NAME_SEPARATOR = re.compile(
    r"(?:(?<![\w.\\-])(?:\\?[\"'])?+|(?<=\\[nrt]))(?P<bare>[A-Za-z0-9][\w.-]*+)(?:\\?[\"'])?+"
    r"(?P<sep>[ \t]*+(?:==|[:=])[ \t]*+)(?![/:=])"
)
_OPEN_QUOTE = re.compile(r"\\?[\"']")
_QUOTED_CONTENT = {q: re.compile(rf"(?:[^{q}\\\n]|\\.)*+") for q in "\"'"}
_SCHEME = re.compile(r"(?:Bearer|Basic|Digest|Token)[ \t]++", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"[A-Za-z][\w-]*+[ \t]++")  # Authorization: Negotiate YII..., NTLM, SSWS
_BARE_VALUE = re.compile(r"(?:[^\s,;&}\])\"'<\\]|\\(?![nrt\"']))*+")  # up to an escaped break
_SAFE = re.compile(r"\*\*\*|\$\{?[A-Z_][A-Z0-9_]*+\}?")  # masked already, or a $VARIABLE
_FLAG = re.compile(r"true|false|null|none", re.IGNORECASE)
_PROSE = re.compile(r"[A-Za-z]++ [A-Za-z]")  # "access_token: Field required" is a message
_WORD_BEFORE = re.compile(r"([A-Za-z]+) $")  # "API key: ..."

_QUERY_PARAM = re.compile(r"(?P<lead>[?&;])(?P<name>[^=&;?#\s'\"]++)=(?P<value>[^&#\s'\"]*+)")
# A credential after its scheme has a digit in it: "Bearer 3fa9..." yes, "bearer access" no.
_SCHEME_CREDENTIAL = re.compile(
    r"\b(?P<scheme>Bearer|Basic|Digest|Token)\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{8,}+",
    re.IGNORECASE,
)
_USERINFO = re.compile(
    r"(?<![a-z0-9+.-])(?P<scheme>[a-z][a-z0-9+.-]*+://)[^/\s@:'\"]++(?::[^/\s@'\"]*+)?+@",
    re.IGNORECASE,
)
# A JWT, glued to a prefix or not; the atomic group commits to the run's first "eyJ" (a later
# one in the same run cannot match where the first did not).
_JWT = re.compile(
    r"(?<![A-Za-z0-9_-])(?>(?:[A-Za-z0-9_-]*?[_-])?eyJ)"
    r"[A-Za-z0-9_-]{4,}+\.[A-Za-z0-9_-]{4,}+\.[A-Za-z0-9_-]*+"
)
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_PEM_END = re.compile(r"-----END [A-Z ]*PRIVATE KEY-----")
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=\s\\]*+")  # base64 lines, "\n" escapes included
KNOWN_KEY_PREFIXES = re.compile(
    r"\b(?:sk_live_|sk_test_|rk_live_|ghp_|gho_|ghs_|ghu_|github_pat_|glpat-|xox[abprs]-|AKIA"
    r"|ASIA|AIza)[A-Za-z0-9_\-]{8,}+"
)


def _run_end(pattern: re.Pattern[str], text: str, start: int) -> int:
    """Where a run of ``pattern`` (which may be empty) that starts at ``start`` ends."""
    run = pattern.match(text, start)
    return run.end() if run else start


def _mask_private_keys(text: str) -> str:
    """Each BEGIN ... END block, and a BEGIN line cut off before its END with the body after it."""
    out: list[str] = []
    kept, ends = 0, True  # False once no END follows: later BEGINs need not look again
    while (begin := _PEM_BEGIN.search(text, kept)) is not None:
        end = _PEM_END.search(text, begin.end()) if ends else None
        ends = end is not None
        stop = end.end() if end else _run_end(_PEM_BODY, text, begin.end())
        out += (text[kept : begin.start()], MASK)
        kept = stop
    out.append(text[kept:])
    return "".join(out)


def _names_a_credential(text: str, found: re.Match[str]) -> bool:
    bare = found.group("bare")
    if is_sensitive_name(bare):
        return True
    if bare.lower() != "key":
        return False
    before = _WORD_BEFORE.search(text, max(0, found.start() - 24), found.start())
    return before is not None and before.group(1).lower() in KEY_QUALIFIERS


def _quoted(text: str, start: int, quote: str) -> tuple[int, int] | None:
    """The span of a quoted value's credential; a value cut off runs to the end of its line."""
    if quote.startswith("\\"):  # a value inside an escaped JSON string ends at the next \"
        end = text.find(quote, start)  # neither search looks past where the value ends
        end = len(text) if end < 0 else end
        line_break = text.find("\n", start, end)
        end = end if line_break < 0 else line_break
    else:
        end = _run_end(_QUOTED_CONTENT[quote], text, start)
    scheme = _SCHEME.match(text, start, end)
    start = scheme.end() if scheme else start
    if start == end or _SAFE.fullmatch(text, start, end):
        return None
    return start, end


def _bare(text: str, start: int, sep: str, authorization: bool) -> tuple[int, int] | None:
    """The span of an unquoted value's credential, or None for a flag, a sentence, or an
    object or array (its own keys are looked at as the pass goes on). An ``Authorization``
    value is a scheme and a credential, whatever the scheme."""
    if text.startswith(("{", "["), start):
        return None
    scheme = (_ANY_SCHEME if authorization else _SCHEME).match(text, start)
    if scheme is not None:
        start = scheme.end()
    elif ":" in sep and _PROSE.match(text, start):
        return None
    end = _run_end(_BARE_VALUE, text, start)
    if start == end or _SAFE.fullmatch(text, start, end) or _FLAG.fullmatch(text, start, end):
        return None
    return start, end


Found = list[tuple[str, str]]  # (credential's name, value) of what a pass masked


def _mask_key_values(text: str, found: Found | None = None) -> str:
    """The value after every credential's name, in one left-to-right pass."""
    out: list[str] = []
    kept = position = 0
    while (name := _NAME_SEPARATOR.search(text, position)) is not None:
        position = name.end()  # an ordinary name: its value is searched for names too
        if not _names_a_credential(text, name):
            continue
        quote = _OPEN_QUOTE.match(text, position)
        if quote is not None:
            span = _quoted(text, quote.end(), quote.group())
        else:
            authorization = "authorization" in words(name.group("bare"))
            span = _bare(text, position, name.group("sep"), authorization)
        if span is not None:
            if found is not None:
                found.append((name.group("bare"), text[span[0] : span[1]]))
            out += (text[kept : span[0]], MASK)
            kept = position = span[1]
    out.append(text[kept:])
    return "".join(out)


def _query_masker(found: Found | None) -> Callable[[re.Match[str]], str]:
    def mask_query_param(match: re.Match[str]) -> str:
        value = match.group("value")
        if value and is_sensitive_name(match.group("name")):
            if found is not None and value != MASK:
                found.append((match.group("name"), unquote_plus(value)))
            return f"{match.group('lead')}{match.group('name')}={MASK}"
        return match.group(0)

    return mask_query_param


_SCHEME_WORD = re.compile(r"bearer|basic|digest|token", re.IGNORECASE)


def _may_hold_a_shape(text: str) -> bool:
    """Whether ``text`` has what at least one rule above needs: a separator (a name's ":" or
    "=", a URL's "://", a query's "="), a JWT's head, a private key's header, a scheme word or
    a known key prefix. Most step texts, statuses and header values have none, and are then
    passed over by a few substring searches instead of every rule's scan."""
    if ":" in text or "=" in text or "eyJ" in text or "PRIVATE KEY" in text:
        return True
    # the scheme words as the scheme rule matches them: re's IGNORECASE also takes U+017F for s
    return _SCHEME_WORD.search(text) is not None or KNOWN_KEY_PREFIXES.search(text) is not None


def redact_shapes(text: str, found: Found | None = None) -> str:
    """Mask what looks like a credential, known or not. ``found``, when given, receives the
    (name, value) of each value masked because of its credential's name (a query parameter, a
    ``name: value`` pair), for the caller to learn."""
    if not _may_hold_a_shape(text):
        return text
    text = _mask_private_keys(text)
    text = _USERINFO.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    text = _QUERY_PARAM.sub(_query_masker(found), text)
    text = _mask_key_values(text, found)
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m.group('scheme')} {MASK}", text)
    text = _JWT.sub(MASK, text)
    return KNOWN_KEY_PREFIXES.sub(MASK, text)
