"""What the flows ask for, as values (bot/flows/outcome.py Form, Confirmation).

Telegram asks in words and buttons; the same outcome says what is wanted (a
typed value with its label, example and limits, a choice of one or of up to
three, a confirmation), so the browser can ask with form fields. These
stories read that part of the outcomes and send what a form sends.
"""

from __future__ import annotations

from bot.flows.actions import (
    Cancel,
    CancelRequest,
    ChangeChosen,
    ChangePerspective,
    ChoosePerspective,
    ChooseSteps,
    EditNextStep,
    EnterNextStep,
    Erase,
    EraseRequest,
    Keep,
    KeepData,
    ManageWorkshop,
    NameAsk,
    NameSkip,
    Priorities,
    ReviewField,
    ShowResults,
    Text,
)
from bot.flows.outcome import TYPED_TEXT, Choice, Confirmation, Form, Outcome, Reply, TextInput
from tests.conftest import BotHarness, Person, started
from tests.stories import release, set_up, take_part, workshop_id

BOT_SETTINGS = {"min_group": 3}
ANSWERS = "DCCCDEE"  # field 1: 1.1 D, 1.2 C, 1.3 C; field 2: 2.1 C, 2.2 D; field 3: E, E


def asked(outcome: Outcome) -> Form | Confirmation:
    """What the outcome's (only) message asks for."""
    messages = [m for m in (outcome.edit, *outcome.send) if isinstance(m, Reply) and m.asks]
    assert len(messages) == 1, outcome
    asks = messages[0].asks
    assert asks is not None
    return asks


def form(outcome: Outcome) -> Form:
    asks = asked(outcome)
    assert isinstance(asks, Form), asks
    return asks


def field(asks: Form, name: str) -> TextInput:
    found = next(f for f in asks.fields if f.name == name)
    assert isinstance(found, TextInput)
    return found


def choice(asks: Form, name: str) -> Choice:
    found = next(f for f in asks.fields if f.name == name)
    assert isinstance(found, Choice)
    return found


async def finished(bot: BotHarness) -> Person:
    anna = await started(bot)
    for letter in ANSWERS:
        await anna.tap(f"{letter} · ")
    return anna


async def test_an_agreed_step_is_asked_in_three_fields_with_their_limits(
        bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    for i in range(3):
        await take_part(bot.person(10 + i, f"P{i}"), payload, "Politik", "AAAAAAA")
    await release(chris)
    workshop = workshop_id(chris)
    flows = bot.services.flows

    asks = form(await flows.act(1, EditNextStep(workshop, None)))
    assert asks.key == EditNextStep(workshop, 1)  # a new step takes the first free place
    assert [(f.name, f.max_length) for f in asks.fields if isinstance(f, TextInput)] == [
        ("what", 200), ("who", 100), ("due", 40)]
    what = field(asks, "what")
    assert what.label == "Was wird getan?" and "Infoblätter" in what.example
    assert what.hint == "3 bis 200 Zeichen" and asks.error is None
    assert what.lines == 3 and field(asks, "who").lines == 1  # a longer text, and a short one
    assert asks.back.action == ManageWorkshop("steps", workshop)

    refused = form(await flows.act(1, EnterNextStep(workshop, 1, "Ok", "", "x" * 41)))
    assert refused.error == "Bitte prüfen Sie die markierten Felder."
    assert field(refused, "what").error == "Bitte geben Sie mindestens 3 Zeichen ein."
    assert field(refused, "who").error == "Bitte füllen Sie dieses Feld aus."
    assert field(refused, "due").error == "Bitte kürzen Sie auf höchstens 40 Zeichen (jetzt 41)."
    assert field(refused, "what").value == "Ok" and field(refused, "due").value == "x" * 41
    assert await bot.services.storage.steps.of(workshop) == []  # nothing stored

    saved = await flows.act(1, EnterNextStep(workshop, 1, " Infoblätter\n übersetzen ",
                                             "Jugendamt", "bis Juni 2027"))
    shown = saved.send[0]
    assert isinstance(shown, Reply) and "<b>1.</b> Infoblätter übersetzen" in shown.text
    steps = await bot.services.storage.steps.of(workshop)
    assert [(s.position, s.what, s.who, s.due) for s in steps] == [
        (1, "Infoblätter übersetzen", "Jugendamt", "bis Juni 2027")]
    assert await bot.services.storage.people.pending_input(1) is None  # no longer awaited
    again = form(await flows.act(1, EditNextStep(workshop, 1)))  # changing it: as it stands
    assert field(again, "what").value == "Infoblätter übersetzen"

    # a step can only be entered by the workshop's coordinators
    stranger = await flows.act(99, EnterNextStep(workshop, 2, "Etwas tun", "Wir", "bald"))
    assert stranger.alert and len(await bot.services.storage.steps.of(workshop)) == 1


async def test_the_reports_name_is_one_typed_value_refused_next_to_its_field(
        bot: BotHarness) -> None:
    anna = await finished(bot)
    flows = bot.services.flows
    await anna.send("/bericht")  # the first report asks for the name
    run_id = (await bot.services.storage.runs.finished_runs(4711))[0].id
    asks = form(await flows.act(4711, NameAsk(run_id)))
    name = field(asks, TYPED_TEXT)
    assert asks.key is None  # the typed text the flows await
    assert name.label == "Name Ihrer Kommune" and name.max_length == 80
    assert asks.back.action == NameSkip() and asks.back.label == "Überspringen"

    refused = form(await flows.act(4711, Text("123")))
    assert field(refused, TYPED_TEXT).value == "123"
    assert "2 bis 80 Zeichen" in (field(refused, TYPED_TEXT).error or "")
    question = form(await flows.act(4711, Text("Wie heißt meine Kommune?")))
    assert field(question, TYPED_TEXT).error == "Bitte geben Sie hier nur den Namen ein, nicht eine Frage."


async def test_the_workshops_name_is_a_typed_value_with_a_way_back(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    await chris.send("/workshop")
    flows = bot.services.flows
    refused = form(await flows.act(1, Text("!!")))
    assert field(refused, TYPED_TEXT).label == "Name der Kommune"
    assert field(refused, TYPED_TEXT).value == "!!" and field(refused, TYPED_TEXT).error
    assert refused.back.label == "Abbrechen"
    empty = form(await flows.act(1, Text("")))  # a form sent empty: said, not ignored
    assert field(empty, TYPED_TEXT).error


async def test_next_steps_are_a_choice_of_up_to_three_and_a_fourth_is_refused_beside_it(
        bot: BotHarness) -> None:
    anna = await finished(bot)
    flows = bot.services.flows
    run_id = (await bot.services.storage.runs.finished_runs(4711))[0].id
    asks = form(await flows.act(4711, Priorities(run_id, "eins")))
    steps = choice(asks, "steps")
    assert steps.most == 3 and asks.key == Priorities(run_id, "eins")
    assert [o.label.split()[0] for o in steps.options] == ["1.1", "1.2", "1.3"]
    assert not any(o.chosen for o in steps.options)
    assert steps.hint == "Sie können bis zu 3 Schritte wählen."
    assert asks.back.action == Priorities(run_id)

    saved = await flows.act(4711, ChooseSteps(run_id, "eins", ("eins-01", "eins-03")))
    assert saved.notice == "Gespeichert: 2 Schritte aus „Steuerung“."
    assert [s.id for s in (await flows.results_view.run_results(
        *await flows.results_view.owned_run(4711, run_id))).priorities] == ["eins-01", "eins-03"]

    other = choice(form(await flows.act(4711, Priorities(run_id, "zwei"))), "steps")
    assert other.hint == "Sie können bis zu 3 Schritte wählen; 2 sind schon in anderen Handlungsfeldern gewählt."
    refused = form(await flows.act(4711, ChooseSteps(run_id, "zwei", ("zwei-01", "zwei-02"))))
    boxes = choice(refused, "steps")
    assert boxes.error == ("Sie haben 2 Schritte gewählt, mit denen aus anderen Handlungsfeldern 4. "
                           "Höchstens 3 sind möglich: Bitte nehmen Sie 1 wieder heraus.")
    assert [o.chosen for o in boxes.options] == [True, True]  # as ticked
    assert await bot.services.storage.runs.priorities(run_id) == ("eins-01", "eins-03")  # unchanged

    # unticking in one field frees room in another
    await flows.act(4711, ChooseSteps(run_id, "eins", ("eins-03",)))
    await flows.act(4711, ChooseSteps(run_id, "zwei", ("zwei-01", "zwei-02")))
    assert set(await bot.services.storage.runs.priorities(run_id)) == {"eins-03", "zwei-01", "zwei-02"}
    forged = await flows.act(4711, ChooseSteps(run_id, "zwei", ("eins-01",)))  # not the field's
    assert forged.alert
    await anna.send("/ergebnis")  # the chat's result heads with the steps chosen in the form
    assert "⭐ Ihre nächsten Schritte\n1. 1.3" in (anna.last.text or "")


async def test_an_answer_is_changed_by_choosing_the_statement_and_the_new_answer(
        bot: BotHarness) -> None:
    await finished(bot)
    flows = bot.services.flows
    run_id = (await bot.services.storage.runs.finished_runs(4711))[0].id
    asks = form(await flows.act(4711, ReviewField(run_id, "eins", 0)))
    statement, answer = choice(asks, "statement"), choice(asks, "choice")
    assert statement.most == 1 and answer.most == 1  # one of each: radio groups
    assert [o.value for o in statement.options] == ["eins-01", "eins-02", "eins-03"]
    assert statement.options[0].label.startswith("1.1 ") and "(bisher D · " in statement.options[0].label
    assert [o.value for o in answer.options] == list("ABCDE")
    assert asks.key == ReviewField(run_id, "eins", 0) and asks.back.action == ShowResults(run_id)

    missing = form(await flows.act(4711, ChangeChosen(run_id, "eins", 0, "eins-02", "")))
    assert choice(missing, "choice").error == "Bitte wählen Sie die neue Antwort."
    assert choice(missing, "statement").error is None
    assert [o.chosen for o in choice(missing, "statement").options] == [False, True, False]
    changed = await flows.act(4711, ChangeChosen(run_id, "eins", 0, "eins-02", "A"))
    assert (changed.notice or "").startswith("Geändert: 1.2")
    assert (await bot.services.storage.runs.answers(run_id))["eins-02"] == "A"


async def test_perspective_choice_and_confirmations_say_what_they_ask(bot: BotHarness) -> None:
    chris = bot.person(1, "Chris")
    payload = await set_up(chris)
    pia = bot.person(10, "Pia")
    await pia.send(f"/start {payload}")
    workshop = workshop_id(chris)
    flows = bot.services.flows
    asks = form(await flows.act(10, ChangePerspective(workshop)))
    perspectives = choice(asks, "perspective")
    assert perspectives.most == 1 and "Politik" in [o.label for o in perspectives.options]
    assert asks.key == ChangePerspective(workshop)
    missing = form(await flows.act(10, ChoosePerspective(workshop, "")))  # sent without a choice
    assert choice(missing, "perspective").error == "Bitte wählen Sie Ihre Perspektive."
    participant = await bot.services.storage.workshops.participant(workshop, 10)
    assert participant is not None and participant.perspective is None

    erase = asked(await flows.act(10, EraseRequest()))
    assert isinstance(erase, Confirmation)
    assert isinstance(erase.confirm.action, Erase) and erase.cancel.action == KeepData()
    assert erase.confirm.label == "Ja, alle meine Daten löschen"

    close = asked(await flows.act(1, ManageWorkshop("close", workshop)))
    assert isinstance(close, Confirmation)
    assert close.cancel.action == ManageWorkshop("menu", workshop)
    assert close.keyboard == ((close.confirm,), (close.cancel,))  # the chat's two rows


async def test_ending_a_run_is_confirmed_or_kept(bot: BotHarness) -> None:
    await started(bot)
    ending = asked(await bot.services.flows.act(4711, CancelRequest()))
    assert isinstance(ending, Confirmation)
    assert isinstance(ending.confirm.action, Cancel) and ending.cancel.action == Keep()
