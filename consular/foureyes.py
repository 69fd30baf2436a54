"""Four eyes: who may take which step of a decision. Pure: no database.

A remote case with a flagged check, an override of an automatic rejection,
and a desk visit with a flag, need two approvals by two people, the second
a supervisor (the first may be an officer or a supervisor). While a first
approval waits, only a supervisor other than the first approver may act on
the case: confirm the approval, or decide otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

from consular.errors import FourEyes
from consular.models import SUPERVISOR

FIRST, FINAL = "first", "final"


@dataclass(frozen=True)
class Actor:
    account_id: str
    role: str


def approval_step(*, needs_second: bool, first_by: str | None, actor: Actor) -> str:
    """`FINAL` when this approval decides, `FIRST` when a supervisor must
    confirm it; raises FourEyes(same_officer | supervisor_required)."""
    if first_by is None:
        return FIRST if needs_second else FINAL
    check_second_person(first_by=first_by, actor=actor)
    return FINAL


def check_second_person(*, first_by: str | None, actor: Actor) -> None:
    """With a first approval waiting, the next step is a different person's,
    and that person is a supervisor."""
    if first_by is None:
        return
    if actor.account_id == first_by:
        raise FourEyes(code="same_officer")
    if actor.role != SUPERVISOR:
        raise FourEyes(code="supervisor_required")
