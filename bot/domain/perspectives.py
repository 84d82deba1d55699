"""Who takes part in a workshop, and how their answers are grouped for the room.

The perspectives follow the self-check's recommended participants: the
administration's own (integration work, its leadership, other departments,
the Ausländerbehörde), migrant communities, civil society, business and labour,
education, local politics, and anybody else. Their ids are stored with every
participant, so an id once used never changes; labels are in reports/texts.toml.

A small room rarely brings five people from each of ten perspectives, so the
coordinator chooses how they are shown (:class:`Grouping`): each perspective on
its own, four sectors – the administration, politics, civil society, business
and labour, as the original workshops were composed – or a mixture in which
chosen perspectives keep their own column and the others join their sector.
Civil society includes the migrant communities and the education providers
(schools, adult education, day care): local actors outside the administration
that speak for the people they work with. "Andere" belongs to no sector and
always stays on its own. Whatever the grouping, a group is shown only with at
least ``k`` people (:func:`bot.domain.workshop.form_groups`).
"""

from __future__ import annotations

from dataclasses import dataclass

# Perspective ids, in the order the participants see them.
PERSPECTIVES: tuple[str, ...] = (
    "verwaltung_integration",  # administration: integration and diversity work
    "verwaltung_fachamt",      # administration: another department
    "leitung",                 # leadership: mayor, district administrator, heads of department
    "auslaenderbehoerde",      # the responsible Ausländerbehörde (the Kreis' for a Gemeinde)
    "politik",                 # council members
    "migration",               # migrant organisation or integration council
    "zivilgesellschaft",       # civil society or welfare association
    "wirtschaft",              # business, job centre or employment agency
    "bildung",                 # education providers
    "andere",                  # anybody else
)
# The administration's own perspectives: their summary suggests work to do; everybody
# else's lists what they rated lowest, as points to raise in the discussion.
ADMINISTRATION: tuple[str, ...] = ("verwaltung_integration", "verwaltung_fachamt", "leitung",
                                   "auslaenderbehoerde")

# The four sectors and their perspectives, in the order the room sees them.
SECTORS: dict[str, tuple[str, ...]] = {  # labels in reports/texts.toml with the perspectives
    "sektor_verwaltung": ADMINISTRATION,
    "sektor_politik": ("politik",),
    "sektor_zivilgesellschaft": ("migration", "zivilgesellschaft", "bildung"),
    "sektor_wirtschaft": ("wirtschaft",),
}
SECTOR_OF: dict[str, str] = {p: sector for sector, members in SECTORS.items() for p in members}

EACH = "perspektiven"     # a grouping's mode: every perspective on its own
SECTORED = "sektoren"     # the four sectors
OWN = "eigene"            # chosen perspectives on their own, the others in their sector
MODES: tuple[str, ...] = (EACH, SECTORED, OWN)


@dataclass(frozen=True)
class Grouping:
    """Which perspectives join their sector; the others are shown on their own.

    ``sectored`` holds perspective ids that have a sector; an empty set is the
    grouping every workshop had before the choice existed. ``own``: the
    coordinator composed it (it stays their own choice even where it happens to
    match each perspective or the four sectors).
    """

    sectored: frozenset[str] = frozenset()
    own: bool = False

    @classmethod
    def sectors(cls) -> Grouping:
        return cls(frozenset(SECTOR_OF))

    @property
    def mode(self) -> str:
        if self.own:
            return OWN
        return SECTORED if self.sectored else EACH

    def alone(self, perspective: str) -> bool:
        """Whether the perspective may be shown on its own (not in a sector)."""
        return perspective not in self.sectored

    def units(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The groups this grouping can show, each a key and its perspectives, in the
        order of their first perspective."""
        units: dict[str, tuple[str, ...]] = {}
        for perspective in PERSPECTIVES:
            if perspective in self.sectored:
                sector = SECTOR_OF[perspective]
                units.setdefault(sector, tuple(p for p in SECTORS[sector] if p in self.sectored))
            else:
                units[perspective] = (perspective,)
        return tuple(units.items())

    def stored(self) -> str | None:
        """As the workshop keeps it: ``None`` for each perspective, the mode for the four
        sectors (so a perspective added to a sector later joins it), else the mode and
        the perspectives in a sector."""
        if self.mode == EACH:
            return None
        if self.mode == SECTORED:
            return SECTORED
        return f"{OWN}:" + ",".join(p for p in PERSPECTIVES if p in self.sectored)

    @classmethod
    def from_stored(cls, text: str | None) -> Grouping:
        if not text:
            return cls()
        if text == SECTORED:
            return cls.sectors()
        ids = text.removeprefix(f"{OWN}:").split(",")
        return cls(frozenset(p for p in ids if p in SECTOR_OF), own=True)


EACH_ALONE = Grouping()  # every perspective on its own: the default, as before the choice
