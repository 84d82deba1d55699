"""The browser's page for typing paper sheets in: a form, errors beside their fields, each
sheet once, for coordinators only."""

from __future__ import annotations

import re

from bot.domain.paper import new_code, printed
from bot.web.app import WebChannel
from tests.web_client import Browser

SHEET = "ABCDEAB"


async def coordinating(channel: WebChannel) -> tuple[Browser, str]:
    coordinator = Browser(channel)
    page = await coordinator.set_up_workshop()
    link = re.search(r'href="(/papier/[0-9]+)"', page.text)
    assert link, page.text
    return coordinator, link[1]


def sheet_form(browser: Browser, code: str, perspective: str | None, answers: str) -> dict[str, str]:
    form = {"csrf": browser.csrf(), "code": code}
    if perspective:
        form["perspective"] = perspective
    form.update({f"s{number}": letter for number, letter in enumerate(answers, 1) if letter != " "})
    return form


async def test_a_sheet_typed_into_the_form_counts_once(channel: WebChannel) -> None:
    coordinator, path = await coordinating(channel)
    page = await coordinator.get(path)
    assert page.status_code == 200 and "<h1>Papierbögen eintippen</h1>" in page.text
    assert page.text.count('type="radio" name="s') == 7 * 5
    code = new_code()

    incomplete = await coordinator.http.post(path, data=sheet_form(coordinator, code[:-1], None,
                                                                    "ABC EAB"))
    assert incomplete.status_code == 400
    text = incomplete.text
    assert 'id="code-problem"' in text and "kein gültiger Bogen-Code" in text
    assert 'id="perspective-problem"' in text and 'id="s4-problem"' in text
    assert 'id="s3-problem"' not in text and 'value="C" checked' in text  # kept as entered
    coordinator.page = text

    stored = await coordinator.http.post(path, data=sheet_form(coordinator, printed(code).lower(),
                                                                "bildung", SHEET))
    assert stored.status_code == 303
    page = await coordinator.get(stored.headers["location"])
    assert f"Bogen {printed(code)} ist gespeichert" in page.text
    assert "Bisher eingetragen: <strong>1</strong> Bogen" in page.text

    again = await coordinator.http.post(path, data=sheet_form(coordinator, code, "politik", SHEET))
    assert again.status_code == 409
    assert f"Der Bogen {printed(code)} ist bereits eingetragen" in again.text
    rows = await channel.storage.database.rows(
        "SELECT p.perspective, COUNT(*) FROM paper_sheets s JOIN workshop_participants p"
        " USING (user_id) GROUP BY p.perspective")
    assert [tuple(row) for row in rows] == [("bildung", 1)]
    wall = await coordinator.get(path.replace("/papier/", "/projektor/") + "/beitreten")
    assert "davon auf Papier: 1" in wall.text  # the room's count says who answered on paper


async def test_only_the_workshops_coordinators_open_or_post_the_form(channel: WebChannel) -> None:
    coordinator, path = await coordinating(channel)
    stranger = Browser(channel)
    await stranger.get()
    await stranger.post(command="workshop")  # a stored person now, with a token of their own
    assert (await stranger.get(path)).status_code == 404
    await stranger.get()
    refused = await stranger.http.post(path, data=sheet_form(stranger, new_code(), "politik",
                                                             SHEET))
    assert refused.status_code == 404
    await coordinator.get(path)
    forged = await coordinator.http.post(path, data={**sheet_form(coordinator, new_code(),
                                                                  "politik", SHEET),
                                                     "csrf": "0" * 64})
    assert forged.status_code == 403
    assert await channel.storage.database.rows("SELECT * FROM paper_sheets") == []


async def test_sheets_printed_from_the_page_download_as_a_pdf(channel: WebChannel) -> None:
    coordinator, path = await coordinating(channel)
    await coordinator.press("Papierbögen")
    assert "Verweis unten" in coordinator.page and "Bögen eintippen" not in coordinator.page
    page = await coordinator.press("🖨 1 Bogen")
    link = re.search(r'href="(/datei/[^"]+)" download="(papierboegen-Musterstadt\.pdf)"', page.text)
    assert link, page.text
    pdf = await coordinator.http.get(link[1])
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


async def workshop_menu(coordinator: Browser) -> None:
    """„Workshop“ in the navigation, then the workshop's entry: its menu."""
    await coordinator.get()
    await coordinator.post(command="workshop")
    await coordinator.get()
    await coordinator.press("Musterstadt · ")


async def test_a_room_on_paper_alone_gets_its_result_as_spreadsheets(channel: WebChannel) -> None:
    coordinator, path = await coordinating(channel)
    for _ in range(5):  # k = 5: five sheets of one perspective make a result
        await coordinator.get(path)
        entered = await coordinator.http.post(path, data=sheet_form(coordinator, new_code(),
                                                                    "politik", SHEET))
        assert entered.status_code == 303
    await workshop_menu(coordinator)
    await coordinator.press("Workshop schließen")
    await coordinator.press("Ja, Workshop schließen")
    for label, name, media in (
            ("XLSX", "workshop-Musterstadt.xlsx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("ODS", "workshop-Musterstadt.ods", "application/vnd.oasis.opendocument.spreadsheet")):
        await workshop_menu(coordinator)
        page = await coordinator.press(label)
        link = re.search(rf'href="(/datei/[^"]+)" download="{re.escape(name)}"', page.text)
        assert link, page.text
        file = await coordinator.http.get(link[1])
        assert file.headers["content-type"] == media and file.content.startswith(b"PK")
