"""Carrying out a request's reminders and the release after the reservation runs out."""

from devices.models import DeviceRequestStep


def device_request_step_fire(step: DeviceRequestStep) -> None:
    raise NotImplementedError
