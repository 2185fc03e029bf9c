"""The strict base model and the one way responses are validated against it."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError


class StrictModel(BaseModel):
    """A response contract: unknown fields are errors, types are not coerced.

    ``strict=True`` still lets JSON strings become ``datetime`` and ``Decimal`` (that is how JSON
    carries them) but refuses ``"5"`` for an ``int`` or ``1`` for a ``str``.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


M = TypeVar("M", bound=StrictModel)


class ContractError(AssertionError):
    """A response does not match its model. The message names model and fields, never values.

    An ``AssertionError``, so a broken contract reads as a failed expectation in pytest.
    ``problems`` holds ``(field_path, message, error_type)`` for each mismatch.
    """

    def __init__(self, model: str, problems: list[tuple[str, str, str]], where: str = "") -> None:
        self.model = model
        self.problems = problems
        listed = "; ".join(f"{path}: {msg}" for path, msg, _ in problems)
        prefix = f"{where}: " if where else ""
        noun = "field" if len(problems) == 1 else "fields"
        super().__init__(f"{prefix}response does not match {model} ({noun} {listed})")


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def contract_error(model: type[BaseModel], err: ValidationError, where: str = "") -> ContractError:
    """Translate pydantic's error without its ``input_value`` echo (pydantic#9139)."""
    problems = [
        (_path(tuple(e["loc"])), e["msg"], e["type"])
        for e in err.errors(include_input=False, include_url=False, include_context=False)
    ]
    return ContractError(model.__name__, problems, where)


def parse(model: type[M], body: bytes | str, *, where: str = "") -> M:
    """Validate a JSON body against ``model``; raise :class:`ContractError` naming the fields.

    ``where`` prefixes the message (the client passes ``"POST /orders -> 201"``).
    """
    try:
        return model.model_validate_json(body)
    except ValidationError as err:
        raise contract_error(model, err, where) from None
