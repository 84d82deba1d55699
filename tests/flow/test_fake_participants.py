"""A coordinator who joins k−1 fake participants with answers they know to one person's
perspective, closes the workshop and subtracts the fakes in the CSV export."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from bot.domain.questionnaire import Questionnaire
from bot.domain.release_noise import MAX_INTERIM_RELEASES
from bot.output.render import Renderer
from bot.store.storage import Storage
from bot.web.projector import Projector
from tests.conftest import BotHarness
from tests.stories import close, query, reopen_menu, result_text, set_up, take_part

POINTS = {"A": 3, "B": 2, "C": 1, "D": 0}
FAKE = "BBCCBCB"     # what the coordinator's four fake participants answer
VICTIM = "ADCEBAD"   # the one real person of their perspective
BOT_SETTINGS = {"release_noise": random.Random(24)}  # noise as in operation, but repeatable
STATEMENTS = ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2"]


def subtracted(csv_file: bytes, group: str, fakes: int) -> str:
    """The victim's answers as exact subtraction gives them: the group's raters and points
    minus the fakes' ("?" where the numbers do not add up to one answer); a withheld cell
    means "cannot judge"."""
    rows = list(csv.reader(io.StringIO(csv_file.decode("utf-8-sig")), delimiter=";"))
    rebuilt = []
    for number, fake in zip(STATEMENTS, FAKE):
        cell = next(r for r in rows[1:] if r[0] == "Aussage" and r[1] == number and r[3] == group)
        if not cell[4]:  # the fakes all rated: only the victim's "cannot judge" hides it
            rebuilt.append("E")
            continue
        raters, percent = int(cell[4]), int(cell[7] or 0)
        if raters == fakes:
            rebuilt.append("E")
            continue
        points = round(percent * 3 * raters / 100) - fakes * POINTS[fake]
        letter = next((letter for letter, p in POINTS.items() if p == points), "?")
        rebuilt.append(letter if raters == fakes + 1 else "?")
    return "".join(rebuilt)


async def test_fake_participants_do_not_give_a_persons_answers_away(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for i in range(4):
        await take_part(bot.person(200 + i, f"Fake{i}"), payload, "Politik", FAKE)
    await take_part(bot.person(300, "Vera"), payload, "Politik", VICTIM)
    for i, answers in enumerate(["ABACDBA", "BBCADCA", "ACBDABB", "DABCABC", "CBADBAC"]):
        await take_part(bot.person(400 + i, f"V{i}"), payload, "Verwaltung: Integration", answers)
    await close(chris)
    await chris.tap("🗂 CSV-Export")
    assert chris.last.file is not None
    rebuilt = subtracted(chris.last.file, "Politik", fakes=4)
    right = sum(a == b for a, b in zip(rebuilt, VICTIM))
    assert right <= 3, (rebuilt, VICTIM)


async def test_every_view_shows_the_same_noise_however_often_it_is_looked_at(
        bot: BotHarness) -> None:
    """Noise drawn per view could be averaged away; it is drawn once, with the release."""
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for i in range(10):
        await take_part(bot.person(200 + i, f"P{i}"), payload,
                        ("Politik", "Verwaltung: Integration")[i % 2], "ABCDABC")
    await close(chris)
    exports, chats = [], []
    for _ in range(3):
        await reopen_menu(chris)
        await chris.tap("🗂 CSV-Export")
        assert chris.last.file is not None
        exports.append(chris.last.file)
        await reopen_menu(chris)
        await chris.tap("📊 Ergebnis")
        chats.append(result_text(chris))
    assert exports[0] == exports[1] == exports[2] and chats[0] == chats[1] == chats[2]
    assert b"Politik;5;7;0;67" not in exports[0]  # the exact value of statement 1.1 …
    assert any(line.startswith("Aussage;1.1;") and ";Politik;" in line
               for line in exports[0].decode("utf-8-sig").splitlines())  # … is shown noisy


async def test_interim_releases_end_after_three(tmp_path: Path, small_questionnaire: Questionnaire,
                                                renderer: Renderer) -> None:
    """Each interim release draws the fields' noise anew: a coordinator who adds k fakes
    before each could average it away, so there are at most three."""
    async with BotHarness(tmp_path / "k3.db", small_questionnaire, renderer, min_group=3,
                          release_noise=random.Random(3)) as three:
        chris = three.person(1, "Chris")
        payload = await set_up(chris)
        for round_ in range(MAX_INTERIM_RELEASES + 1):
            for i in range(3):
                await take_part(three.person(100 + 10 * round_ + i, "F"), payload, "Politik",
                                "BBCCBCB")
            await reopen_menu(chris)
            await chris.tap("📈 Stand")
            await chris.tap("🔓 Zwischenstand freigeben")
            notice = chris.notices()[-1]
            if round_ < MAX_INTERIM_RELEASES:
                assert notice.startswith("Zwischenstand freigegeben"), notice
            else:
                assert notice.startswith("Mehr als 3 Zwischenstände gibt es nicht"), notice
        assert await query(three.database, "SELECT COUNT(*) FROM workshop_releases") == [(3,)]
        await close(chris)
        assert await query(three.database, "SELECT kind FROM workshop_releases"
                           " ORDER BY id DESC LIMIT 1") == [("final",)]


async def test_the_projectors_live_counts_tell_who_joined_never_what_they_answered(
        bot: BotHarness, small_questionnaire: Questionnaire, renderer: Renderer) -> None:
    """Over time the room's view says who joined and finished, in which perspective – what
    the attacker above is assumed to know anyway – and nothing that depends on an answer."""
    chris = bot.person(1, "Chris")
    projections = []
    for name, victim in (("Musterstadt", VICTIM), ("Beispielstadt", "DDDDDDD")):
        payload = await set_up(chris, name)
        for i in range(4):
            await take_part(bot.person(len(projections) * 100 + 200 + i, "F"), payload,
                            "Politik", FAKE)
        await take_part(bot.person(len(projections) * 100 + 300, "Vera"), payload, "Politik",
                        victim[:4])
        storage = await Storage.open(bot.database, bot.clock)
        try:
            projector = Projector(storage, small_questionnaire, renderer, lambda _: "", 5)
            [workshop] = [w for w in await storage.workshops.coordinated_by(1)
                          if w.municipality == name]
            projection = await projector.projection(workshop)
        finally:
            await storage.close()
        projections.append(projection.progress)
    assert projections[0] == projections[1] and projections[0] is not None
    assert [(row.perspective, row.joined, row.finished) for row in projections[0].rows] == [
        ("politik", 5, 4)]
