"""The `read` scope: devices, assignments, policies and compliance per person. Paginated; each
page costs the same number of queries however many rows it holds."""

import django_filters
from django.db.models.functions import Upper
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend

from api import selectors
from api.serializers.read import (
    AssignmentSerializer,
    DeviceSerializer,
    LeaverCaseSerializer,
    PersonComplianceSerializer,
    PolicySerializer,
)
from api.views.base import ApiListView, ApiRetrieveView, CountedApart, FiltersKept, Page
from devices.core.filters import DeviceFilterSet
from devices.core.selectors import device_list
from devices.models import Assignment, LeaverCase
from policy.models import Policy
from portal.fields import LocalDateFilter
from portal.models import User


class DeviceListView(ApiListView):
    required_scope = "read"
    serializer_class = DeviceSerializer
    filter_backends = [FiltersKept]
    filterset_class = DeviceFilterSet
    pagination_class = Page

    def get_queryset(self):
        return device_list()

    def paginate_queryset(self, queryset):
        # Counted as the device list page counts: the devices alone unless a filter reads the holder
        # (COUNT(*) over the holder's join: 80-100 ms at 60,000 devices; the devices alone 3-6 ms).
        unjoined = self.filterset.unjoined()
        return super().paginate_queryset(queryset if unjoined is None else CountedApart(queryset, unjoined))


class DeviceDetailView(ApiRetrieveView):
    required_scope = "read"
    serializer_class = DeviceSerializer
    lookup_field = "asset_tag"
    lookup_url_kwarg = "asset_tag"

    def get_object(self):
        # one tag whatever its case (devices_device_asset_tag_unique_any_case)
        tag = self.kwargs["asset_tag"].upper()
        device = get_object_or_404(self.get_queryset().annotate(tag=Upper("asset_tag")), tag=tag)
        self.check_object_permissions(self.request, device)
        return device

    def get_queryset(self):
        if "\x00" in self.kwargs.get("asset_tag", ""):  # PostgreSQL refuses NUL in text: no such tag
            raise Http404
        return device_list()


_YES_NO = [("true", "true"), ("false", "false")]  # anything else is a 400, not silently ignored


# Every filter labelled, as the pages' are (devices/core/filters.py says why): the schema shows a label as
# the description of a parameter without help text.
class AssignmentFilterSet(django_filters.FilterSet):
    holder = django_filters.CharFilter(
        label="Holder payroll / warrant number",
        field_name="holder__payroll_number",
        lookup_expr="iexact",
        max_length=20,
    )
    asset_tag = django_filters.CharFilter(
        label="Device asset tag", field_name="device__asset_tag", lookup_expr="iexact", max_length=30
    )
    open = django_filters.ChoiceFilter(
        label="Open", choices=_YES_NO, method="filter_open", help_text="Still held (true) or returned."
    )
    issued_from = LocalDateFilter(
        label="Issued from",
        field_name="issued_at",
        lookup_expr="date__gte",
        help_text="Issued on or after this date (UTC).",
    )

    class Meta:
        model = Assignment
        fields = ["holder", "asset_tag", "open", "issued_from"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(returned_at__isnull=value == "true")


class AssignmentListView(ApiListView):
    required_scope = "read"
    serializer_class = AssignmentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssignmentFilterSet
    pagination_class = Page

    def get_queryset(self):
        return selectors.assignments_for_api()


class PolicyListView(ApiListView):
    required_scope = "read"
    serializer_class = PolicySerializer
    pagination_class = Page

    def get_queryset(self):
        return selectors.policies_in_force()


class ComplianceFilterSet(django_filters.FilterSet):
    payroll_number = django_filters.CharFilter(
        label="Payroll / warrant number", field_name="payroll_number", lookup_expr="iexact", max_length=20
    )
    command_unit = django_filters.CharFilter(
        label="Command unit", field_name="command_unit", lookup_expr="iexact", max_length=100
    )
    up_to_date = django_filters.ChoiceFilter(label="Up to date", choices=_YES_NO, method="filter_up_to_date")

    class Meta:
        model = User
        fields = ["payroll_number", "command_unit", "up_to_date"]

    def filter_up_to_date(self, queryset, name, value):
        return queryset.filter(up_to_date=value == "true")


class PolicyComplianceView(ApiListView):
    """Everyone the policy covers and where they stand with it (404 before a version is in effect)."""

    required_scope = "read"
    serializer_class = PersonComplianceSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ComplianceFilterSet
    pagination_class = Page

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return User.objects.none()
        policy = get_object_or_404(Policy, slug=self.kwargs["slug"])
        people = selectors.policy_compliance_everyone(policy=policy)
        if people is None:
            raise Http404("No version of this policy is in effect yet.")
        return people


class LeaverCaseFilterSet(django_filters.FilterSet):
    since = LocalDateFilter(
        label="Ready since",
        field_name="ready_for_account_closure_at",
        lookup_expr="date__gte",
        help_text="Only cases ready on or after this date (UTC).",
    )
    payroll_number = django_filters.CharFilter(
        label="Person payroll / warrant number",
        field_name="person__payroll_number",
        lookup_expr="iexact",
        max_length=20,
    )

    class Meta:
        model = LeaverCase
        fields = ["since", "payroll_number"]


class LeaverCasesReadyView(ApiListView):
    """Leavers whose case is closed (every item back or ended, signed off): close their accounts."""

    required_scope = "read"
    serializer_class = LeaverCaseSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = LeaverCaseFilterSet
    pagination_class = Page

    def get_queryset(self):
        return selectors.leaver_cases_ready_for_account_closure()
