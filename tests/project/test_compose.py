"""compose.yaml agrees with the Dockerfile and the settings the bot reads, checked without Docker.

CI has no Docker daemon, so the file is parsed and compared with what it must
match: the image's user, port, volume, database path and health check, and the
environment variables ``bot/config.py`` reads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from bot.config import DEFAULT_PORT

REPO = Path(__file__).resolve().parents[2]
# Fixed by the image (the database on the volume, listening on all interfaces in a
# container) or kept only for older installations: not offered in compose.yaml.
SET_BY_THE_IMAGE = {"SELBSTCHECK_DB", "SELBSTCHECK_LISTEN"}
DEPRECATED = {"SELBSTCHECK_PRIVACY_CONTACT", "SELBSTCHECK_WEBHOOK_LISTEN",
              "SELBSTCHECK_WEBHOOK_PORT"}


def dockerfile() -> dict[str, list[str]]:
    """Instruction -> arguments of each occurrence, continuation lines joined."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    instructions: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.setdefault(keyword.upper(), []).append(" ".join(rest.split()))
    return instructions


def image_env() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for argument in dockerfile()["ENV"]:
        pairs.update(re.findall(r"(\w+)=(\S+)", argument))
    return pairs


def bot_service() -> dict[str, Any]:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    assert list(compose["services"]) == ["bot"]
    return compose["services"]["bot"]


def test_compose_builds_this_image_and_keeps_its_user() -> None:
    service = bot_service()
    assert service["build"] == "."
    # the image's unprivileged user; compose must not run it as anybody else
    assert dockerfile()["USER"] == ["10001"]
    assert "user" not in service and "privileged" not in service
    assert service["cap_drop"] == ["ALL"]


def test_the_database_lives_on_the_named_volume() -> None:
    service = bot_service()
    volume_dir = json.loads(dockerfile()["VOLUME"][0])[0]
    database = Path(image_env()["SELBSTCHECK_DB"])
    assert database.parent == Path(volume_dir)
    name, target = service["volumes"][0].split(":")
    assert target == volume_dir
    compose = yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))
    assert name in compose["volumes"]  # named, so it outlives the container


def test_health_check_and_restart_policy_match_the_image() -> None:
    service = bot_service()
    healthcheck = dockerfile()["HEALTHCHECK"][0]
    command = json.loads(healthcheck.split(" CMD ", 1)[1])
    assert service["healthcheck"]["test"] == ["CMD", *command]
    for option in ("interval", "timeout", "start-period", "retries"):
        image_value = re.search(rf"--{option}=(\S+)", healthcheck).group(1)  # type: ignore[union-attr]
        assert str(service["healthcheck"][option.replace("-", "_")]) == image_value
    assert service["restart"] in ("unless-stopped", "always")


def test_the_published_port_is_the_servers_port_and_only_on_the_host() -> None:
    service = bot_service()
    exposed = int(dockerfile()["EXPOSE"][0])
    assert exposed == DEFAULT_PORT
    [mapping] = service["ports"]
    host_address, _, container_port = mapping.split(":")
    assert host_address == "127.0.0.1" and int(container_port) == exposed
    assert service["environment"]["SELBSTCHECK_PORT"].endswith(f":-{exposed}}}")


def test_read_only_root_with_every_writable_path_on_a_volume_or_tmpfs() -> None:
    service = bot_service()
    assert service["read_only"] is True
    writable = [Path(v.split(":")[1]) for v in service["volumes"]] + [Path(t) for t in service["tmpfs"]]
    environment = service["environment"]
    # what the bot writes: the database (with its WAL files) beside SELBSTCHECK_DB,
    # matplotlib's and fontconfig's caches
    for path in (image_env()["SELBSTCHECK_DB"], environment["MPLCONFIGDIR"],
                 environment["XDG_CACHE_HOME"]):
        assert any(Path(path).is_relative_to(place) for place in writable), path
    # Python writes no bytecode next to the installed package
    assert image_env()["PYTHONDONTWRITEBYTECODE"] == "1"


def test_every_setting_the_bot_reads_is_offered_and_nothing_else() -> None:
    read = set(re.findall(r'"((?:SELBSTCHECK|TELEGRAM)_[A-Z_]+)"',
                          (REPO / "bot" / "config.py").read_text(encoding="utf-8")))
    offered = {name for name in bot_service()["environment"]
               if name.startswith(("SELBSTCHECK_", "TELEGRAM_"))}
    assert offered == read - SET_BY_THE_IMAGE - DEPRECATED
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in read:
        assert f"| `{name}` |" in readme, f"{name} is not in the README's configuration table"
