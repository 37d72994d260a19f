"""The clock of engagements: which pages go out when, evaluated lazily.

StartEngagement does not schedule anything in the background. It records the engagement's
``Run``: stages due at given instants, kept in a heap. Every read that can see an engagement first
calls :func:`advance` with the current time (``time.time()``, which freezegun and time-machine
move), which fires the stages that have come due since, in time order, as if they had run then:

- a PERSONAL contact's stage pages each of its target channels that exists and is ACTIVATED;
- an ESCALATION plan's stage engages each target contact through that contact's own plan;
- an ONCALL_SCHEDULE contact engages the PERSONAL contacts on call at that instant (its rotations).

Stage ``k + 1`` of a plan is due ``DurationInMinutes`` after stage ``k``. A contact reached by the
engagement is a :class:`Branch`; a READ acknowledgement stops the acknowledging contact's branch
and the on-call schedule that reached it, and the whole escalation plan when the target was essential
(``IsEssential``). StopEngagement stops the root. A stopped branch fires nothing that comes due
after the stop.

The backend advances every running engagement before a change that would alter what a due stage
does (a channel's activation, a plan, a rotation), so each stage acts on the state of its own instant.
"""

from __future__ import annotations

import heapq
from typing import Any, Protocol

from .records import ESCALATION, ONCALL_SCHEDULE, PERSONAL, Branch, Contact, Engagement, Page, Run


class Directory(Protocol):
    """What the engine asks the backend: contacts as they are now, who is on call, where pages go."""

    def contact(self, arn: str) -> Contact | None: ...

    def on_call(self, schedule: Contact, at: float) -> list[str]: ...

    def send_page(self, engagement: Engagement, branch: Branch, channel_arn: str, at: float) -> Page | None: ...


def node(contact: Contact, stage_index: int | None = None) -> dict[str, Any]:
    """One ``ResolutionContact``: ``StageIndex`` is the escalation stage that resolved to this contact."""
    entry: dict[str, Any] = {"ContactArn": contact.contact_arn, "Type": contact.type}
    if stage_index is not None:
        entry["StageIndex"] = stage_index
    return entry


def start(engagement: Engagement, contact: Contact, directory: Directory) -> None:
    """Give a new engagement its run and fire what is due at its start (the first stage)."""
    run = Run()
    engagement.run = run
    run.root = _engage(run, directory, engagement, contact, None, False, (node(contact),), engagement.start_time)
    advance(engagement, engagement.start_time, directory)


def advance(engagement: Engagement, now: float, directory: Directory) -> None:
    """Fire every stage due at or before ``now``; drop the run once nothing is left to fire."""
    run = engagement.run
    if run is None:
        return
    due = run.due
    while due and due[0][0] <= now:
        if run.steps_left <= 0 or run.pages_left <= 0:
            due.clear()
            break
        at, _, branch, index = heapq.heappop(due)
        _fire(run, directory, engagement, branch, index, at)
    if not due:
        engagement.run = None


def stop(engagement: Engagement, at: float) -> None:
    """StopEngagement: nothing more is sent."""
    run = engagement.run
    if run is not None and run.root is not None:
        run.root.stop(at)
    engagement.run = None


def acknowledge(page: Page, at: float) -> None:
    """A READ acknowledgement: the contact's own plan stops, and so does an on-call schedule that reached
    it; an escalation plan stops only when the target that led to this contact is essential."""
    branch: Branch | None = page.branch
    came_from: Branch | None = None
    while branch is not None:
        if branch.contact.type == ESCALATION:
            if came_from is not None and came_from.essential:
                branch.stop(at)
            return
        branch.stop(at)
        came_from, branch = branch, branch.parent


def _engage(
    run: Run,
    directory: Directory,
    engagement: Engagement,
    contact: Contact,
    parent: Branch | None,
    essential: bool,
    resolution: tuple[dict[str, Any], ...],
    at: float,
) -> Branch | None:
    """Reach ``contact`` at ``at``: plan its first stage, or engage the members on call now."""
    if run.steps_left <= 0:
        return None
    run.steps_left -= 1
    if contact.type == ESCALATION and parent is not None:
        return None  # plans are checked to target no escalation plan; one recreated under a target's alias is skipped
    branch = Branch(contact, parent, essential, resolution)
    if contact.type == ONCALL_SCHEDULE:
        for member_arn in directory.on_call(contact, at):
            member = directory.contact(member_arn)
            if member is not None and member.type == PERSONAL:
                _engage(run, directory, engagement, member, branch, essential, (*resolution, node(member)), at)
    elif branch.stages:
        run.plan(at, branch, 0)
    return branch


def _fire(run: Run, directory: Directory, engagement: Engagement, branch: Branch, index: int, at: float) -> None:
    """Stage ``index`` of ``branch``'s plan comes due at ``at``."""
    run.steps_left -= 1
    if branch.stopped_by(at) or directory.contact(branch.contact.contact_arn) is not branch.contact:
        return  # stopped, or the contact was deleted (or replaced) since it was reached
    stage = branch.stages[index]
    for target in stage.get("Targets") or ():
        channel_target = target.get("ChannelTargetInfo")
        if channel_target is not None:
            if run.pages_left > 0 and directory.send_page(engagement, branch, channel_target["ContactChannelId"], at):
                run.pages_left -= 1
            continue
        contact_target = target.get("ContactTargetInfo") or {}
        reached = directory.contact(contact_target.get("ContactId") or "")
        if reached is not None:
            resolution = (*branch.resolution, node(reached, index))
            _engage(
                run, directory, engagement, reached, branch, bool(contact_target.get("IsEssential")), resolution, at
            )
    if index + 1 < len(branch.stages):
        run.plan(at + 60.0 * stage["DurationInMinutes"], branch, index + 1)
