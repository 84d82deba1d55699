"""publiccode.yml follows the publiccode.yml standard, version 0.4.

No official schema is available from PyPI or npm, so ``publiccode-0.4.schema.json``
beside this file writes down the rules of the standard's key reference
(https://yml.publiccode.tools/schema.core.html, "The Standard (core)", with its
categories and scope lists): the mandatory keys, the allowed values of
``developmentStatus``, ``softwareType``, ``categories``, ``intendedAudience/scope`` and
``maintenance/type``, the lengths of the descriptions (short at most 150 characters,
long 150 to 10,000), contacts for internal or community maintenance, contractors
for a contract, and dates as YYYY-MM-DD.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from license_expression import get_spdx_licensing

from bot.output.languages import language_tags
from bot.resources import REPORTS_DIR

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "publiccode-0.4.schema.json").read_text("utf-8"))


def publiccode() -> dict[str, Any]:
    return yaml.safe_load((REPO / "publiccode.yml").read_text(encoding="utf-8"))


def test_publiccode_yml_is_valid_against_the_standard() -> None:
    jsonschema.validate(publiccode(), SCHEMA)


def test_it_describes_the_software_in_german_and_english_and_agrees_with_the_package() -> None:
    document = publiccode()
    assert set(document["description"]) == {"de", "en"}
    with (REPO / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    assert document["softwareVersion"] == project["version"]
    assert document["legal"]["license"] == project["license"] == "EUPL-1.2"
    licensing = get_spdx_licensing()
    assert not licensing.validate(document["legal"]["license"]).errors
    languages = document["localisation"]["availableLanguages"]
    assert languages == sorted(language_tags(REPORTS_DIR))  # the languages shipped
    assert document["localisation"]["localisationReady"] is True  # a language is files only


@pytest.mark.parametrize("broken", [
    {"developmentStatus": "ready"},
    {"categories": ["chatbot"]},
    {"maintenance": {"type": "community"}},  # without contacts
    {"description": {"de": {"shortDescription": "x" * 151, "longDescription": "y" * 200,
                            "features": ["z"]}}},
])
def test_the_schema_rejects_what_the_standard_forbids(broken: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**publiccode(), **broken}, SCHEMA)
