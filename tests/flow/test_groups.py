"""Group chats: a link into the private chat, never anybody's answers."""

from __future__ import annotations

from bot.domain.entities import Awaited
from bot.store.storage import Storage
from tests import updates
from tests.conftest import BotHarness, Person

GROUP_ID = -1001234567890
PRIVATE_LINK = "https://t.me/selbstcheck_test_bot"


def group_messages(bot: BotHarness) -> list[str]:
    return [m.text or "" for m in bot.api.chat(GROUP_ID)]


def link_buttons(bot: BotHarness) -> list[str]:
    return [button.get("url") for m in bot.api.chat(GROUP_ID)
            for row in (m.reply_markup or {}).get("inline_keyboard", []) for button in row]


async def answered_two(bot: BotHarness) -> Person:
    anna = bot.person()
    await anna.send("/start")
    await anna.tap("beginnen")
    await anna.tap("A · Trifft zu")
    await anna.tap("D · Trifft nicht zu")
    return anna


async def assert_answers_unchanged(bot: BotHarness, anna: Person) -> None:
    """Anna's run still holds exactly the two answers of answered_two()."""
    storage = await Storage.open(bot.database, bot.clock)
    try:
        run = await storage.runs.active_run(anna.id)
        assert run is not None and await storage.runs.answers(run.id) == {"eins-01": "A",
                                                                     "eins-02": "D"}
    finally:
        await storage.close()

async def test_commands_in_a_group_answer_with_a_link_to_the_private_chat(bot: BotHarness) -> None:
    anna = bot.person()
    group = updates.group_chat(GROUP_ID)
    for command in ("/start", "/weiter", "/hilfe", "/datenschutz", "/start@selbstcheck_test_bot"):
        await anna.send(command, chat=group)
    texts = group_messages(bot)
    assert len(texts) == 5
    assert all(t.startswith("Der Selbstcheck läuft nur im privaten Chat") for t in texts)
    assert link_buttons(bot) == [PRIVATE_LINK] * 5
    assert anna.chat == []  # nothing was sent privately, unasked
    storage = await Storage.open(bot.database, bot.clock)
    try:
        assert not await storage.people.has_user(anna.id)  # nothing stored for a group command
    finally:
        await storage.close()


async def test_a_group_never_sees_answers_or_results(bot: BotHarness) -> None:
    anna = await answered_two(bot)
    group = updates.group_chat(GROUP_ID)
    private_before = len(anna.chat)
    for command in ("/ergebnis", "/weiter", "/abbrechen", "/loeschen", "/start"):
        await anna.send(command, chat=group)
    everything = "\n".join(group_messages(bot))
    for private in ("Trifft zu", "Einschätzung", "Der Rat hat", "beantwortet", "Aussage"):
        assert private not in everything
    assert len(anna.chat) == private_before
    await assert_answers_unchanged(bot, anna)


async def test_other_bots_commands_and_chatter_in_a_group_are_ignored(bot: BotHarness) -> None:
    anna = bot.person()
    group = updates.group_chat(GROUP_ID)
    await anna.send("/start@anderer_bot", chat=group)
    await anna.send("/ergebnis@anderer_bot", chat=group)
    await anna.send("Wer kommt morgen zum Workshop?", chat=group)
    await anna.send("/unbekannt", chat=group)
    await anna.send(chat=group, **updates.STICKER)
    assert group_messages(bot) == []


async def test_a_deep_link_payload_in_a_group_is_not_passed_on_unless_known(
        bot: BotHarness) -> None:
    anna = bot.person()
    await anna.send("/start kaputt!", chat=updates.group_chat(GROUP_ID))
    assert link_buttons(bot) == [PRIVATE_LINK]


async def test_a_button_on_a_group_message_is_refused_politely(bot: BotHarness) -> None:
    anna = await answered_two(bot)
    data, _ = anna.button("B · Trifft eher zu")
    await anna.send("/start", chat=updates.group_chat(GROUP_ID))
    group_message = bot.api.chat(GROUP_ID)[-1]
    for forged in (data, "begin", "del:no", "keep"):
        await anna.tap_data(forged, group_message)
        assert anna.notices()[-1] == ("Der Selbstcheck funktioniert nur im privaten Chat mit dem "
                                      "Bot. In Gruppen nimmt er keine Antworten an.")
    calls = bot.api.calls_to("answerCallbackQuery")[-4:]
    assert all(c.params.get("show_alert") for c in calls)
    assert len(group_messages(bot)) == 1
    await assert_answers_unchanged(bot, anna)


async def test_results_and_workshops_stay_in_the_private_chat(bot: BotHarness) -> None:
    anna, chris = await answered_two(bot), bot.person(1, "Chris")
    await anna.tap("C · Trifft eher nicht zu")  # the first field is complete
    group = updates.group_chat(GROUP_ID)
    await anna.send("/bericht")  # in private: the bot waits for the municipality's name
    assert "Wie heißt Ihre Kommune?" in anna.last.text
    private_before = len(anna.chat)
    for command in ("/bericht", "/ergebnis", "/workshop", "/workshop Musterstadt",
                    "/bericht@selbstcheck_test_bot"):
        await anna.send(command, chat=group)
    await anna.send("Stadt Musterstadt", chat=group)  # not taken as the awaited name
    await chris.send("/workshop Gruppenstadt", chat=group)
    assert link_buttons(bot) == [PRIVATE_LINK] * 6
    assert all(m.kind == "text" for m in bot.api.chat(GROUP_ID))  # no chart, PDF or QR code
    assert len(anna.chat) == private_before and chris.chat == []
    storage = await Storage.open(bot.database, bot.clock)
    try:
        assert await storage.people.municipality_name(anna.id) is None
        pending = await storage.people.pending_input(anna.id)
        assert pending is not None and pending.awaited is Awaited.REPORT_NAME
        assert await storage.workshops.draft(chris.id) is None and not await storage.people.has_user(chris.id)
    finally:
        await storage.close()


async def test_a_workshop_link_opened_in_a_group_leads_to_the_private_chat(
        bot: BotHarness) -> None:
    chris, pia = bot.person(1, "Chris"), bot.person(2, "Pia")
    await chris.send("/workshop Musterstadt")
    await chris.tap("Alle Handlungsfelder")
    await chris.tap("Weiter: Gruppen")
    await chris.tap("Workshop anlegen")
    payload = next(word.split("start=")[1] for m in chris.chat
                   for word in (m.text or "").split() if "start=w_" in word)
    await pia.send(f"/start {payload}", chat=updates.group_chat(GROUP_ID))
    assert link_buttons(bot) == [f"{PRIVATE_LINK}?start={payload}"]  # passed on unchanged
    assert pia.chat == []
    await pia.send(f"/start {payload}")  # what the button sends in the private chat
    assert "Aus welcher Perspektive nehmen Sie teil?" in pia.last.text
    perspective, _ = pia.button("Politik")
    menu_button, _ = chris.button("📈 Stand")
    await pia.send("/start", chat=updates.group_chat(GROUP_ID))
    group_message = bot.api.chat(GROUP_ID)[-1]
    for data in (perspective, menu_button, "vl:1", "d:1", "n:s", "s:1"):
        await pia.tap_data(data, group_message)
        assert pia.notices()[-1].startswith("Der Selbstcheck funktioniert nur im privaten Chat")
    storage = await Storage.open(bot.database, bot.clock)
    try:
        participant = await storage.workshops.participant(1, pia.id)
        assert participant is not None and participant.perspective is None
    finally:
        await storage.close()
