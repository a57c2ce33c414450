"""The bench seed's policy versions, incidents and leaver cases, by COPY.

Every row is built as a model instance (defaults as Django gives them) with its key chosen here,
so steps, lines and timeline rows point at their parents without a round trip; chained tables
continue their hash chains (bench.copy.copy_objects)."""

import datetime
from datetime import timedelta

from django.utils import timezone

from bench.copy import copy_objects, next_id
from devices.leavers import ladder as leaver_ladder
from devices.models import Assignment, LeaverCase, LeaverEvent, LeaverLine, LeaverPropertyKind, LeaverStep
from incidents import ladders
from incidents.models import Incident, IncidentEvent, IncidentStep
from policy import text
from policy.models import Acknowledgement, Policy, PolicyVersion

# Of the bench people: share who accepted versions 1, 2 and 3 (3 is current: the rest are asked).
ACCEPTED_SHARE = (0.95, 0.90, 0.55)  # 2.4 acknowledgements a person: 120,000 for 50,000 people


def seed_policy(rng, people_ids: list[int], now, admin, n_acks: int) -> int:
    """Publish a version 3 (the demo publishes 1 and 2), then `n_acks` acknowledgements by the
    bench people spread over the three versions. Everyone outside the bench who accepted version 2
    accepts 3 as well, so the demo roles the bench signs in as are not gated."""
    policy = Policy.objects.get()
    versions = list(PolicyVersion.objects.filter(policy=policy).exclude(published_at=None).order_by("number"))
    if len(versions) < 3:
        last = versions[-1]
        effective = timezone.localdate(now) - timedelta(days=3)
        body = last.body.rstrip("\n") + "\n\n## Bench\n\nThe third version: a short new section.\n"
        html = text.render_markdown(body)
        versions.append(
            PolicyVersion.objects.create(
                policy=policy,
                number=last.number + 1,
                title=last.title,
                body=body,
                summary_of_changes="A short new section.",
                effective_date=effective,
                requires_acceptance=True,
                body_html=html,
                content_hash=text.content_hash(html),
                published_at=timezone.make_aware(datetime.datetime.combine(effective, datetime.time(9, 0))),
                published_by=admin,
            )
        )
    versions = versions[:3]
    total = sum(ACCEPTED_SHARE)
    acks = []
    for v, share in zip(versions, ACCEPTED_SHARE, strict=True):
        who = sorted(rng.sample(people_ids, min(len(people_ids), round(n_acks * share / total))))
        for pk in who:
            at = min(v.published_at + timedelta(hours=rng.randrange(1, 24 * 10)), now)
            acks.append(
                Acknowledgement(
                    user_id=pk,
                    version_id=v.pk,
                    accepted_at=at,
                    content_hash=v.content_hash,
                    ip_address="10.0.0.1",
                    user_agent="bench",
                )
            )
    current, previous = versions[-1], versions[-2]
    others = (
        Acknowledgement.objects.filter(version=previous)
        .exclude(user_id__in=Acknowledgement.objects.filter(version=current).values("user_id"))
        .exclude(user_id__gte=people_ids[0], user_id__lte=people_ids[-1])
        .values_list("user_id", flat=True)
    )
    for pk in sorted(others):
        acks.append(
            Acknowledgement(
                user_id=pk,
                version_id=current.pk,
                accepted_at=now - timedelta(hours=1),
                content_hash=current.content_hash,
                ip_address="10.0.0.1",
                user_agent="bench",
            )
        )
    copy_objects(Acknowledgement, acks, chained=True)
    return len(acks)


def seed_incidents(rng, people_ids: list[int], now, reviewer, n: int) -> dict[str, int]:
    """`n` incidents: 95% closed (reported, triaged as no personal data breach, their report
    ladder cancelled on submission, a late one's first reminder fired), 5% notified in the last
    hour with their report ladder pending."""
    rungs = ladders.report_ladder()
    inc_id, step_id = next_id(Incident), next_id(IncidentStep)
    incidents, steps, events = [], [], []
    for k in range(n):
        reporter = people_ids[rng.randrange(len(people_ids))]
        is_open = k % 20 == 0
        aware = now - (timedelta(minutes=rng.randrange(1, 60)) if is_open else timedelta(days=rng.randrange(2, 900)))
        inc = Incident(
            id=inc_id + k,
            reporter_id=reporter,
            created_at=aware,
            aware_at=aware,
            due_at=aware + ladders.REPORT_DEADLINE,
            summary=f"Bench incident {k}",
            personal_data_involved="no",
            device_involved="no",
        )
        events.append(IncidentEvent(incident_id=inc.pk, at=aware, kind="first_notification", actor_id=reporter))
        fired_2h = False
        if not is_open:
            fired_2h = k % 10 == 1
            submitted = aware + timedelta(minutes=rng.randrange(150, 300) if fired_2h else rng.randrange(10, 110))
            inc.status, inc.submitted_at = "closed", submitted
            inc.triaged_by_id = inc.owner_id = reviewer.pk
            inc.triaged_at, inc.personal_data_breach = submitted + timedelta(hours=4), False
            inc.severity, inc.likelihood = "low", "remote"
            inc.closed_at = submitted + timedelta(days=rng.randrange(1, 30))
        for r in rungs:
            step = IncidentStep(
                id=step_id, incident_id=inc.pk, ladder="report", step=r.step, due_at=aware + r.after, created_at=aware
            )
            step_id += 1
            if not is_open and fired_2h and r.step == rungs[0].step:
                step.fired_at = step.due_at
                events.append(
                    IncidentEvent(
                        incident_id=inc.pk, at=step.due_at, kind="step_fired", step_id=step.pk, text=r.description
                    )
                )
            elif not is_open:
                step.cancelled_at, step.cancel_reason = inc.submitted_at, "Full report submitted"
            steps.append(step)
        if not is_open:
            events += [
                IncidentEvent(incident_id=inc.pk, at=inc.submitted_at, kind="report_submitted", actor_id=reporter),
                IncidentEvent(incident_id=inc.pk, at=inc.submitted_at, kind="steps_cancelled"),
                IncidentEvent(
                    incident_id=inc.pk,
                    at=inc.triaged_at,
                    kind="triaged",
                    actor_id=reviewer.pk,
                    visible_to_reporter=False,
                ),
                IncidentEvent(
                    incident_id=inc.pk, at=inc.closed_at, kind="status_changed", actor_id=reviewer.pk, text="Closed"
                ),
            ]
        incidents.append(inc)
    copy_objects(Incident, incidents)
    copy_objects(IncidentStep, steps)
    events.sort(key=lambda e: (e.at, e.incident_id))
    copy_objects(IncidentEvent, events, chained=True)
    return {"incidents": len(incidents), "incident steps": len(steps), "incident events": len(events)}


def seed_leavers(rng, people_ids: list[int], now, officer, n: int) -> dict[str, int]:
    """`n` leaver cases for `n` different people (so never two open cases for one person): 80%
    closed, every line returned; 20% open with a leaving date ahead, the person's devices and the
    property kinds outstanding, their ladder pending."""
    kinds = list(LeaverPropertyKind.objects.filter(is_active=True).order_by("order", "pk"))
    rungs = leaver_ladder.ladder()
    who = sorted(rng.sample(people_ids, min(n, len(people_ids))))
    open_who = set(who[::5])
    held = {}
    for pk, holder, tag in Assignment.objects.filter(holder_id__in=open_who, returned_at=None).values_list(
        "pk", "holder_id", "device__asset_tag"
    ):
        held.setdefault(holder, []).append((pk, tag))
    case_id, line_id, step_id = next_id(LeaverCase), next_id(LeaverLine), next_id(LeaverStep)
    cases, lines, steps, events = [], [], [], []
    today = timezone.localdate(now)
    for person in who:
        is_open = person in open_who
        ahead = rng.randrange(1, 60) if is_open else -rng.randrange(10, 700)
        leaving = today + timedelta(days=ahead)
        opened = timezone.make_aware(datetime.datetime.combine(leaving - timedelta(days=30), datetime.time(10)))
        case = LeaverCase(id=case_id, person_id=person, leaving_date=leaving, source="hr_import", opened_at=opened)
        case_id += 1
        if not is_open:
            ended = timezone.make_aware(datetime.datetime.combine(leaving, datetime.time(15)))
            case.status, case.signed_off_by_id, case.signed_off_at = "closed", officer.pk, ended
            case.closed_at = case.ready_for_account_closure_at = ended
        events.append(LeaverEvent(case_id=case.pk, kind="opened", created_at=opened))
        items = [(pk, None, f"Device {tag}") for pk, tag in held.get(person, [])] if is_open else []
        items += [(None, kind.pk, kind.name) for kind in kinds]
        for assignment, kind, description in items:
            line = LeaverLine(
                id=line_id, case_id=case.pk, assignment_id=assignment, property_kind_id=kind, description=description
            )
            line_id += 1
            events.append(LeaverEvent(case_id=case.pk, kind="line_added", line_id=line.pk, created_at=opened))
            if not is_open:
                line.outcome, line.ended_at, line.ended_by_id = "returned", case.closed_at, officer.pk
                events.append(
                    LeaverEvent(
                        case_id=case.pk,
                        kind="line_ended",
                        line_id=line.pk,
                        actor_id=officer.pk,
                        created_at=case.closed_at,
                    )
                )
            lines.append(line)
        for r in rungs:
            step = LeaverStep(
                id=step_id, case_id=case.pk, step=r.step, due_at=leaver_ladder.due_at(leaving, r), created_at=opened
            )
            step_id += 1
            if not is_open:
                if step.due_at < case.closed_at:
                    step.fired_at = step.due_at
                    events.append(
                        LeaverEvent(case_id=case.pk, kind="step_fired", note=r.description, created_at=step.due_at)
                    )
                else:
                    step.cancelled_at, step.cancel_reason = case.closed_at, "Case closed"
            steps.append(step)
        if not is_open:
            events.append(
                LeaverEvent(case_id=case.pk, kind="signed_off", actor_id=officer.pk, created_at=case.closed_at)
            )
            events.append(LeaverEvent(case_id=case.pk, kind="closed", created_at=case.closed_at))
        cases.append(case)
    copy_objects(LeaverCase, cases)
    copy_objects(LeaverLine, lines)
    copy_objects(LeaverStep, steps)
    copy_objects(LeaverEvent, events)
    return {"leaver cases": len(cases), "leaver lines": len(lines), "leaver steps": len(steps)}
