"""The pages the benchmark lists, who views them, their floor query and their plain-admin twin.
BENCH_ONLY=devices,dashboard measures only the pages whose names contain one of the words."""

import os

from django.db.models import Count
from django.urls import reverse

from api.services import api_token_create
from bench.measure import client_for, measure_page
from devices.models import Assignment, Device, DeviceEvent, LeaverCase
from incidents.models import Incident
from policy.models import Acknowledgement, Policy, PolicyVersion
from portal.models import User

PER_PAGE = 50  # the admin changelist's ?p= counts from 0, the portal's ?page= from 1


def _token(admin) -> str:
    _token_obj, raw = api_token_create(actor=admin, name="bench", scope="read", service_account_id="BENCHAPI")
    return raw


def _up_to_date(people) -> None:
    """Every published version accepted (the demo leaves some people at the acceptance gate)."""
    for version in PolicyVersion.objects.exclude(published_at=None):
        for person in people:
            if not Acknowledgement.objects.filter(user=person, version=version).exists():
                Acknowledgement.objects.create(user=person, version=version, content_hash=version.content_hash)


def measure_pages(*, repeat: int, log=print) -> list:
    users = {p: User.objects.get(payroll_number=p) for p in ("OFF001", "SUP001", "TB001", "DO001", "ADM001")}
    _up_to_date([users["OFF001"], users["SUP001"]])  # the demo leaves them gated; the bench wants their home page
    clients = {p: client_for(u) for p, u in users.items()}
    plain = client_for(users["ADM001"])  # a superuser: the plain admin shows everything
    holder = Assignment.objects.filter(returned_at=None, holder__payroll_number__startswith="B").first().holder
    _up_to_date([holder])  # one in five bench people has not accepted the current version: not this one
    holder_client = client_for(holder)
    busiest = Device.objects.filter(asset_tag__startswith="BN").annotate(n=Count("events")).order_by("-n").first()
    policy = Policy.objects.order_by("pk").first()
    incident = Incident.objects.order_by("-pk").first()
    n_devices = Device.objects.count()
    last_page = min(500, max(1, (n_devices + PER_PAGE - 1) // PER_PAGE))
    devices_url = reverse("devices:device_list")
    compliance_url = reverse("policy:compliance", kwargs={"slug": policy.slug})
    n_people = User.objects.count()
    people_page = min(100, max(1, (n_people + PER_PAGE - 1) // PER_PAGE))

    def device_floor():
        return Device.objects.select_related("model", "tech_bar").order_by("asset_tag")[:PER_PAGE]

    def device_floor_page(page):
        return lambda: Device.objects.select_related("model", "tech_bar").order_by("asset_tag")[
            (page - 1) * PER_PAGE : page * PER_PAGE
        ]

    def people_floor(page=1):
        return lambda: User.objects.filter(is_active=True).order_by("last_name", "first_name", "payroll_number")[
            (page - 1) * PER_PAGE : page * PER_PAGE
        ]

    pages = [
        *[(f"home ({p})", clients[p], reverse("portal:home"), {}) for p in clients],
        ("my kit (bench holder)", holder_client, reverse("devices:my_kit"), {}),
        (
            "counter person view",
            clients["TB001"],
            reverse("admin:devices_counter_person", kwargs={"payroll": holder.payroll_number}),
            {},
        ),
        (
            "devices list p1",
            clients["TB001"],
            devices_url,
            {"floor": device_floor, "admin": (plain, "/bench-admin/devices/device/")},
        ),
        (
            "devices list filtered",
            clients["TB001"],
            devices_url + "?status=issued",
            {
                "floor": lambda: (
                    Device.objects.select_related("model", "tech_bar")
                    .filter(status="issued")
                    .order_by("asset_tag")[:PER_PAGE]
                ),
                "admin": (plain, "/bench-admin/devices/device/?status__exact=issued"),
            },
        ),
        (
            f"devices list p{last_page}",
            clients["TB001"],
            devices_url + f"?page={last_page}",
            {
                "floor": device_floor_page(last_page),
                "admin": (plain, f"/bench-admin/devices/device/?p={last_page - 1}"),
            },
        ),
        *_search_pages(clients, holder),
        (
            "device detail + history",
            clients["TB001"],
            reverse("devices:device_detail", kwargs={"pk": busiest.pk}),
            {"floor": lambda: DeviceEvent.objects.filter(device=busiest).select_related("actor", "holder")[:PER_PAGE]},
        ),
        (
            "activity report p1",
            clients["DO001"],
            reverse("devices:activity"),
            {
                "floor": lambda: DeviceEvent.objects.select_related(
                    "device__model", "actor", "holder", "tech_bar"
                ).order_by("-created_at", "-pk")[:PER_PAGE]
            },
        ),
        (
            "activity report filtered",
            clients["DO001"],
            reverse("devices:activity") + "?event=issued&kind=smartphone",
            {
                "floor": lambda: (
                    DeviceEvent.objects.select_related("device__model", "actor", "holder", "tech_bar")
                    .filter(kind="issued", device__model__kind="smartphone")
                    .order_by("-created_at", "-pk")[:PER_PAGE]
                )
            },
        ),
        ("compliance summary", clients["DO001"], reverse("policy:compliance_index"), {}),
        (
            "compliance table p1",
            clients["DO001"],
            compliance_url,
            {"floor": people_floor(), "admin": (plain, "/bench-admin/portal/user/")},
        ),
        (
            f"compliance table p{people_page}",
            clients["DO001"],
            compliance_url + f"?page={people_page}",
            {"floor": people_floor(people_page), "admin": (plain, f"/bench-admin/portal/user/?p={people_page - 1}")},
        ),
        (
            "incident queue",
            clients["DO001"],
            reverse("incidents:incident_queue"),
            {
                "floor": lambda: Incident.objects.select_related("reporter").order_by("due_at")[:PER_PAGE],
                "admin": (plain, "/bench-admin/incidents/incident/"),
            },
        ),
        ("incident page", clients["DO001"], reverse("incidents:incident_review", kwargs={"pk": incident.pk}), {}),
        (
            "leaver list",
            clients["TB001"],
            reverse("devices:leaver_list"),
            {
                "floor": lambda: LeaverCase.objects.select_related("person").order_by("leaving_date")[:PER_PAGE],
                "admin": (plain, "/bench-admin/devices/leavercase/"),
            },
        ),
        *[
            (f"dashboard {s}", clients["DO001"], reverse("portal:dashboard", kwargs={"section": s}), {})
            for s in ("incidents", "conditions-of-use", "devices", "leavers")
        ],
        (
            "API device list",
            Client_anonymous(),
            reverse("api:device_list"),
            {
                "headers": {"Authorization": f"Bearer {_token(users['ADM001'])}"},
                "floor": device_floor,
            },
        ),
    ]
    only = [w.strip() for w in os.environ.get("BENCH_ONLY", "").split(",") if w.strip()]
    results = []
    for name, client, url, extra in pages:
        if only and not any(w in name for w in only):
            continue
        result = measure_page(name, client, url, repeat=repeat, **extra)
        log(f"  {name}: p50 {result.p50:.0f} ms, p95 {result.p95:.0f} ms, {result.queries} queries {result.notes}")
        results.append(result)
    return results


SEARCH_TARGET_P95 = 50.0  # ms: the header's search box at force scale


def _search_pages(clients, holder) -> list:
    """The header's search box, as each role that may search uses it: an exact IMEI, asset tag and
    payroll number (a 302 to the one thing's page when the role may open it: for TB001 the person
    at the counter; else the grouped list), and part of a name (the pg_trgm indexes on PostgreSQL).
    Each costs a fixed number of queries: one a provider the term's shape asks (portal.search)."""
    url = reverse("portal:search")
    phone = Device.objects.filter(asset_tag__startswith="BN").exclude(imei="").order_by("pk").first()
    tag = Device.objects.filter(asset_tag__startswith="BN").order_by("-pk").first().asset_tag
    sup = User.objects.get(payroll_number="SUP001")
    team_member = User.objects.filter(supervisor=sup, is_active=True).order_by("pk").first()
    partial = holder.last_name[1:]  # "ast123" of "Last123": inside the name, so only a trigram index helps
    rows = []
    for role in ("TB001", "DO001", "SUP001"):
        sees_devices, sees_people = role != "SUP001", role != "DO001"
        payroll = team_member.payroll_number if role == "SUP001" and team_member else holder.payroll_number
        opens_person = sees_people and (role != "SUP001" or team_member is not None)
        for what, term, expect in (
            ("IMEI", phone.imei, 302 if sees_devices else 200),
            ("asset tag", tag, 302 if sees_devices else 200),
            ("payroll", payroll, 302 if opens_person else 200),
            ("partial name", partial, 200),
        ):
            extra = {"expect": expect, "target_p95": SEARCH_TARGET_P95}
            rows.append((f"search {what} ({role})", clients[role], f"{url}?q={term}", extra))
    return rows


def Client_anonymous():
    from django.test import Client

    return Client()
