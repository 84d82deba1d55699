"""A workshop live in the room: people get the time it takes and learn what counts, every
completed field counts, a reminder helps the others finish, a wrong perspective is fixed."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.workshop import answer_minutes
from tests.conftest import BotHarness
from tests.stories import latest_link, query, result_text, set_up, take_part

BOT_SETTINGS = {"min_group": 3}  # told with the smallest group size the setting allows


def test_answering_takes_a_quarter_to_two_fifths_of_a_minute_per_statement() -> None:
    assert answer_minutes(3) == (1, 2)
    assert answer_minutes(40) == (10, 16)
    assert answer_minutes(108) == (27, 43)


async def test_the_set_up_recommends_few_fields_and_shows_the_time_of_each(
        bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await chris.send("/workshop Musterstadt")
    choice = chris.last
    assert "empfehlen wir zwei oder drei Handlungsfelder" in choice.text
    labels = [row[0]["text"] for row in choice.reply_markup["inline_keyboard"]]
    assert labels[:3] == ["▫️ 1. Steuerung · 1–2 Min.", "▫️ 2. Öffnung · 1–2 Min.",
                          "▫️ 3. Teilhabe · 1–2 Min."]  # none chosen: the coordinator picks
    assert "Noch ist kein Handlungsfeld gewählt." in choice.text
    await chris.tap("Alle Handlungsfelder")
    assert "7 Aussagen, das dauert etwa 2–3 Minuten" in chris.last.text


async def test_the_join_message_says_how_long_it_takes_and_what_counts(bot: BotHarness) -> None:
    chris, pia = bot.person(1, "Chris"), bot.person(2, "Pia")
    payload = await set_up(chris, without=("3. Teilhabe",))
    await pia.send(f"/start {payload}")
    assert "Sie beantworten 5 Aussagen" in pia.last.text
    assert "das dauert etwa 1–2 Minuten" in pia.last.text
    assert "Jedes Handlungsfeld, das Sie vollständig beantworten, zählt" in pia.last.text


async def test_every_completed_field_counts_even_without_finishing(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for i in range(3):  # three answer field 1 (three statements) and stop
        await take_part(bot.person(10 + i, f"P{i}"), payload, "Politik", "AAB")
    await take_part(bot.person(20, "Q"), payload, "Politik", "AA")  # field 1 half answered
    await chris.tap("📈 Stand")
    status = chris.last.text
    assert ("Beigetreten: 4 · mit mindestens einem Handlungsfeld: 3 · alle Aussagen "
            "beantwortet: 0") in status
    assert "• Politik: 4 beigetreten, 3 mit Handlungsfeld, 0 fertig" in status
    await chris.tap("◀️ Menü")
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    await chris.tap("📊 Ergebnis")
    text = result_text(chris)
    assert "Grundlage sind die Antworten von 3 Teilnehmer*innen" in text
    assert "1. Steuerung & Strategie\nGesamt: Etablierte Stärke (89 %)" in text
    assert "2. Öffnung & Vielfalt\nGesamt: nicht gezeigt (Schutz Einzelner)" in text


async def test_a_reminder_reaches_those_not_finished_once_in_ten_minutes(
        bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    done, stopped, blocked = bot.person(10, "D"), bot.person(11, "S"), bot.person(12, "B")
    await take_part(done, payload, "Politik", "AAAAAAA")
    await take_part(stopped, payload, "Politik", "AB")
    await take_part(blocked, payload, "Bildung", "A")
    joined_only = bot.person(13, "J")
    await joined_only.send(f"/start {latest_link(chris)}")
    bot.api.blocked.add(blocked.id)
    await chris.tap("📈 Stand")
    await chris.tap("🔔 Erinnern")
    assert chris.notices()[-1] == "Die Erinnerung wird gesendet …"
    for person in (stopped, joined_only):
        assert "Die Moderation erinnert an den Selbstcheck. Ihre Antworten sind gespeichert: Sie " \
               "machen genau dort weiter" in person.last.text
    assert "erinnert" not in (done.last.text or "")
    assert "an 2 von 3 Teilnehmer*innen gesendet, die noch nicht fertig sind" in chris.last.text
    assert "1 Person war nicht erreichbar" in chris.last.text
    sent = len(bot.api.calls_to("sendMessage"))
    await chris.tap("🔔 Erinnern")  # again at once, or the same update twice: nothing is sent
    assert chris.notices()[-1].startswith("Die letzte Erinnerung ist keine 10 Minuten her")
    assert len(bot.api.calls_to("sendMessage")) == sent
    bot.clock.advance(timedelta(minutes=9, seconds=59))
    await chris.tap("🔔 Erinnern")
    assert chris.notices()[-1].startswith("Die letzte Erinnerung ist keine 10 Minuten her")
    bot.clock.advance(timedelta(seconds=1))
    await chris.tap("🔔 Erinnern")  # ten minutes later: once more
    assert chris.notices()[-1] == "Die Erinnerung wird gesendet …"


async def test_a_perspective_chosen_by_mistake_is_changed_before_the_first_answer(
        bot: BotHarness) -> None:
    chris, pia = bot.person(1, "Chris"), bot.person(2, "Pia")
    payload = await set_up(chris)
    await pia.send(f"/start {payload}")
    await pia.tap("Politik")
    joined = pia.chat[0]  # the welcome, edited in place each time
    await pia.tap("Andere Perspektive wählen")
    assert "Aus welcher Perspektive nehmen Sie teil?" in joined.text
    await pia.tap("Bildung", joined)
    assert "Ihre Perspektive: Bildung" in joined.text
    assert "Sie sind im Workshop „Musterstadt“" in pia.chat[-2].text  # on with statement 1
    assert "Feld 1 · 1/3" in pia.last.text
    assert await query(bot.database, "SELECT perspective FROM workshop_participants") == [
        ("bildung",)]
    await pia.tap("A · ")
    await pia.tap("Andere Perspektive wählen")  # after the first answer: too late
    assert pia.notices()[-1].startswith("Sie haben schon geantwortet")
    assert await query(bot.database, "SELECT perspective FROM workshop_participants") == [
        ("bildung",)]
