"""The model step without Python: schemas of the profile's OpenAPI document or JSON Schema file.

Each project is httpbin on loopback (its ``/json`` answers a slide show) with a profile that
names no models module, only a document.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from models.openapi import DocumentError
from models.schemas import json_schema_file
from tests.conftest import ROOT
from tests.steps.test_any_api import echo, write

__all__ = ["echo"]

OPENAPI_YAML = """\
openapi: 3.0.3
info: {title: httpbin, version: "1"}
paths:
  /json:
    get:
      responses:
        200:
          description: a slide show
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Document'}
components:
  schemas:
    Document:
      type: object
      required: [slideshow]
      properties:
        slideshow: {$ref: '#/components/schemas/Slideshow'}
    Slideshow:
      type: object
      required: [author, title, slides]
      properties:
        author: {type: %(author)s}
        title: {type: string}
        slides: {type: array, items: {$ref: '#/components/schemas/Slide'}}
    Slide:
      type: object
      required: [title]
      properties:
        title: {type: string}
"""

JSON_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Document",
    "type": "object",
    "required": ["slideshow"],
    "properties": {"slideshow": {"$ref": "#/$defs/Slideshow"}},
    "$defs": {
        "Slideshow": {
            "type": "object",
            "required": ["author", "slides"],
            "properties": {
                "author": {"type": "string"},
                "slides": {"type": "array", "items": {"$ref": "#/$defs/Slide"}},
            },
        },
        "Slide": {"type": "object", "required": ["title", "type"]},
    },
}

CHECKS = """
Feature: Slides
  Scenario: The slide show is what the schemas say
    When I GET /json
    Then the response status is 200
    And the response matches the "Document" model
    And the response JSON at slideshow matches the "Slideshow" model
    And the response JSON at slideshow.slides[0] matches the "Slide" model
"""


def _profile(echo: pytest.Pytester, lines: str) -> None:
    path = echo.path / "pyproject.toml"
    path.write_text(path.read_text() + textwrap.dedent(lines))


def test_the_model_step_checks_a_schema_of_the_profiles_yaml_openapi_document(
    echo: pytest.Pytester,
) -> None:
    (echo.path / "httpbin.yaml").write_text(OPENAPI_YAML % {"author": "string"})
    _profile(echo, 'openapi = "httpbin.yaml"\n')
    write(echo, "slides.feature", CHECKS)
    result = echo.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_a_body_that_departs_from_a_document_schema_names_the_field_not_the_value(
    echo: pytest.Pytester,
) -> None:
    (echo.path / "httpbin.yaml").write_text(OPENAPI_YAML % {"author": "integer"})
    _profile(echo, 'openapi = "httpbin.yaml"\nconformance = "off"\n')
    write(echo, "slides.feature", CHECKS)
    result = echo.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*GET http://127.0.0.1:*/json -> 200: response does not match Document"
            " (field slideshow.author: expected type integer, got string)*"
        ]
    )
    assert "Yours Truly" not in result.stdout.str()


def test_the_model_step_checks_a_schema_of_the_profiles_json_schema_file(
    echo: pytest.Pytester,
) -> None:
    (echo.path / "slides.schema.json").write_text(json.dumps(JSON_SCHEMA))
    _profile(echo, 'json_schema = "slides.schema.json"\n')
    write(echo, "slides.feature", CHECKS)
    result = echo.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_an_unknown_model_lists_the_models_there_are_and_the_closest(
    echo: pytest.Pytester,
) -> None:
    (echo.path / "httpbin.yaml").write_text(OPENAPI_YAML % {"author": "string"})
    _profile(echo, 'openapi = "httpbin.yaml"\n')
    write(echo, "slides.feature", CHECKS.replace('"Slideshow"', '"SlideShow"'))
    result = echo.runpytest_subprocess("--check-features")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "features/echo/slides.feature:6: 'And the response JSON at slideshow matches the"
            " \"SlideShow\" model': unknown model 'SlideShow' (the profile's models: Document,"
            " Slide, Slideshow); did you mean 'Slideshow'?",
            "api-bdd: --check-features: 1 problem found",
        ]
    )


def test_a_json_schema_file_that_cannot_be_read_is_one_line_naming_it(
    echo: pytest.Pytester,
) -> None:
    (echo.path / "slides.schema.json").write_text('{"$defs": {')
    _profile(echo, 'json_schema = "slides.schema.json"\n')
    write(echo, "slides.feature", CHECKS)
    result = echo.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: api-bdd: profile echo: cannot read the JSON Schema slides.schema.json: *"]
    )
    assert len([line for line in result.stderr.lines if line.strip()]) == 1


def test_generated_models_older_than_their_document_are_one_warning_with_the_command(
    echo: pytest.Pytester,
) -> None:
    (echo.path / "httpbin.yaml").write_text(OPENAPI_YAML % {"author": "string"})
    _profile(echo, 'openapi = "httpbin.yaml"\nmodels = "httpbin_models"\n')
    made = ("httpbin.yaml", "httpbin_models.py")
    generate = subprocess.run(
        [sys.executable, "-m", "models.generate", *(str(echo.path / n) for n in made)],
        cwd=echo.path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert generate.returncode == 0, generate.stderr
    # the generated models forbid what the schema does not list: a status check is enough here
    write(echo, "slides.feature", CHECKS.split("    And")[0])
    fresh = echo.runpytest_subprocess()
    fresh.assert_outcomes(passed=1)
    assert "is older than its document" not in fresh.stdout.str()
    (echo.path / "httpbin.yaml").write_text(OPENAPI_YAML % {"author": "string, nullable: true"})
    stale = echo.runpytest_subprocess()
    stale.stdout.fnmatch_lines(
        [
            "*PytestWarning: api-bdd: httpbin_models.py is older than its document httpbin.yaml:"
            ' regenerate it with make models ARGS="--api echo"'
        ]
    )


def test_a_json_schema_whose_ref_loops_is_one_error_naming_the_schema(tmp_path: Path) -> None:
    """``A`` is ``{"$ref": "#/$defs/A"}``: jsonschema would follow it until RecursionError."""
    loops = {"$defs": {"A": {"$ref": "#/$defs/A"}, "B": {"$ref": "#/$defs/C"}}}
    loops["$defs"]["C"] = {"$ref": "#/$defs/B"}
    path = tmp_path / "loop.json"
    path.write_text(json.dumps(loops))
    models = json_schema_file(path, "loop.json")
    for name in ("A", "B"):
        with pytest.raises(DocumentError) as caught:
            models[name].check('{"x": 1}')
        assert str(caught.value).startswith(f"loop.json#/$defs/{name}: its $ref chain loops")
