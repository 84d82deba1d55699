"""Stale, forged and unexpected input: always a clear reply, never a traceback or a wrong answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.questionnaire import load_questionnaire
from bot.output.render import Renderer
from bot.store.storage import Storage
from tests import updates
from tests.conftest import SMALL_FIELDS, BotHarness, Person, write_questionnaire
from tests.stories import REFUSAL, menu, query, set_up, take_part

# Whatever arrives, the error handler is never needed.
pytestmark = pytest.mark.usefixtures("nothing_went_wrong")


async def all_answers(database: Path) -> dict[object, object]:
    return {statement: choice for statement, choice
            in await query(database, "SELECT statement_id, choice FROM answers")}


async def run_statuses(database: Path) -> list[object]:
    return [status for status, in await query(database, "SELECT status FROM runs ORDER BY id")]


def version_two(directory: Path) -> Path:
    """The small questionnaire after an update: eins-02 and drei-02 removed, eins-04 added."""
    fields = dict(SMALL_FIELDS)
    eins = fields["01_eins.toml"]
    start = eins.index("[[statements]]\n        id = \"eins-02\"")
    end = eins.index("[[statements]]\n        id = \"eins-03\"")
    fields["01_eins.toml"] = eins[:start] + eins[end:] + """
        [[statements]]
        id = "eins-04"
        text = "Die Kommune berichtet regelmäßig über ihre Integrationsarbeit."
        suggestion = "Legen Sie einen jährlichen Bericht vor."
    """
    drei = fields["03_drei.toml"]
    fields["03_drei.toml"] = drei[:drei.index("[[statements]]\n        id = \"drei-02\"")]
    return write_questionnaire(directory, fields)


async def test_a_button_from_an_older_questionnaire_version_is_explained(
        tmp_path: Path, renderer: Renderer) -> None:
    old = load_questionnaire(write_questionnaire(tmp_path / "v1"))
    new = load_questionnaire(version_two(tmp_path / "v2"))
    async with BotHarness(tmp_path / "v.db", old, renderer) as before:
        anna = before.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        await anna.tap("A · Trifft zu")
        old_data, old_message = anna.button("B · Trifft eher zu")
        assert ":eins-02:" in old_data
    async with BotHarness(tmp_path / "v.db", new, renderer, before.api) as after:
        anna = after.person()
        await anna.tap_data(old_data, old_message)
        assert "nicht mehr. Hier geht es weiter." in anna.notices()[-1]
        assert "Die Zuständigkeiten sind klar geregelt." in anna.last.text  # eins-03, now 2nd
        assert "Feld 1 · 2/3" in anna.last.text
    assert await all_answers(tmp_path / "v.db") == {"eins-01": "A"}


async def test_after_an_update_a_new_statement_is_asked_and_a_removed_one_never_again(
        tmp_path: Path, renderer: Renderer) -> None:
    old = load_questionnaire(write_questionnaire(tmp_path / "v1"))
    new = load_questionnaire(version_two(tmp_path / "v2"))
    async with BotHarness(tmp_path / "w.db", old, renderer) as before:
        anna = before.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        for _ in range(6):  # everything but drei-02
            await anna.tap("A · Trifft zu")
        last_data, last_message = anna.button("A · Trifft zu")
        assert ":drei-02:" in last_data
    # drei-02 is gone and eins-04 is new: eins-04 is the only open statement now
    async with BotHarness(tmp_path / "w.db", new, renderer, before.api) as after:
        anna = after.person()
        await anna.send("/weiter")
        assert "Die Kommune berichtet regelmäßig" in anna.last.text
        await anna.tap("B · Trifft eher zu")
        # the statement message says so, then the chart and the summary follow
        assert "Geschafft" in anna.chat[-3].text and anna.chat[-2].kind == "photo"
        await anna.tap_data(last_data, last_message)
        assert anna.notices()[-1].startswith("Dieser Durchgang ist bereits beendet")
    async with BotHarness(tmp_path / "w.db", new, renderer, before.api) as again:
        anna = again.person()
        await anna.send("/weiter")
        assert "Ihr Selbstcheck ist abgeschlossen" in anna.last.text
    assert await run_statuses(tmp_path / "w.db") == ["finished"]


async def test_a_run_completed_by_a_removal_is_closed_on_the_next_visit(
        tmp_path: Path, renderer: Renderer) -> None:
    old = load_questionnaire(write_questionnaire(tmp_path / "v1"))
    fields = {k: v for k, v in SMALL_FIELDS.items() if k != "03_drei.toml"}
    fewer = load_questionnaire(write_questionnaire(tmp_path / "v3", fields))
    async with BotHarness(tmp_path / "x.db", old, renderer) as before:
        anna = before.person()
        await anna.send("/start")
        await anna.tap("beginnen")
        for _ in range(5):  # fields 1 and 2 complete, field 3 open
            await anna.tap("A · Trifft zu")
        stale_data, stale_message = anna.button("A · Trifft zu")
    async with BotHarness(tmp_path / "x.db", fewer, renderer, before.api) as after:
        anna = after.person()
        await anna.tap_data(stale_data, stale_message)  # field 3 no longer exists
        assert anna.notices()[-1].startswith("Dieser Durchgang ist bereits beendet")
        await anna.send("/start")
        assert "Ihr Selbstcheck ist abgeschlossen" in anna.last.text
        await anna.tap("Ergebnisse anzeigen")
        assert "Ihr Ergebnis im Überblick" in "".join(anna.texts()[-2:])
    assert await run_statuses(tmp_path / "x.db") == ["finished"]


async def test_a_workshop_run_completed_by_a_removal_is_finished_and_counted(
        tmp_path: Path, renderer: Renderer) -> None:
    old = load_questionnaire(write_questionnaire(tmp_path / "v1"))
    fields = dict(SMALL_FIELDS)
    drei = fields["03_drei.toml"]
    fields["03_drei.toml"] = drei[:drei.index("[[statements]]\n        id = \"drei-02\"")]
    new = load_questionnaire(write_questionnaire(tmp_path / "v2", fields))  # drei-02 removed
    async with BotHarness(tmp_path / "ws.db", old, renderer) as before:
        chris, pia = before.person(1, "Chris"), before.person(2, "Pia")
        paul = before.person(3, "Paul")
        payload = await set_up(chris)
        await take_part(pia, payload, "Politik", "AAAAAA")  # everything but drei-02
        await take_part(paul, payload, "Bildung", "BBBBBB")
        stale_data, stale_message = pia.button("A · Trifft zu")
    async with BotHarness(tmp_path / "ws.db", new, renderer, before.api) as after:
        chris, pia = after.person(1, "Chris"), after.person(2, "Pia")
        paul = after.person(3, "Paul")
        await paul.send(f"/start {payload}")  # the participant's own return finishes his run
        assert "Sie haben im Workshop „Musterstadt“ bereits alle Aussagen beantwortet" \
            in paul.last.text
        status = menu(chris)
        await chris.tap("📈 Stand", status)  # the coordinator's look finishes Pia's
        assert ("Beigetreten: 2 · mit mindestens einem Handlungsfeld: 2 · alle Aussagen beantwortet: 2"
                in status.text)
        await pia.tap_data(stale_data, stale_message)  # drei-02 is gone
        assert pia.notices()[-1].startswith("Dieser Durchgang ist bereits beendet")
        await pia.send(f"/start {payload}")  # back through the invitation
        assert "Sie haben im Workshop „Musterstadt“ bereits alle Aussagen beantwortet" \
            in pia.last.text
    assert await run_statuses(tmp_path / "ws.db") == ["finished", "finished"]


@pytest.mark.parametrize("data", [
    "", "a:1:eins-01:A" + "x" * 80, "a:1:eins-01:Z", "a:-1:eins-01:A", "a:1:EINS-01:A",
    "a:1234567890123:eins-01:A", "a:1:eins-01:A\n", "b:1:eins-01' OR '1'='1", "a:1:eins-01",
    "x:1:2", "keep2", " begin", "del:", "del:abc", "del:0", "del:no:yes", "🙂", "\x00",
    "r:99", "a:99:eins-01:A", "a:1:eins-99:A",
])
async def test_malformed_oversized_or_guessed_callback_data_is_refused(
        bot: BotHarness, data: str) -> None:
    anna, ben = bot.person(4711, "Anna"), bot.person(4712, "Ben")
    await anna.send("/start")
    await anna.tap("beginnen")
    await ben.send("/start")
    await ben.tap("beginnen")  # Ben's run is run 2; run 1 is Anna's
    await ben.tap_data(data, ben.last)
    notice = ben.notices()[-1]
    if data == "a:1:eins-99:A":  # well-formed, but Anna's run: not Ben's to answer
        assert notice.startswith(REFUSAL)
    else:
        assert notice.startswith(REFUSAL) or "nicht mehr" in notice
    assert await all_answers(bot.database) == {}


async def test_a_tap_without_data_or_on_an_inline_message_gets_a_reply(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start")
    await bot.process(updates.callback_update(anna.user, None, updates.shown(anna.last,
                                                                             anna.private)))
    assert anna.notices()[-1].startswith(REFUSAL)
    await bot.process(updates.callback_update(anna.user, "begin", None))  # inline message
    assert anna.notices()[-1].startswith("Der Selbstcheck funktioniert nur im privaten Chat")
    assert await run_statuses(bot.database) == []


@pytest.mark.parametrize("content", [updates.STICKER, updates.PHOTO, updates.VOICE,
                                     updates.DOCUMENT, updates.LOCATION, updates.CONTACT],
                         ids=["sticker", "photo", "voice", "document", "location", "contact"])
async def test_stickers_photos_voice_and_files_get_a_helpful_reply(
        bot: BotHarness, content: dict[str, object]) -> None:
    anna = bot.person()
    await anna.send(**content)
    assert "Bilder, Sticker, Sprachnachrichten und Dateien kann ich leider nicht auswerten" in \
        anna.last.text
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.send(**content)
    # the hint, then the open statement again, with its buttons
    assert "nicht auswerten" in anna.chat[-2].text
    assert "Der Rat hat einen Beschluss" in anna.last.text and anna.last.reply_markup
    assert await all_answers(bot.database) == {}


async def test_edited_messages_are_not_acted_on_twice(bot: BotHarness) -> None:
    anna = bot.person()
    sent = await anna.send("/start")
    assert len(anna.chat) == 1
    await anna.edit(sent, "/loeschen")
    text = await anna.send("Hallo")
    await anna.edit(text, "Hallo, ich möchte anfangen")
    assert len(anna.chat) == 2, anna.texts()  # the welcome and the hint for "Hallo"
    await anna.edit(sent, "/start")
    assert len(anna.chat) == 2


async def test_commands_with_unexpected_arguments_do_the_sensible_thing(bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start foo")
    assert "Der Link, über den Sie gekommen sind, ist unvollständig" in anna.chat[-2].text
    assert "Willkommen zum Selbstcheck" in anna.last.text
    for payload in ("x" * 65, "../../etc/passwd", "w_abc def", "ä"):
        before = len(anna.chat)
        await anna.send(f"/start {payload}")
        assert "unvollständig oder nicht (mehr) gültig" in anna.chat[before].text
    await anna.send("/start@selbstcheck_test_bot")
    assert "Willkommen zum Selbstcheck" in anna.last.text
    await anna.tap("beginnen")
    await anna.tap("A · Trifft zu")

    await anna.send("/weiter xyz")
    assert "1 von 7 Aussagen beantwortet" in anna.chat[-2].text
    await anna.send("/ergebnis 1 2 3")
    assert "Zwischenstand" in anna.last.text
    await anna.send("/hilfe bitte")
    assert "So funktioniert der Selbstcheck" in anna.last.text
    await anna.send("/abbrechen sofort")
    assert "Diesen Durchgang wirklich beenden?" in anna.last.text  # still asks first
    await anna.send("/loeschen sofort")
    assert "Alle Ihre Daten löschen?" in anna.last.text  # still asks first
    await anna.send("/" + "x" * 300)
    assert "Den Befehl /" + "x" * 39 + "… kenne ich leider nicht" in anna.chat[-2].text
    assert await all_answers(bot.database) == {"eins-01": "A"}
    assert await run_statuses(bot.database) == ["active"]


async def test_a_person_who_writes_before_starting_is_not_stored(bot: BotHarness) -> None:
    anna: Person = bot.person()
    await anna.send("Guten Tag")
    await anna.send(**updates.STICKER)
    await anna.send("/hilfe")
    await anna.send("/datenschutz")
    storage = await Storage.open(bot.database, bot.clock)
    try:
        assert not await storage.people.has_user(anna.id)
    finally:
        await storage.close()
