"""After answering: the right words for everyone – participants who come back, a closed or
deleted workshop, co-coordinators and what a participant outside the administration is
given to take into the discussion."""

from __future__ import annotations

from bot.flows.actions import ManageWorkshop
from bot.flows.buttons import encode
from tests.conftest import BotHarness
from tests.stories import REFUSAL, latest_link, menu, query, reopen_menu, set_up, take_part, workshop_id

BOT_SETTINGS = {"min_group": 3}  # told with the smallest group size the setting allows

RETURNING = "Ihr Workshop „Musterstadt“ ist abgeschlossen – /ergebnis zeigt Ihr Ergebnis"


async def test_a_participant_who_comes_back_after_finishing_is_pointed_to_the_result(
        bot: BotHarness) -> None:
    chris, pia = bot.person(1, "Chris"), bot.person(2, "Pia")
    await take_part(pia, await set_up(chris), "Politik", "AAAAAAA")
    await pia.send("/weiter")
    assert RETURNING in pia.last.text
    assert "noch keinen Selbstcheck begonnen" not in pia.last.text
    await pia.send("/start")
    assert RETURNING in pia.last.text


async def test_a_participant_whose_workshop_closed_before_they_finished_is_told(
        bot: BotHarness) -> None:
    chris, paul = bot.person(1, "Chris"), bot.person(3, "Paul")
    await take_part(paul, await set_up(chris), "Bildung", "BBB")
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    await paul.send("/weiter")
    assert "Ihr Workshop „Musterstadt“ ist abgeschlossen: Er wurde geschlossen" in paul.last.text
    assert "Jedes Handlungsfeld, das Sie vollständig beantwortet haben, zählt" in paul.last.text


async def test_a_closed_workshop_offers_no_new_people(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await set_up(chris)
    await chris.tap("Workshop schließen")
    await chris.tap("Ja, Workshop schließen")
    buttons = str(menu(chris).reply_markup)
    for gone in ("Einladung", "Link erneuern", "Co-Moderation einladen", "schließen"):
        assert gone not in buttons, gone
    assert "Ergebnis" in buttons and "CSV" in buttons
    ws = workshop_id(chris)
    await chris.tap_data(encode(ManageWorkshop("invite", ws)), menu(chris))  # an old button
    assert chris.notices()[-1] == "Der Workshop ist bereits geschlossen."


async def test_participants_of_a_deleted_workshop_are_told(bot: BotHarness) -> None:
    chris, pia, paul = bot.person(1, "Chris"), bot.person(2, "Pia"), bot.person(3, "Paul")
    payload = await set_up(chris)
    await take_part(pia, payload, "Politik", "AAAAAAA")
    await take_part(paul, payload, "Bildung", "BB")
    await chris.tap("Workshop löschen")
    await chris.tap("Ja, endgültig löschen")
    for person in (pia, paul):
        assert "Die Moderation hat den Workshop gelöscht" in person.last.text
    assert "sind informiert: 2 von 2" in chris.last.text


async def test_only_the_creator_invites_sees_and_removes_co_coordinators(
        bot: BotHarness) -> None:
    chris, bea = bot.person(1, "Chris"), bot.person(2, "Bea")
    await set_up(chris)
    await chris.tap("Co-Moderation einladen")
    await bea.send(f"/start {latest_link(chris, 'k')}")
    assert "Co-Moderation einladen" not in str(bea.last.reply_markup)
    await bea.tap_data(encode(ManageWorkshop("cocoord", workshop_id(chris))), bea.last)
    assert bea.notices()[-1].startswith("Zur Co-Moderation einladen und sie beenden kann nur")
    await reopen_menu(chris)
    assert "Moderation: 2 Personen (Co-Moderation seit " in chris.last.text
    data, shown = chris.button("✖️ Co-Moderation seit")
    await bea.tap_data(data, bea.last)  # a forged removal by the co-coordinator herself
    assert bea.notices()[-1].startswith("Zur Co-Moderation einladen und sie beenden kann nur")
    await chris.tap_data(data, shown)
    assert chris.notices()[-1] == "Die Co-Moderation ist beendet."
    assert "Moderation: 1 Person" in menu(chris).text
    assert await query(bot.database, "SELECT COUNT(*) FROM workshop_coordinators") == [(0,)]
    await chris.tap_data(data, shown)  # the same tap again
    assert chris.notices()[-1] == "Diese Co-Moderation besteht nicht mehr."
    await bea.tap("📈 Stand")
    assert bea.notices()[-1].startswith(REFUSAL)


async def test_outside_the_administration_the_summary_lists_points_to_raise(
        bot: BotHarness) -> None:
    chris, zoe, vera = bot.person(1, "Chris"), bot.person(2, "Zoe"), bot.person(3, "Vera")
    payload = await set_up(chris)
    await take_part(zoe, payload, "Zivilgesellschaft / Wohlfahrt", "DAAAAAA")
    summary = next(m.text for m in zoe.chat if "Ihr Ergebnis im Überblick" in (m.text or ""))
    assert "Punkte für das Gespräch im Workshop" in summary
    assert "1.1 Der Rat hat einen Beschluss zur Integrationsarbeit gefasst." in summary
    assert "Bringen Sie einen Ratsbeschluss auf den Weg." not in summary  # no to-do
    await take_part(vera, payload, "Verwaltung: Integration", "DAAAAAA")
    summary = next(m.text for m in vera.chat if "Ihr Ergebnis im Überblick" in (m.text or ""))
    assert "Bringen Sie einen Ratsbeschluss auf den Weg." in summary  # a suggestion for 1.1
    assert "Punkte für das Gespräch" not in summary
