"""${variables} in text and JSON doc strings, and generated values."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from steps.variables import VariableError, Variables, references


def test_text_references_are_replaced_as_text() -> None:
    variables = Variables({"user": "ada"})
    variables.set("id", 7)
    assert variables.expand("/users/${user}/orders/${id}") == "/users/ada/orders/7"


def test_a_reference_alone_in_a_json_string_keeps_its_type() -> None:
    variables = Variables()
    variables.set("quantity", 3)
    variables.set("tags", ["a", "b"])
    body = variables.expand_json(
        '{"q": "${quantity}", "note": "x${quantity}", "raw": ${quantity}, "tags": "${tags}"}'
    )
    assert body == {"q": 3, "note": "x3", "raw": 3, "tags": ["a", "b"]}


def test_text_inserted_into_a_json_string_is_escaped() -> None:
    variables = Variables()
    variables.set("name", 'a "quoted" \\ name')
    assert variables.expand_json('{"n": "say ${name}"}') == {"n": 'say a "quoted" \\ name'}


def test_generators_make_fresh_values() -> None:
    variables = Variables(run_id="r1")
    first, second = variables.expand("${uuid()}"), variables.expand("${uuid()}")
    assert first != second
    uuid.UUID(first)
    assert variables.expand("${unique(Lamp)}").startswith("Lamp [r1-")
    assert json.loads(variables.expand_json_text('"${now()}"')).endswith("+00:00")


def test_a_secret_is_read_from_the_credentials_and_registered() -> None:
    seen: list[str] = []
    variables = Variables(
        credentials={"PW": "pw-0123456789"}, on_secret=lambda value, name: seen.append(name)
    )
    assert variables.expand("/auth/${secret(PW)}") == "/auth/pw-0123456789"
    assert seen == ["PW"]


def test_an_unset_variable_is_one_line_naming_it() -> None:
    with pytest.raises(VariableError, match=r"variable \$\{missing\} is not set"):
        Variables().expand("/x/${missing}")


def test_references_are_listed_with_calls_told_apart() -> None:
    assert list(references("${a} ${uuid()} ${b.c}")) == [("a", False), ("uuid", True)]


def test_a_variable_in_a_regular_expression_is_matched_as_written() -> None:
    variables = Variables({"version": "7.1"})
    pattern = variables.expand_pattern(r"v${version}-\d+")
    assert pattern == r"v7\.1-\d+"
    assert re.fullmatch(pattern, "v7.1-42")
    assert not re.fullmatch(pattern, "v701-42")


def test_a_variable_in_a_regex_marker_is_matched_as_written() -> None:
    variables = Variables({"version": "7.1"})
    body = variables.expand_json(r'{"tag": "#regex v${version}-\\d+", "plain": "v${version}"}')
    assert body == {"tag": r"#regex v7\.1-\d+", "plain": "v7.1"}


def test_an_environment_variable_named_like_a_credential_is_registered_as_a_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``${env(DB_PASSWORD)}`` where ``${secret(...)}`` was meant: masked all the same, so its
    value is never shown beside the step; an ordinary name stays an ordinary value."""
    monkeypatch.setenv("DB_PASSWORD", "db-pw-0123456789")
    monkeypatch.setenv("SHOP_REGION", "eu-west-1-region")
    seen: list[str] = []
    variables = Variables(on_secret=lambda value, name: seen.append(name))
    assert variables.expand("/x/${env(DB_PASSWORD)}") == "/x/db-pw-0123456789"
    assert variables.expand("/x/${env(SHOP_REGION)}") == "/x/eu-west-1-region"
    assert seen == ["DB_PASSWORD"]
