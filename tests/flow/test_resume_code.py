"""The resume code in the browser: shown where a person stops, typed on another device."""

from __future__ import annotations

import re

from bot.domain.resume_code import typed
from bot.web.app import COOKIE, WebChannel
from bot.web.resume import ResumeCodes
from bot.web.security import Guesser, Throttle
from tests.flow.test_web_trust import started
from tests.web_client import Browser

_CODE = re.compile(r'<code id="resume-code">([0-9A-Z-]{19})</code>')
_LINK = re.compile(r'class="continue-link" href="(http://127\.0\.0\.1:8080/weiter/[^"]+)"')




def code_on(page: str) -> str:
    found = _CODE.search(page)
    assert found, page
    return found[1]


async def enter(browser: Browser, code: str, path: str = "/fortsetzen"):  # type: ignore[no-untyped-def]
    if not browser.page:
        await browser.get(path)
    return await browser.http.post("/fortsetzen", data={"csrf": browser.csrf(), "code": code})


async def answers(channel: WebChannel) -> int:
    return (await channel.storage.database.rows("SELECT COUNT(*) FROM answers"))[0][0]


async def test_the_pause_page_says_how_to_come_back_with_code_and_link(channel: WebChannel) -> None:
    browser = await started(channel)
    pause = await browser.press("⏸ Pause")
    page = pause.text
    code = code_on(page)
    assert typed(code) is not None
    assert "So machen Sie später weiter" in page and _LINK.search(page)
    assert 'data-copy="resume-code"' in page and " hidden>Code kopieren" in page  # shown by the script
    assert (await browser.get("/fortsetzen")).text.count(code) == 1  # the same code there
    assert code_on((await browser.get(pause.url.path)).text) == code  # on reloading it too


async def test_the_end_of_a_field_says_how_to_come_back(channel: WebChannel) -> None:
    browser = await started(channel, answers=2)
    assert "So machen Sie später weiter" not in browser.page  # not below every statement
    page = (await browser.press("B · Trifft eher zu")).text  # the field's third and last
    assert "abgeschlossen" in page and "So machen Sie später weiter" in page
    # below the next field's first statement, whose A–E stay on the first screen
    assert page.index("So machen Sie später weiter") > page.index("B · Trifft eher zu")
    code_on(page)


async def test_a_typed_code_moves_the_person_to_another_browser_and_the_old_one_is_out(
        channel: WebChannel) -> None:
    first = await started(channel)
    code = code_on((await first.press("⏸ Pause")).text)
    link = _LINK.search(first.page)
    assert link
    second = Browser(channel)
    await second.get()
    assert "Schon auf einem anderen Gerät begonnen?" in second.page  # the form on the welcome
    moved = await enter(second, code.lower().replace("-", " "))
    assert moved.status_code == 303
    await second.get(moved.headers["location"])
    await second.post(command="weiter")
    assert "gesamt 1/7" in (await second.get()).text  # where the person stood
    new_code = code_on((await second.get("/fortsetzen")).text)
    assert new_code != code  # renewed, like the link
    # the old browser, the old code and the old link are out
    assert "Selbstcheck beginnen" in (await first.get()).text  # a newcomer's welcome
    assert 'id="resume-code"' not in (await first.get("/fortsetzen")).text
    third = Browser(channel)
    await third.get("/fortsetzen")
    assert (await enter(third, code)).status_code == 400
    assert (await third.http.get(link[1].removeprefix("http://127.0.0.1:8080"))).status_code == 404
    assert await answers(channel) == 1


async def test_a_wrong_code_gets_a_polite_error_next_to_the_field_and_stores_nothing(
        channel: WebChannel) -> None:
    browser = Browser(channel)
    await browser.get("/fortsetzen")
    wrong = await enter(browser, "K7QM-4XRT-9WHC-2PDF")
    assert wrong.status_code == 400
    form = wrong.text[wrong.text.index('class="resume-form"'):]
    assert form.index('id="code-error"') < form.index('id="code"')  # beside the field
    assert "Zu diesem Code sind keine Angaben gespeichert" in form
    assert 'aria-invalid="true"' in form and 'aria-describedby="code-hint code-error"' in form
    assert 'value="K7QM-4XRT-9WHC-2PDF"' in form  # kept for correcting
    browser.page = wrong.text
    malformed = await enter(browser, "K7QM-4XRT")
    assert malformed.status_code == 400 and "Das ist kein Fortsetzungscode" in malformed.text
    rows = await channel.storage.database.rows("SELECT COUNT(*) FROM users")
    assert rows[0][0] == 0 and await answers(channel) == 0


async def test_wrong_codes_are_throttled_per_session_and_the_right_one_waits_too(
        channel: WebChannel) -> None:
    owner = await started(channel)
    code = code_on((await owner.get("/fortsetzen")).text)
    guesser = Browser(channel)
    await guesser.get("/fortsetzen")
    for guess in range(5):
        response = await enter(guesser, f"K7QM-4XRT-9WHC-2PD{guess}")
        assert response.status_code == 400 and "keine Angaben gespeichert" in response.text
    blocked = await enter(guesser, code)
    assert blocked.status_code == 429 and "zu viele Codes" in blocked.text
    assert 'id="code-error"' in blocked.text
    # somebody else on the same address is not refused for it
    other = Browser(channel)
    await other.get("/fortsetzen")
    assert (await enter(other, code)).status_code == 303


async def test_past_the_ceiling_of_all_addresses_only_sessions_without_wrong_codes_are_checked(
        channel: WebChannel) -> None:
    channel.codes = ResumeCodes(channel, Throttle(attempts=5, address_attempts=30,
                                                  total_attempts=3, window=600))
    for address in ("192.0.2.1", "198.51.100.1", "203.0.113.1"):  # a few wrong codes each
        channel.codes.throttle.failed(Guesser(address, f"session at {address}"))
    owner = await started(channel)
    code = code_on((await owner.get("/fortsetzen")).text)
    guesser = Browser(channel)
    await guesser.get("/fortsetzen")
    assert (await enter(guesser, "K7QM-4XRT-9WHC-2PDF")).status_code == 400  # its first
    assert (await enter(guesser, code)).status_code == 429  # it has guessed wrong itself
    newcomer = Browser(channel)
    await newcomer.get("/fortsetzen")
    assert (await enter(newcomer, code)).status_code == 303


async def test_a_code_for_a_browser_that_holds_other_answers_asks_first(channel: WebChannel) -> None:
    owner = await started(channel)
    code = code_on((await owner.get("/fortsetzen")).text)
    other = await started(channel, answers=2)
    await other.get("/fortsetzen")
    asked = await enter(other, code)
    assert asked.status_code == 200 and "Zu anderen Angaben wechseln?" in asked.text
    assert "Der Code, den Sie eingegeben haben," in asked.text
    assert "Hinter dem eingegebenen Code" in asked.text
    assert await answers(channel) == 3 and COOKIE in other.http.cookies
    other.page = asked.text
    confirmed = await other.http.post("/fortsetzen", data={
        "csrf": other.csrf(), "code": re.search(r'name="code" value="([^"]+)"', asked.text)[1],  # type: ignore[index]
        "confirmed": "1"})
    assert confirmed.status_code == 303
    page = (await other.get("/fortsetzen")).text
    assert code_on(page) != code  # this browser is the owner now, with a new code
    assert "Selbstcheck beginnen" in (await owner.get()).text  # and the owner's old browser is out


async def test_deleting_ones_data_in_the_browser_still_ends_the_session(channel: WebChannel) -> None:
    browser = await started(channel)
    await browser.post(command="loeschen")
    await browser.get()
    response = await browser.post(action=browser.button("löschen"))
    assert response.status_code == 200
    assert f'{COOKIE}=""' in response.headers["set-cookie"]
    assert await answers(channel) == 0
