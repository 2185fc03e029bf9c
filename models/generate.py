"""``python -m models.generate``: strict Pydantic models from an OpenAPI document.

Two ways to call it::

    python -m models.generate SOURCE OUTPUT            # a file or URL -> a Python module
    python -m models.generate --api shop [--from URL]  # the profile's document and models

With ``--api NAME`` the document is the profile's ``openapi`` (a file, or a URL) and the module
is the profile's ``models``; when that module is hand-written (it exists and does not start with
:data:`MARKER`), the generated one goes beside it as ``<name>_generated.py``, for the
hand-written module to import and extend. ``--from`` first refreshes the profile's committed
document from a live API (``--from http://127.0.0.1:8000/openapi.json``).

The models are datamodel-code-generator's, Pydantic v2, on :class:`~models._base.StrictModel`
(strict types, ``extra="forbid"``, frozen), formatted with the project's ruff settings so the
output is byte-for-byte reproducible: a test regenerates and compares.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from datamodel_code_generator import (
    DatetimeClassType,
    Formatter,
    InputFileType,
    LiteralType,
    PythonVersion,
    generate,
)
from datamodel_code_generator.enums import DataModelType

from client.profiles import Profile, ProfileError, load_profiles
from models.freshness import MARKER, document_digest
from models.openapi import DocumentError, dump_document, load_document

ROOT = Path(__file__).resolve().parents[1]


class GenerateError(Exception):
    """The profile does not say where its document and models are, or ruff failed."""


@dataclass(frozen=True)
class Target:
    """Where a profile's document is read from and its models written to."""

    document: str
    module: Path


def profile_settings(name: str, root: Path = ROOT) -> Profile:
    """The API profile ``name`` (see :mod:`client.profiles`), which must name a document."""
    try:
        profile = load_profiles(root).get(name)
    except ProfileError as err:
        raise GenerateError(str(err)) from None
    if not profile.openapi:
        raise GenerateError(
            f"profile {name!r} names no 'openapi' document: add"
            f' openapi = "path/to/openapi.yaml" (a file or a URL) to {profile.table}'
        )
    return profile


def _module_name(profile: str) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in profile.lower()).strip("_")
    return cleaned if cleaned and not cleaned[0].isdigit() else f"api_{cleaned}"


def profile_target(name: str, root: Path = ROOT) -> Target:
    """Where the profile's document is and where its generated models go."""
    profile = profile_settings(name, root)
    if not profile.models or not profile.openapi:
        raise GenerateError(
            f"profile {name!r} names no 'models' module to generate into: add"
            f' models = "models.{_module_name(name)}" to {profile.table}'
        )
    module = root / (profile.models.replace(".", "/") + ".py")
    if module.exists() and not module.read_text(encoding="utf-8").startswith(MARKER):
        module = module.with_name(module.stem + "_generated.py")
    return Target(profile.openapi, module)


def _header(source: str, digest: str) -> str:
    return (
        f"{MARKER} from {source}: do not edit.\n\n"
        "Regenerate with `python -m models.generate` (see its docstring).\n"
        f"Made from the document with the digest (document {digest}).\n"
        '"""'
    )


def _ruff(code: str, module: Path, root: Path) -> str:
    """``ruff check --fix`` and ``ruff format`` with the project's settings (imports sorted)."""
    for command in (["check", "--fix", "--quiet", "--exit-zero"], ["format", "--quiet"]):
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "ruff", *command, "--stdin-filename", str(module), "-"],
            input=code,
            capture_output=True,
            text=True,
            cwd=root,
            check=False,
        )
        if done.returncode != 0:
            raise GenerateError(f"ruff could not format the models: {done.stderr.strip()}")
        code = done.stdout
    return code


def render(document: dict[str, Any], source: str, module: Path, root: Path = ROOT) -> str:
    """The models module for ``document`` as text (``source`` is named in its docstring)."""
    with warnings.catch_warnings():  # its notes on formats it maps to str go to the terminal
        warnings.simplefilter("ignore")
        code = _generate(json.dumps(document), source, document_digest(document))
    if not isinstance(code, str):
        raise GenerateError(f"{source}: expected one module of models")
    return _ruff(code, module, root)


def _generate(document: str, source: str, digest: str) -> object:
    return generate(
        document,
        input_file_type=InputFileType.OpenAPI,
        output_model_type=DataModelType.PydanticV2BaseModel,
        base_class="models._base.StrictModel",
        output_datetime_class=DatetimeClassType.Awaredatetime,
        target_python_version=PythonVersion.PY_311,
        enum_field_as_literal=LiteralType.All,
        use_annotated=True,
        field_constraints=True,
        use_standard_collections=True,
        use_union_operator=True,
        use_double_quotes=True,
        disable_timestamp=True,
        strict_nullable=True,
        formatters=[Formatter.BUILTIN],  # ruff formats it after, with the project's settings
        custom_file_header=_header(source, digest),
    )


def write_models(source: str, module: Path, root: Path = ROOT) -> Path:
    """Read ``source``, write its models to ``module``; return the module's path."""
    document = load_document(source, root)
    module.write_text(render(document, source, module, root), encoding="utf-8")
    return module


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m models.generate", description=__doc__)
    parser.add_argument("source", nargs="?", help="OpenAPI document: a file or an http(s) URL")
    parser.add_argument("output", nargs="?", type=Path, help="the Python module to write")
    parser.add_argument("--api", metavar="NAME", help="use the profile's openapi and models")
    parser.add_argument(
        "--from", dest="refresh", metavar="URL", help="with --api: refresh its document first"
    )
    args = parser.parse_args(argv)
    if (args.api is None) == (args.source is None) or (args.source and args.output is None):
        parser.error("give SOURCE and OUTPUT, or --api NAME")
    if args.refresh and args.api is None:
        parser.error("--from needs --api NAME")
    return args


def main(argv: list[str] | None = None, root: Path = ROOT) -> int:
    args = _parse(argv)
    try:
        if args.api is None:
            written = write_models(args.source, args.output.resolve(), root)
        else:
            target = profile_target(args.api, root)
            if args.refresh:
                fresh = load_document(args.refresh, root)
                (root / target.document).write_text(dump_document(fresh), encoding="utf-8")
            written = write_models(target.document, target.module, root)
    except (GenerateError, DocumentError) as err:
        print(f"python -m models.generate: error: {err}", file=sys.stderr)
        return 2
    shown = written.relative_to(root) if written.is_relative_to(root) else written
    print(f"models.generate: wrote {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
