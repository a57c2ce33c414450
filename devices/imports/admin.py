"""The MDM import in the device admin (django-import-export): choose the Tech Bar that receives new
devices, upload the CSV, read the preview with each bad row's line and reason, then confirm.

The file is checked before it is read (size, binary content) and the import runs as
`devices.imports.resources.DeviceResource`, all rows or none, exactly as `manage.py import_devices` does.
A file of `settings.IMPORT_ASYNC_ROWS` devices or more is checked and imported by a worker
instead (`devices.imports.services.jobs`), and the person follows it on its job page."""

from django import forms
from django.shortcuts import redirect
from django.urls import path
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV
from import_export.forms import ConfirmImportForm, ImportForm

from devices.core.models import TechBar
from devices.imports import views as import_job_admin
from devices.imports.resources import MAX_BYTES, TECH_BAR_COLUMN, DeviceResource
from devices.imports.services import jobs as import_jobs
from portal import permissions
from portal.admin_input import ImportRefusalMixin
from portal.uploads import clean_csv_upload

_ADVICE = "export the devices from the MDM as CSV."
_TECH_BAR_HELP = f"Where new devices go into stock, unless the file has a {TECH_BAR_COLUMN} column."


def _tech_bar_field(**kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=TechBar.objects.filter(is_active=True),
        required=False,
        label="Tech Bar receiving new devices",
        help_text=_TECH_BAR_HELP,
        **kwargs,
    )


class MdmImportForm(ImportForm):
    tech_bar = _tech_bar_field()

    def clean_import_file(self):
        # What the file is, from its bytes; the name is only a second hint (an .xlsx renamed .csv is
        # still refused by its content).
        upload = clean_csv_upload(self.cleaned_data["import_file"], max_bytes=MAX_BYTES, advice=_ADVICE)
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(f"This is not a CSV file: {_ADVICE}")
        return upload


class MdmConfirmImportForm(ConfirmImportForm):
    tech_bar = _tech_bar_field(widget=forms.HiddenInput())


class DeviceImportMixin(ImportRefusalMixin, ImportMixin):
    resource_classes = [DeviceResource]
    import_form_class = MdmImportForm
    confirm_form_class = MdmConfirmImportForm
    # Each bad row shows its line and what is wrong with it; tracebacks are for the logs.
    import_error_display = ("message",)

    def get_import_formats(self):
        return [CSV]

    def has_import_permission(self, request):
        # Importing receives devices into stock: Tech Bar work, and only for those who may add devices.
        return permissions.is_tech_bar(request.user) and self.has_add_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        tech_bar = form.cleaned_data.get("tech_bar") if form is not None and form.is_valid() else None
        return {"actor": request.user, "tech_bar": tech_bar}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None and import_form.cleaned_data.get("tech_bar"):
            initial["tech_bar"] = import_form.cleaned_data["tech_bar"].pk
        return initial

    def import_action(self, request, **kwargs):
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                upload = form.cleaned_data["import_file"]
                upload.seek(0)
                data = upload.read()
                upload.seek(0)
                if import_jobs.runs_in_worker(data):
                    job = import_jobs.device_import_job_start(
                        actor=request.user,
                        file_name=upload.name,
                        data=data,
                        tech_bar=form.cleaned_data.get("tech_bar"),
                    )
                    return redirect("admin:devices_device_import_job", pk=job.pk)
        return super().import_action(request, **kwargs)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/jobs/<int:pk>/", view(import_job_admin.job_page), name="devices_device_import_job"),
            path(
                "import/jobs/<int:pk>/progress/",
                view(import_job_admin.job_progress),
                name="devices_device_import_job_progress",
            ),
            path(
                "import/jobs/<int:pk>/confirm/",
                view(import_job_admin.job_confirm),
                name="devices_device_import_job_confirm",
            ),
            *super().get_urls(),
        ]
