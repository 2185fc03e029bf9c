"""The step index: lookup by leading words, ambiguity, and a cost that does not grow."""

from __future__ import annotations

import re
from typing import Any

import pytest

from steps.registry import StepRegistry, definitions_of


def _noop(**kwargs: object) -> None:
    return None


def define(registry: StepRegistry, pattern: str) -> None:
    """Define ``pattern`` with a function taking ``ctx`` and one parameter per field."""
    params = "".join(f", {name}" for name in re.findall(r"\{(\w+)", pattern))
    namespace: dict[str, Any] = {}
    exec(f"def step(ctx{params}): pass", namespace)  # noqa: S102  # a function of that signature
    registry.define("then", pattern, namespace["step"])


def test_a_text_is_matched_with_its_typed_arguments() -> None:
    registry = StepRegistry()
    define(registry, "I {method:Method} {path:Path}")
    define(registry, "the response status is {status:d}")
    (match,) = registry.find("I GET /items/${id}")
    assert match.arguments == {"method": "GET", "path": "/items/${id}"}
    assert registry.find("the response status is 200")[0].arguments == {"status": 200}
    assert registry.find("I FETCH /items") == ()


def test_two_matching_definitions_make_a_step_ambiguous() -> None:
    registry = StepRegistry()
    define(registry, "the order total is {total}")
    define(registry, "the order {field} is {value}")
    assert len(registry.find("the order total is 5")) == 2


def test_a_pattern_defined_twice_is_refused() -> None:
    registry = StepRegistry()
    define(registry, "a step")
    with pytest.raises(ValueError, match="step 'a step' is defined twice"):
        define(registry, "a step")


def test_a_pattern_without_a_parameter_for_a_field_is_refused() -> None:
    with pytest.raises(TypeError, match=r"has no parameter for \{n\}"):
        StepRegistry().define("given", "{n} apples", _noop)


def test_lookup_tries_only_the_definitions_sharing_the_leading_words() -> None:
    registry = StepRegistry()
    for index in range(1000):
        define(registry, f"unused step number {index} with {{value}}")
    define(registry, "the response JSON at {path:Path} is {value:Json}")
    define(registry, "{anything} happens")
    candidates = registry.candidates("the response JSON at id is 1")
    assert [c.pattern for c in candidates] == [
        "{anything} happens",
        "the response JSON at {path:Path} is {value:Json}",
    ]


def test_a_json_value_is_never_a_bare_word() -> None:
    registry = StepRegistry()
    define(registry, "the field {path:Path} is {value:Json}")
    define(registry, "the field {path:Path} is absent")
    texts = (
        'the field a is "x"',
        "the field a is 1.5",
        "the field a is ${v}",
        "the field a is null",
    )
    for text in texts:
        assert [m.definition.pattern for m in registry.find(text)] == [
            "the field {path:Path} is {value:Json}"
        ]
    assert [m.definition.pattern for m in registry.find("the field a is absent")] == [
        "the field {path:Path} is absent"
    ]


# -- which statuses a check expects: declared, not guessed from a parameter's name ------------
def test_a_check_whose_parameter_is_named_status_expects_no_status_unless_it_says_so() -> None:
    registry = StepRegistry()
    define(registry, "the order's fulfilment status is {status:d}")
    (match,) = registry.find("the order's fulfilment status is 503")
    assert match.definition.statuses_expected(match.arguments) == set()


def test_a_check_declares_the_argument_holding_the_statuses_it_expects() -> None:
    registry = StepRegistry()

    def answered(ctx: object, code: int) -> None:
        return None

    def one_of(ctx: object, codes: str) -> None:
        return None

    registry.define("then", "the API answered {code:d}", answered, expects_status="code")
    registry.define("then", "the API answered one of {codes}", one_of, expects_status="codes")
    (single,) = registry.find("the API answered 503")
    (several,) = registry.find("the API answered one of 200, 429 or 503")
    assert single.definition.statuses_expected(single.arguments) == {503}
    assert several.definition.statuses_expected(several.arguments) == {200, 429, 503}


def test_the_vocabulary_s_status_checks_declare_what_they_expect() -> None:
    import steps.vocabulary

    index = StepRegistry()
    for definition in definitions_of(steps.vocabulary):
        index.add(definition)
    (match,) = index.find("the response status is 503")
    assert match.definition.statuses_expected(match.arguments) == {503}


def test_expects_status_naming_no_field_of_the_pattern_is_refused_in_one_line() -> None:
    with pytest.raises(TypeError, match=r"expects_status='status' names no \{field\}"):
        define_expecting(StepRegistry(), "the API answered {code:d}", "status")


def define_expecting(registry: StepRegistry, pattern: str, argument: str) -> None:
    def answered(ctx: object, code: int) -> None:
        return None

    registry.define("then", pattern, answered, expects_status=argument)


def test_a_pattern_with_an_escaped_brace_is_found_by_its_leading_words() -> None:
    """``{{`` in a pattern is a literal brace: the index files it under the words as written
    in a step (``{brace}``), not as escaped."""
    registry = StepRegistry()
    define(registry, "a literal {{brace}} then {x}")
    (match,) = registry.find("a literal {brace} then 1")
    assert match.arguments == {"x": "1"}
    assert registry.find("a literal brace then 1") == ()
