"""The remote-enrollment journey as an explicit step graph.

One registry of steps, each with the steps it requires, the case fields that
record it as done, and the fields a later change must clear. A guard sends a
request for a step whose preconditions do not hold back to the latest step
the case may be at; a submit of a step clears every step after it, so nobody
can verify one passport and then swap in another document number, or pass
the selfie with one chip portrait and keep it after reading another chip.

The graph depends on the case's route: the passport route reads the chip
after the document; the register-photo route (no chip reader) checks the
document against the population register and fetches its photo instead
("register"), and the selfie is then compared with that photo.

Pure: no Flask, no database session. The services apply `fields_to_clear`
inside the same transaction that records the new step.
"""
from __future__ import annotations

from dataclasses import dataclass

from enrollment.models import IN_PROGRESS, REGISTER_PHOTO


@dataclass(frozen=True)
class Step:
    name: str
    requires: tuple[str, ...]
    done_field: str  # the case column that is set when the step is done
    fields: tuple[str, ...]  # what the step writes, cleared when an earlier step is submitted again


STEPS: tuple[Step, ...] = (
    Step("start", (), "started_at", ("started_at",)),
    Step("contact", ("start",), "email_verified_at", ("email_verified_at",)),
    Step("document", ("contact",), "document_at",
         ("document_number", "birth_date", "expiry_date", "document_at")),
    Step("chip", ("document",), "chip_at", ("chip_at", "chip_evidence_id", "pinfl")),
    Step("selfie", ("chip",), "selfie_at", ("selfie_at", "selfie_evidence_id")),
    Step("submit", ("selfie",), "submitted_at", ("submitted_at",)),
)
BY_NAME = {s.name: s for s in STEPS}
ORDER = tuple(s.name for s in STEPS)

REGISTER_PHOTO_STEPS: tuple[Step, ...] = (
    *STEPS[:3],
    Step("register", ("document",), "register_at", ("register_at", "register_evidence_id", "pinfl")),
    Step("selfie", ("register",), "selfie_at", ("selfie_at", "selfie_evidence_id")),
    STEPS[-1],
)
GRAPHS = {REGISTER_PHOTO: REGISTER_PHOTO_STEPS}


def graph(route: str | None) -> tuple[Step, ...]:
    """The steps of a route (the passport route's for any other)."""
    return GRAPHS.get(route, STEPS)


def _step(case, name: str) -> Step:
    for step in graph(getattr(case, "route", None)):
        if step.name == name:
            return step
    raise KeyError(name)


def is_done(case, name: str) -> bool:
    return getattr(case, _step(case, name).done_field) is not None


def preconditions_hold(case, name: str) -> bool:
    step = _step(case, name)
    return all(is_done(case, r) and preconditions_hold(case, r) for r in step.requires)


def current_step(case) -> str | None:
    """The latest step the case may be at: the first one not done whose
    preconditions hold; None once every step is done."""
    for step in graph(getattr(case, "route", None)):
        if not is_done(case, step.name) and preconditions_hold(case, step.name):
            return step.name
    return None


def guard(case, name: str) -> str | None:
    """None when `name` may be shown or submitted now, else the step to go to.

    Steps are open only while the case is in progress; a done step may be
    revisited (submitting it again clears the steps after it)."""
    if case.status != IN_PROGRESS:
        return "status"
    if name not in {s.name for s in graph(getattr(case, "route", None))}:
        return current_step(case) or "submit"  # not a step of this case's route
    if preconditions_hold(case, name):
        return None
    return current_step(case) or "submit"


def later_steps(name: str, route: str | None = None) -> tuple[Step, ...]:
    steps = graph(route)
    index = [s.name for s in steps].index(name)
    return steps[index + 1:]


def fields_to_clear(name: str, route: str | None = None) -> tuple[str, ...]:
    """Every field written by the steps after `name` on the route."""
    return tuple(f for step in later_steps(name, route) for f in step.fields)


def progress(case) -> list[tuple[str, str]]:
    """(step, "done" | "current" | "todo") for the progress indicator."""
    current = current_step(case)
    out = []
    for step in graph(getattr(case, "route", None)):
        if step.name == current:
            out.append((step.name, "current"))
        else:
            out.append((step.name, "done" if is_done(case, step.name) else "todo"))
    return out
