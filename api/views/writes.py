"""The MDM's and HR's writes: each validates the payload, then calls one service of the app that
owns the records (devices' imports, devices' remote actions, the portal's people), which writes
through the same import resources, rules and services as the CSV imports in the admin.

A batch is all items or none: any bad item refuses it, and the answer names each item's problems
by its index and the API's field names. The same batch twice changes nothing.
"""

from collections.abc import Callable

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from api import selectors
from api.serializers.hr import PeopleBatchResultSerializer, PeopleBatchSerializer
from api.serializers.mdm import (
    MdmDeviceBatchResultSerializer,
    MdmDeviceBatchSerializer,
    RemoteActionReportSerializer,
    RemoteActionSerializer,
)
from api.views.base import ApiView
from devices.core.services import DeviceError
from devices.imports.services.files import devices_upsert
from devices.losses.services import remote
from portal.services import people_upsert

_BAD = OpenApiResponse(description="Field errors, per item for a batch (item order kept, {} for a good item).")


def _per_item(errors: dict[int, dict], count: int) -> list[dict]:
    return [errors.get(index, {}) for index in range(count)]


def _invalid(payload, key: str, check: Callable[[dict[int, dict]], dict[int, dict]]) -> Response:
    """The serializer's errors, a batch's as one entry per item ({} for a good one), as the
    services' errors are given. The items the serializer passed are checked by the service too
    (`check`, writing nothing), so that one answer names every item's problems."""
    errors = dict(payload.errors)
    raw_items = payload.initial_data.get(key) if isinstance(payload.initial_data, dict) else None
    if not isinstance(raw_items, list) or not raw_items:
        return Response(errors, status=status.HTTP_400_BAD_REQUEST)
    items = errors.get(key)
    item_errors = dict(items) if isinstance(items, dict) and all(isinstance(i, int) for i in items) else {}
    if items is None or item_errors:
        child = payload.fields[key].child
        good = {}
        for index, raw in enumerate(raw_items):
            if index in item_errors:
                continue
            item = type(child)(data=raw)
            if item.is_valid():
                good[index] = item.validated_data
            else:  # only when the list as a whole was never checked (a batch-level error came first)
                item_errors[index] = item.errors
        for index, found in check(good).items():
            item_errors[index] = found
        if item_errors:
            errors[key] = _per_item(item_errors, len(raw_items))
    return Response(errors, status=status.HTTP_400_BAD_REQUEST)


class _BatchUpsertView(ApiView):
    """A batch of items upserted all or none: the serializer checks each item, then one service
    writes them (errors per item, in the items' order)."""

    serializer_class: type[serializers.Serializer]
    key = ""  # the payload's list of items
    upsert: Callable  # the service, a staticmethod: upsert(items=..., actor=..., dry_run=False) -> its outcome

    def post(self, request):
        payload = self.serializer_class(data=request.data)
        if not payload.is_valid():
            return _invalid(payload, self.key, lambda good: self._check(good, actor=request.user))
        items = payload.validated_data[self.key]
        outcome = self.upsert(items=items, actor=request.user)
        if not outcome.ok:
            return Response({self.key: _per_item(outcome.errors, len(items))}, status=status.HTTP_400_BAD_REQUEST)
        return Response({self.key: outcome.results})

    def _check(self, good: dict[int, dict], *, actor) -> dict[int, dict]:
        """The service's errors for the items the serializer passed, by their place in the batch;
        nothing is written (the batch is refused anyway)."""
        if not good:
            return {}
        indices = list(good)
        outcome = self.upsert(items=list(good.values()), actor=actor, dry_run=True)
        return {indices[index]: found for index, found in outcome.errors.items()}


@extend_schema_view(
    post=extend_schema(
        request=MdmDeviceBatchSerializer,
        responses={200: MdmDeviceBatchResultSerializer, 400: _BAD},
        summary="Upsert devices from the MDM inventory (all or none)",
    )
)
class MdmDeviceBatchView(_BatchUpsertView):
    required_scope = "mdm"
    serializer_class = MdmDeviceBatchSerializer
    key = "devices"
    upsert = staticmethod(devices_upsert)


class MdmRemoteActionView(ApiView):
    required_scope = "mdm"

    @extend_schema(
        request=RemoteActionReportSerializer,
        responses={
            200: RemoteActionSerializer,
            400: _BAD,
            409: inline_serializer("NothingWaiting", {"detail": serializers.CharField()}),
        },
        summary="Report a remote wipe or SIM block carried out (or failed): ends the open request",
    )
    def post(self, request):
        payload = RemoteActionReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        devices = selectors.device_by_identity(
            mdm_device_id=data.get("mdm_device_id", ""),
            serial_number=data.get("serial_number", ""),
            imei=data.get("imei", ""),
            asset_tag=data.get("asset_tag", ""),
        )
        if len(devices) != 1:
            problem = "No device has these identifiers." if not devices else "These identify more than one device."
            return Response({"non_field_errors": [problem]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            action, _changed = remote.remote_action_report(
                device=devices[0], kind=data["kind"], outcome=data["outcome"], note=data["note"], actor=request.user
            )
        except remote.NothingToReport as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        except DeviceError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(RemoteActionSerializer(action).data)


@extend_schema_view(
    post=extend_schema(
        request=PeopleBatchSerializer,
        responses={200: PeopleBatchResultSerializer, 400: _BAD},
        summary="Upsert people from the HR system (all or none)",
    )
)
class HrPeopleBatchView(_BatchUpsertView):
    required_scope = "hr"
    serializer_class = PeopleBatchSerializer
    key = "people"
    upsert = staticmethod(people_upsert)
