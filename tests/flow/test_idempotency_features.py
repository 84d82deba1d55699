"""Results and workshop buttons: the same update twice changes once, forged data is refused.

Telegram delivers an update again when the bot did not acknowledge it (a crash,
a slow webhook answer). A button that only shows something may show it again;
one that changes something changes it once.
"""

from __future__ import annotations

from typing import Any

from bot.flows.actions import ConfirmWorkshop, ContinueRun, ManageWorkshop
from bot.flows.buttons import encode
from tests import updates
from tests.conftest import BotHarness, Person
from tests.stories import REFUSAL, finish_a_run, menu, query, set_up, take_part


async def twice(person: Person, label: str, message: Any = None) -> None:
    """The tap on ``label`` delivered two times: the same update, the same query id."""
    data, shown = person.button(label, message)
    update = person.callback_update(data, shown)
    await person.harness.process(update)
    await person.harness.process(update)


async def test_a_changed_answer_delivered_twice_changes_it_once(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, tuple("BBBBBBB"))
    await anna.tap("Antworten ändern")
    await anna.tap("1 · Steuerung")
    await anna.tap("1.1 · B")
    sent = len(bot.api.calls_to("sendMessage"))
    await twice(anna, "D · Trifft nicht zu")
    # the second delivery finds the answer changed already (its tap can no longer be answered)
    assert anna.notices()[-2:] == ["Geändert: 1.1 – D · Trifft nicht zu",
                                   "Diese Antwort war schon gewählt – nichts geändert."]
    assert "1.1 · D" in str(anna.last.reply_markup)  # the review, shown in place
    assert len(bot.api.calls_to("sendMessage")) == sent
    assert await query(bot.database, "SELECT statement_id, choice FROM answers"
                       " WHERE choice = 'D'") == [("eins-01", "D")]
    assert await query(bot.database, "SELECT status, cursor FROM runs") == [("finished", None)]


async def test_skipping_the_name_twice_sends_one_report(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, tuple("BBBBBBB"))
    await anna.send("/bericht")
    await twice(anna, "Überspringen")
    assert [m.kind for m in anna.chat].count("document") == 1
    assert await query(bot.database, "SELECT name, decided_at IS NOT NULL FROM municipality_names"
                       ) == [(None, 1)]
    assert await query(bot.database, "SELECT COUNT(*) FROM pending_inputs") == [(0,)]


async def test_a_name_delivered_twice_is_taken_once(bot: BotHarness) -> None:
    anna = bot.person()
    await finish_a_run(anna, tuple("BBBBBBB"))
    await anna.send("/bericht")
    name = updates.message_update(updates.message(anna.user, anna.private, "Stadt Musterstadt"))
    await bot.process(name)
    await bot.process(name)
    assert [m.kind for m in anna.chat].count("document") == 1
    assert await query(bot.database, "SELECT name FROM municipality_names") == [
        ("Stadt Musterstadt",)]


async def test_a_perspective_delivered_twice_starts_one_run_with_one_statement(
        bot: BotHarness) -> None:
    chris, pia = bot.person(1, "Chris"), bot.person(2, "Pia")
    payload = await set_up(chris)
    await pia.send(f"/start {payload}")
    politik = pia.button("Politik")
    await twice(pia, "Politik")
    statements = [m for m in pia.chat if "a:" in str(m.reply_markup)]
    assert len(statements) == 1
    assert await query(bot.database, "SELECT COUNT(*), MIN(status) FROM runs") == [(1, "active")]
    assert await query(bot.database, "SELECT perspective FROM workshop_participants") == [
        ("politik",)]
    await pia.tap_data(*politik)  # a later double tap only confirms
    assert pia.notices()[-1].startswith("Ihre Perspektive ist bereits gespeichert")
    assert len([m for m in pia.chat if "a:" in str(m.reply_markup)]) == 1


async def test_selecting_a_field_twice_leaves_it_as_chosen(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await chris.send("/workshop Musterstadt")
    await chris.tap("Alle Handlungsfelder")
    await twice(chris, "2. Öffnung")  # deselect, delivered twice: still deselected
    assert "▫️ 2. Öffnung" in str(chris.last.reply_markup)
    await twice(chris, "3. Teilhabe")
    assert "▫️ 3. Teilhabe" in str(chris.last.reply_markup)
    await chris.tap("2. Öffnung")  # select again
    await chris.tap("Weiter: Gruppen")
    await chris.tap("Workshop anlegen")
    assert await query(bot.database, "SELECT field_ids FROM workshops") == [("eins,zwei",)]


async def test_a_confirmation_delivered_twice_changes_once(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await set_up(chris)
    await chris.tap("Link erneuern")
    photos = [m.kind for m in chris.chat].count("photo")
    await twice(chris, "Ja, neuen Link erzeugen")
    assert [m.kind for m in chris.chat].count("photo") == photos + 1  # one new invitation
    await chris.tap("Workshop schließen", menu(chris))
    await twice(chris, "Ja, Workshop schließen")
    assert await query(bot.database, "SELECT status, revision FROM workshops") == [("closed", 2)]


async def test_switching_runs_twice_and_forged_switches(bot: BotHarness) -> None:
    chris, pia, eve = bot.person(1, "Chris"), bot.person(2, "Pia"), bot.person(3, "Eve")
    payload = await set_up(chris)
    await pia.send("/start")
    await pia.tap("beginnen")
    await pia.tap("A · ")
    await take_part(pia, payload, "Politik", "B")
    await pia.send("/weiter")  # the workshop run, with a button to switch
    await twice(pia, "Zum eigenen Selbstcheck")
    personal = await query(bot.database, "SELECT id FROM runs WHERE workshop_id IS NULL")
    assert await query(bot.database, "SELECT current_run FROM users WHERE user_id = 2") == personal
    await pia.send("/weiter")
    assert "gesamt 1/7" in pia.last.text  # where she switched to
    (run_id,), = personal
    await finish_a_run(eve, tuple("BBBBBBB"))
    (eves,), = await query(bot.database, "SELECT id FROM runs WHERE user_id = 3")
    for forged in (encode(ContinueRun(run_id)), encode(ContinueRun(999_999)), encode(ContinueRun(eves)),
                   "s:0", "s:1:2", "s:" + "9" * 40):
        await eve.tap_data(forged, eve.last)
        assert eve.notices()[-1].startswith(REFUSAL) or eve.notices()[-1].startswith(
            "Dieser Durchgang ist bereits beendet"), forged
    assert await query(bot.database, "SELECT current_run FROM users WHERE user_id = 2") == personal


async def test_forged_workshop_set_up_and_renewal_buttons_are_refused(bot: BotHarness) -> None:
    chris, eve = bot.person(1, "Chris"), bot.person(3, "Eve")
    await set_up(chris)
    (ws,), = await query(bot.database, "SELECT id FROM workshops")
    await chris.tap("Co-Moderation einladen", menu(chris))
    tokens = await query(bot.database, "SELECT coordinator_token, revision FROM workshops")
    await eve.send("/hilfe")
    for forged in (encode(ConfirmWorkshop("cocoord", ws, 0)), encode(ManageWorkshop("cocoord", ws)), "wd:+:gibtsnicht",
                   "wd:*:eins", "wd:f:eins", "wy:cocoord:1:x"):
        await eve.tap_data(forged, eve.last)
        assert eve.notices()[-1].startswith(REFUSAL) or eve.notices()[-1].startswith(
            "Diese Einrichtung ist nicht mehr aktuell"), forged
    assert await query(bot.database, "SELECT coordinator_token, revision FROM workshops") == tokens
