"""The browser's forms over an ASGI client: what a page asks with, and what a sent form may be.

A form names itself by its hidden ``form`` field (the action that opened it, in
the buttons' codec); bot/web/forms.py turns it and the fields into one typed
action and refuses anything else as a whole.
"""

from __future__ import annotations

import re

from bot.web.app import WebChannel
from tests.web_client import Browser


async def finished(channel: WebChannel) -> Browser:
    browser = Browser(channel)
    await browser.get()
    await browser.press("Selbstcheck beginnen")
    for _ in range(7):
        await browser.press("C · Trifft eher nicht zu")
    return browser


def key(page: str) -> str:
    found = re.search(r'name="form" value="([^"]*)"', page)
    assert found, page
    return found[1]


async def test_every_control_has_its_label_and_an_error_is_tied_to_its_field(
        channel: WebChannel) -> None:
    browser = await finished(channel)
    await browser.post(command="bericht")
    page = (await browser.settled()).text
    assert 'name="text"' in page and "als Nachricht" not in page and "Chat" not in page
    controls = re.findall(r'<(?:input|textarea) id="([^"]+)"', page)
    assert controls and all(f'<label for="{c}">' in page for c in controls)
    refused = (await browser.send(text="1")).text
    field = re.search(r'<input id="([^"]+)" name="text" type="text" value="1"[^>]*>', refused)
    assert field, refused
    assert 'aria-invalid="true"' in field[0]
    assert f'aria-describedby="{field[1]}-error {field[1]}-hint"' in field[0]
    assert f'<p class="field-error" id="{field[1]}-error">' in refused
    assert 'value="n:s">Überspringen</button>' in refused  # the way on without a name


async def test_next_steps_are_boxes_and_a_sent_choice_is_kept_with_the_run(
        channel: WebChannel) -> None:
    browser = await finished(channel)
    await browser.press("Nächste Schritte wählen")
    page = (await browser.press("1 · Steuerung")).text
    assert page.count('type="checkbox"') == 3 and "☆" not in page
    assert '<legend>Vorschläge aus „1 · Steuerung“</legend>' in page
    saved = (await browser.send("1.1 ", "1.3 ")).text
    assert "Gespeichert: 2 Schritte aus „Steuerung“." in saved
    await browser.press("Steuerung")
    again = browser.page
    assert len(re.findall(r'type="checkbox" [^>]* checked', again)) == 2  # as chosen


async def test_a_forged_or_malformed_form_is_refused_as_a_whole(channel: WebChannel) -> None:
    browser = await finished(channel)
    await browser.press("Antworten ändern")
    page = (await browser.press("1 · Steuerung")).text
    review = key(page)
    assert review.startswith("v:")
    refused = {
        "an answer off the scale": {"form": review, "statement": "eins-01", "choice": "Z"},
        "a statement no button could name": {"form": review, "statement": "<b>", "choice": "A"},
        "an unknown form": {"form": "zz:1", "text": "x"},
        "a form no typed value has": {"form": "r:1"},
        "a value twice": {"form": "", "text": ["Musterstadt", "Musterdorf"]},
        "a value of a novel's length": {"form": "", "text": "x" * 1_001},
    }
    for what, fields in refused.items():
        response = await browser.http.post("/aktion", data={"csrf": browser.csrf(), **fields})
        assert response.status_code == 400, what
    no_token = await browser.http.post("/aktion", data={"form": review, "statement": "eins-01",
                                                        "choice": "A"})
    assert no_token.status_code == 403
    answers = await channel.storage.database.rows("SELECT choice FROM answers")
    assert {row[0] for row in answers} == {"C"}  # nothing was changed

    # the same form, sent properly: changed, and what was missing is said beside the field
    missing = (await browser.send("1.1 ")).text
    assert "Bitte wählen Sie die neue Antwort." in missing
    assert len(re.findall(r'type="radio" [^>]*value="eins-01" checked', missing)) == 1
    changed = (await browser.send("1.1 ", "A · Trifft zu")).text
    assert "Geändert: 1.1" in changed
