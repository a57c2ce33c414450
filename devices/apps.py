from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = "Devices"

    def ready(self):
        # Imported here, not at the top: models (and the modules that use them) load only once
        # the app registry is ready, which is what ready() is for.
        from auditlog.registry import auditlog

        from devices import checks  # noqa: F401 - checks registers the ladder check
        from devices.accessories import hooks as accessory_hooks
        from devices.accessories.selectors import my_kit_accessories
        from devices.core import panels
        from devices.core.incident_links import incident_devices_section
        from devices.core.services import hooks
        from devices.counter.views import device_holder_action
        from devices.labels.services import device_label_action
        from devices.leavers import hooks as leaver_hooks
        from devices.leavers.selectors.cases import leaver_case_open_for
        from devices.leavers.selectors.pages import counter_leaver_context
        from devices.leavers.services import leaver_step_fire
        from devices.loans import hooks as loan_hooks
        from devices.loans import moments as loan_moments
        from devices.loans.selectors import counter_loan_context, my_kit_loan_context
        from devices.loans.steps import loan_step_fire
        from devices.losses.services import losses, remote
        from devices.losses.views import device_found_action
        from devices.models import (
            CommandUnitLead,
            Device,
            DeviceModel,
            DeviceRequest,
            DeviceRequestStep,
            KitEntitlement,
            LeaverCase,
            LeaverLine,
            LeaverPropertyKind,
            LeaverStep,
            LoanPoolDevice,
            LoanStep,
            TechBar,
        )
        from devices.requests.selectors.pages import counter_request_context
        from devices.requests.services import device_request_step_fire
        from devices.requests.services.counter import device_request_on_issued
        from devices.stock.admin import device_send_action
        from devices.stock.services import stock
        from devices.triage.admin import device_repair_action
        from incidents.signals import incident_page_sections
        from portal import timers
        from portal.signals import leaving_date_changed

        for model in (
            TechBar,
            DeviceModel,
            Device,
            LeaverCase,
            LeaverLine,
            LeaverPropertyKind,
            CommandUnitLead,
            KitEntitlement,
            DeviceRequest,
            LoanPoolDevice,
        ):
            auditlog.register(model)
        incident_page_sections.connect(incident_devices_section, dispatch_uid="devices.incident_devices_section")
        timers.register(LeaverStep, owner_field="case", fire=leaver_step_fire)
        timers.register(DeviceRequestStep, owner_field="request", fire=device_request_step_fire)
        timers.register(LoanStep, owner_field="loan", fire=loan_step_fire)
        # Who acts on each custody moment, in the order they are told: the one place that says so.
        hooks.register(hooks.RECEIVED, stock.on_device_received)
        # Requests first: a device reserved for someone else is refused before the others are told.
        hooks.register(hooks.ISSUED, device_request_on_issued)
        hooks.register(hooks.ISSUED, stock.on_device_issued)
        hooks.register(hooks.ISSUED, leaver_hooks.on_device_issued)
        hooks.register(hooks.RETURNED, remote.on_device_returned)
        hooks.register(hooks.RETURNED, leaver_hooks.on_device_returned)
        hooks.register(hooks.RETURNED, loan_hooks.on_device_returned)
        hooks.register(hooks.FOUND, losses.on_device_found)
        hooks.register(hooks.LOST, leaver_hooks.on_device_lost)
        hooks.register(hooks.LOST, loan_hooks.on_device_lost)
        hooks.register(hooks.RETURN_UNMATCHED, leaver_hooks.on_return_unmatched)
        hooks.register(hooks.RETURN_REASON, leaver_hooks.return_reason)
        accessory_hooks.register_returned(leaver_hooks.on_accessories_returned)
        loan_moments.register_lent(leaver_hooks.on_device_lent)
        # What leavers and requests show on My kit and the counter's person screen.
        panels.register(panels.MY_KIT, lambda *, person, user: {"my_leaver_case": leaver_case_open_for(person=person)})
        panels.register(panels.MY_KIT, my_kit_accessories)
        panels.register(panels.COUNTER_PERSON, counter_leaver_context)
        panels.register(panels.COUNTER_PERSON, lambda *, person, user: counter_request_context(person=person))
        # Loans (due-back dates) on My kit and the counter's person screen.
        panels.register(panels.MY_KIT, my_kit_loan_context)
        panels.register(panels.COUNTER_PERSON, counter_loan_context)
        # What Tech Bar staff can do from a device's page, in the order the buttons show.
        for action in (
            device_holder_action,
            device_label_action,
            device_send_action,
            device_repair_action,
            device_found_action,
        ):
            panels.register_device_action(action)
        leaving_date_changed.connect(leaver_hooks.on_leaving_date_changed, dispatch_uid="devices.leaving_date_changed")
