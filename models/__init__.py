"""Contracts: strict Pydantic models of API responses, and the validation entry point.

Owns the strict model base (:mod:`models._base`) and the OpenAPI tooling: reading a document
(:mod:`models.openapi`), generating models from it (``python -m models.generate``), the
breaking-change report (:mod:`models.breaking`), operation coverage (:mod:`models.coverage`)
and JSON Schema models (:mod:`models.schemas`). Each profile's own models are a module of their
own (``models.<api>``, named by the profile's ``models`` key), never re-exported here, so adding
or deleting an API's models never edits this file.

Imports nothing of ours but :mod:`client`'s profiles (to find a profile's document), and never
pytest, ``steps``, ``reporting`` or ``demo_api``. A response that does not match fails with
:class:`ContractError`, whose message names the model and each field path, never the values.
"""

from __future__ import annotations

from models._base import ContractError, StrictModel, contract_error, parse

__all__ = ["ContractError", "StrictModel", "contract_error", "parse"]
