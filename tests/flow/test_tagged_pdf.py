"""Both PDF reports are tagged (PDF/UA-1): structure tree, language, title, marked content."""

from __future__ import annotations

import io
import shutil
import subprocess

from pypdf import PdfReader

from tests.conftest import BotHarness
from tests.stories import RUN_ONE, finish_a_run, release, set_up, take_part


def assert_tagged(pdf: bytes, title: str) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/StructTreeRoot"]["/K"]  # a reading order, not an empty tree
    assert root["/Lang"] == "de"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a PDF boolean object
    assert reader.metadata is not None and reader.metadata.title is not None
    assert reader.metadata.title.startswith(title)
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is not None:  # poppler's own reading, where it is installed
        info = subprocess.run([pdfinfo, "-"], input=pdf, capture_output=True, check=True)
        assert "Tagged:          yes" in info.stdout.decode()


async def test_the_personal_and_the_workshop_report_are_tagged(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, RUN_ONE)
    await anna.tap("Bericht als PDF")
    await anna.tap("Überspringen")
    assert anna.last.file is not None
    assert_tagged(anna.last.file, "Selbstcheck „Weltoffene Kommune“")

    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for number in range(5):
        await take_part(bot.person(100 + number, f"P{number}"), payload, "Politik", "ABCDABC")
    await release(chris)
    await chris.tap("📄 Bericht als PDF")
    assert chris.last.file is not None
    assert_tagged(chris.last.file, "Selbstcheck-Workshop „Weltoffene Kommune“")
