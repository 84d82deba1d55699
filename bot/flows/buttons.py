"""The one codec for actions that travel in a button.

Buttons live on in a chat for days and across restarts, and anybody can send
arbitrary button data, so a button names exactly what it answers (run,
statement, choice) and every incoming string is parsed against a strict
pattern: anything that does not match is rejected as a whole. The strings
keep the form they have always had, so buttons already in people's chats
keep working after an update.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from bot.domain.paper import SHEET_COUNTS
from bot.domain.perspectives import MODES, PERSPECTIVES, SECTOR_OF
from bot.flows.actions import (
    CONFIRMED_ACTIONS,
    DRAFT_STEPS,
    MANAGE_ACTIONS,
    Answer,
    AnswerAgain,
    Back,
    Begin,
    BeginField,
    ButtonAction,
    Cancel,
    Change,
    ChangeOpen,
    ChangePerspective,
    ChooseLanguage,
    ChoosePerspective,
    ConfirmWorkshop,
    ContinueRun,
    DraftAlone,
    DraftExpect,
    DraftField,
    DraftGrouping,
    DraftStep,
    EditNextStep,
    Erase,
    FieldDetail,
    Info,
    Keep,
    KeepData,
    ManageWorkshop,
    NameAsk,
    NameConfirm,
    NameRemove,
    NameSkip,
    Pause,
    PrintPaper,
    Priorities,
    Prioritize,
    RemoveCoordinator,
    RemoveNextStep,
    Report,
    ReviewField,
    ReviewFields,
    ShowResults,
    StepForStatement,
    SummaryBack,
    TypePaper,
    Unpause,
)

MAX_BYTES = 64  # Telegram's limit for callback_data


@functools.lru_cache(maxsize=8192)  # a page's buttons recur on every page of its run
def encode(action: ButtonAction) -> str:
    """The button string of ``action``; raises for what no button may carry or for more than 64 bytes."""
    data = _encoded(action)
    if decode(data) != action:
        raise ValueError(f"not a valid button: {action!r}")
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"button data longer than {MAX_BYTES} bytes: {data!r}")
    return data


def _encoded(action: ButtonAction) -> str:  # noqa: C901 - one line per action type
    match action:
        case Answer(run_id, statement_id, choice):
            return f"a:{run_id}:{statement_id}:{choice}"
        case AnswerAgain(run_id, statement_id, choice):
            return f"aa:{run_id}:{statement_id}:{choice}"
        case Back(run_id, statement_id):
            return f"b:{run_id}:{statement_id}"
        case Info(run_id, statement_id):
            return f"i:{run_id}:{statement_id}"
        case Pause(run_id):
            return f"p:{run_id}"
        case Unpause(run_id):
            return f"u:{run_id}"
        case ShowResults(run_id):
            return f"r:{run_id}"
        case Cancel(run_id):
            return f"x:{run_id}"
        case ContinueRun(run_id):
            return f"s:{run_id}"
        case Keep():
            return "keep"
        case Begin():
            return "begin"
        case BeginField(field_id):
            return "bf" if field_id is None else f"bf:{field_id}"
        case ReviewFields(run_id, in_place):
            return f"v{'b' if in_place else 'l'}:{run_id}"
        case ReviewField(run_id, field_id, page):
            return f"v:{run_id}:{field_id}" + ("" if page is None else f":{page}")
        case FieldDetail(run_id, field_id, page):
            return f"rf:{run_id}:{field_id}:{page}"
        case SummaryBack(run_id):
            return f"rb:{run_id}"
        case Priorities(run_id, field_id):
            return f"pr:{run_id}" + ("" if field_id is None else f":{field_id}")
        case Prioritize(run_id, statement_id, chosen):
            return f"pp:{run_id}:{statement_id}:{'+' if chosen else '-'}"
        case ChangeOpen(run_id, statement_id):
            return f"c:{run_id}:{statement_id}"
        case Change(run_id, statement_id, choice):
            return f"c:{run_id}:{statement_id}:{choice}"
        case Report(run_id):
            return f"d:{run_id}"
        case NameAsk(run_id):
            return f"n:a:{run_id}"
        case NameSkip():
            return "n:s"
        case NameRemove():
            return "n:r"
        case NameConfirm():
            return "n:y"
        case ManageWorkshop(what, workshop_id):
            return f"w:{what}:{workshop_id}"
        case ConfirmWorkshop(what, workshop_id, revision):
            return f"wy:{what}:{workshop_id}:{revision}"
        case ChoosePerspective(workshop_id, perspective):
            return f"wp:{workshop_id}:{perspective}"
        case ChangePerspective(workshop_id):
            return f"wp:{workshop_id}:neu"
        case RemoveCoordinator(workshop_id, user_id):
            return f"wk:{workshop_id}:{user_id}"
        case EditNextStep(workshop_id, position):
            return f"wn:{workshop_id}:{'neu' if position is None else position}"
        case StepForStatement(workshop_id, statement_id):
            return f"wb:{workshop_id}:{statement_id}"
        case RemoveNextStep(workshop_id, position):
            return f"wx:{workshop_id}:{position}"
        case DraftField(field_id, select):
            return f"wd:{'+' if select else '-'}:{field_id}"
        case DraftStep(what):
            return f"wd:{what}"
        case DraftGrouping(mode):
            return f"wd:g:{mode}"
        case DraftAlone(perspective, alone):
            return f"wd:a:{'+' if alone else '-'}:{perspective}"
        case DraftExpect(perspective, count):
            return f"wd:n:{perspective}:{count}"
        case PrintPaper(workshop_id, count):
            return f"wpp:{workshop_id}:{count}"
        case TypePaper(workshop_id, perspective):
            return f"wpt:{workshop_id}:{perspective or 'neu'}"
        case Erase(issued_at):
            return f"del:{issued_at}"
        case KeepData():
            return "del:no"
        case ChooseLanguage(tag):
            return f"sp:{tag}"
    raise TypeError(f"not a button action: {action!r}")


_ID = r"[a-z][a-z0-9_-]{0,23}"
_ID_PATTERN = re.compile(_ID)
_RUN = r"[1-9][0-9]{0,11}"
_WS = _RUN
_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[dict[str, str]], ButtonAction]], ...] = (
    (re.compile(rf"a:(?P<run>{_RUN}):(?P<sid>{_ID}):(?P<choice>[A-E])"),
     lambda g: Answer(int(g["run"]), g["sid"], g["choice"])),
    (re.compile(rf"aa:(?P<run>{_RUN}):(?P<sid>{_ID}):(?P<choice>[A-E])"),
     lambda g: AnswerAgain(int(g["run"]), g["sid"], g["choice"])),
    (re.compile(rf"b:(?P<run>{_RUN}):(?P<sid>{_ID})"), lambda g: Back(int(g["run"]), g["sid"])),
    (re.compile(rf"i:(?P<run>{_RUN}):(?P<sid>{_ID})"), lambda g: Info(int(g["run"]), g["sid"])),
    (re.compile(rf"p:(?P<run>{_RUN})"), lambda g: Pause(int(g["run"]))),
    (re.compile(rf"u:(?P<run>{_RUN})"), lambda g: Unpause(int(g["run"]))),
    (re.compile(rf"r:(?P<run>{_RUN})"), lambda g: ShowResults(int(g["run"]))),
    (re.compile(rf"x:(?P<run>{_RUN})"), lambda g: Cancel(int(g["run"]))),
    (re.compile(rf"s:(?P<run>{_RUN})"), lambda g: ContinueRun(int(g["run"]))),
    (re.compile(r"keep"), lambda g: Keep()),
    (re.compile(r"begin"), lambda g: Begin()),
    (re.compile(rf"bf(?::(?P<field>{_ID}))?"), lambda g: BeginField(g["field"])),
    # Results: opening a review ("vl", "v" without a page) sends a new message; moving
    # inside one ("vb", "v" with a page, "c") edits it in place.
    (re.compile(rf"vl:(?P<run>{_RUN})"), lambda g: ReviewFields(int(g["run"]))),
    (re.compile(rf"vb:(?P<run>{_RUN})"), lambda g: ReviewFields(int(g["run"]), in_place=True)),
    (re.compile(rf"v:(?P<run>{_RUN}):(?P<field>{_ID})(?::(?P<page>[0-9]{{1,2}}))?"),
     lambda g: ReviewField(int(g["run"]), g["field"],
                           int(g["page"]) if g["page"] is not None else None)),
    # The short result: a field's full text in place, and back.
    (re.compile(rf"rf:(?P<run>{_RUN}):(?P<field>{_ID}):(?P<page>[0-9]{{1,2}})"),
     lambda g: FieldDetail(int(g["run"]), g["field"], int(g["page"]))),
    (re.compile(rf"rb:(?P<run>{_RUN})"), lambda g: SummaryBack(int(g["run"]))),
    (re.compile(rf"pr:(?P<run>{_RUN})(?::(?P<field>{_ID}))?"),
     lambda g: Priorities(int(g["run"]), g["field"])),
    (re.compile(rf"pp:(?P<run>{_RUN}):(?P<sid>{_ID}):(?P<chosen>[+-])"),
     lambda g: Prioritize(int(g["run"]), g["sid"], g["chosen"] == "+")),
    (re.compile(rf"c:(?P<run>{_RUN}):(?P<sid>{_ID})"),
     lambda g: ChangeOpen(int(g["run"]), g["sid"])),
    (re.compile(rf"c:(?P<run>{_RUN}):(?P<sid>{_ID}):(?P<choice>[A-E])"),
     lambda g: Change(int(g["run"]), g["sid"], g["choice"])),
    (re.compile(rf"d:(?P<run>{_RUN})"), lambda g: Report(int(g["run"]))),
    (re.compile(rf"n:a:(?P<run>{_RUN})"), lambda g: NameAsk(int(g["run"]))),
    (re.compile(r"n:s"), lambda g: NameSkip()),
    (re.compile(r"n:r"), lambda g: NameRemove()),
    (re.compile(r"n:y"), lambda g: NameConfirm()),
    # Workshops: each management button names a workshop; who may tap it is the desk's check.
    (re.compile(rf"w:(?P<what>{'|'.join(MANAGE_ACTIONS)}):(?P<ws>{_WS})"),
     lambda g: ManageWorkshop(g["what"], int(g["ws"]))),
    (re.compile(rf"wy:(?P<what>{'|'.join(CONFIRMED_ACTIONS)}):(?P<ws>{_WS})"
                rf":(?P<rev>0|[1-9][0-9]{{0,8}})"),
     lambda g: ConfirmWorkshop(g["what"], int(g["ws"]), int(g["rev"]))),
    (re.compile(rf"wp:(?P<ws>{_WS}):(?P<what>{'|'.join(PERSPECTIVES)})"),
     lambda g: ChoosePerspective(int(g["ws"]), g["what"])),
    (re.compile(rf"wp:(?P<ws>{_WS}):neu"), lambda g: ChangePerspective(int(g["ws"]))),
    # The creator removes a co-coordinator, named by their user id.
    (re.compile(rf"wk:(?P<ws>{_WS}):(?P<user>[1-9][0-9]{{0,14}})"),
     lambda g: RemoveCoordinator(int(g["ws"]), int(g["user"]))),
    # Agreed next steps: type one (in place 1–5, or a new one), or remove one.
    (re.compile(rf"wn:(?P<ws>{_WS}):(?P<pos>[1-5]|neu)"),
     lambda g: EditNextStep(int(g["ws"]), None if g["pos"] == "neu" else int(g["pos"]))),
    (re.compile(rf"wb:(?P<ws>{_WS}):(?P<sid>{_ID})"),
     lambda g: StepForStatement(int(g["ws"]), g["sid"])),
    (re.compile(rf"wx:(?P<ws>{_WS}):(?P<pos>[1-5])"),
     lambda g: RemoveNextStep(int(g["ws"]), int(g["pos"]))),
    (re.compile(rf"wd:(?P<select>[+-]):(?P<field>{_ID})"),
     lambda g: DraftField(g["field"], select=g["select"] == "+")),
    (re.compile(rf"wd:(?P<what>{'|'.join(DRAFT_STEPS)})"), lambda g: DraftStep(g["what"])),
    (re.compile(rf"wd:g:(?P<mode>{'|'.join(MODES)})"), lambda g: DraftGrouping(g["mode"])),
    (re.compile(rf"wd:a:(?P<alone>[+-]):(?P<what>{'|'.join(SECTOR_OF)})"),
     lambda g: DraftAlone(g["what"], alone=g["alone"] == "+")),
    (re.compile(rf"wd:n:(?P<what>{'|'.join(PERSPECTIVES)}):(?P<count>0|[1-9][0-9]?)"),
     lambda g: DraftExpect(g["what"], int(g["count"]))),
    # Paper: print sheets (a count offered), type them in (for a perspective, or choose one).
    (re.compile(rf"wpp:(?P<ws>{_WS}):(?P<count>{'|'.join(map(str, SHEET_COUNTS))})"),
     lambda g: PrintPaper(int(g["ws"]), int(g["count"]))),
    (re.compile(rf"wpt:(?P<ws>{_WS}):(?P<what>{'|'.join(PERSPECTIVES)}|neu)"),
     lambda g: TypePaper(int(g["ws"]), None if g["what"] == "neu" else g["what"])),
    # Deleting one's data: a prefix of its own, so no other button can ever mean it.
    (re.compile(r"del:(?P<issued>[1-9][0-9]{0,11})"), lambda g: Erase(int(g["issued"]))),
    (re.compile(r"del:no"), lambda g: KeepData()),
    # A language switch: a tag of a language that is offered or was offered once (the
    # flows answer a tag no longer offered politely).
    (re.compile(r"sp:(?P<tag>[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,3})"), lambda g: ChooseLanguage(g["tag"])),
)


def valid_id(text: str) -> bool:
    """Whether ``text`` can name a statement or field, as a button names one."""
    return _ID_PATTERN.fullmatch(text) is not None


def decode(data: str | None) -> ButtonAction | None:
    """The button's action, or ``None`` for anything malformed, oversized or unknown."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    for pattern, action in _PATTERNS:
        match = pattern.fullmatch(data)
        if match:
            return action(match.groupdict())
    return None
