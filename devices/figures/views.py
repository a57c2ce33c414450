"""The Figures page (as of any past instant, with disclosure control), its CSV/XLSX exports, and
the disclosure log: list, entry (re-checked on every opening), exports and a printable page. Data
Office and Portal admins only."""

import logging

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from devices import permissions
from devices.figures import log, services
from devices.figures.disclosure import shown_figures, threshold
from devices.figures.filters import FigureDisclosureFilterSet
from devices.figures.forms import DisclosureForm, FiguresForm
from devices.figures.html import answer_rows_html, page_tables
from devices.figures.models import FigureDisclosure
from devices.figures.render import csv_text, export_rows, xlsx_bytes
from devices.figures.selectors import FiguresError, answer_figures, history_start
from devices.figures.tables import FigureDisclosureTable
from portal.errors import DomainError
from portal.permissions import RoleRequiredMixin
from portal.tables import FilteredTableView, export_cell

logger = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(rows: list[list], *, name: str, export_format: str) -> HttpResponse:
    # Neutralised again here: a log entry's stored rows are read back from the database, where
    # an entry altered outside Kitbag could hold a formula (export_cell leaves a neutralised cell as it is).
    rows = [[export_cell(cell) for cell in row] for row in rows]
    if export_format == "xlsx":
        response = HttpResponse(xlsx_bytes(rows), content_type=XLSX)
    else:
        response = HttpResponse(csv_text(rows).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{export_format}"'
    return response


def _figures_of(form: FiguresForm):
    data = form.cleaned_data
    try:
        return answer_figures(
            as_of=data["as_of"],
            command_unit=data.get("command_unit") or "",
            range_start=data.get("range_start"),
            range_end=data.get("range_end"),
            models_withheld_reason=data.get("withhold_models_reason") or "",
        )
    except FiguresError as error:
        form.add_error("as_of_date", str(error))
        return None


class FiguresView(RoleRequiredMixin, TemplateView):
    """Choose an instant; see the figures as things stood then, cells held back and why; export
    them or save them in the disclosure log under an FOI reference."""

    permission_check = permissions.can_view_figures
    template_name = "devices/figures/figures.html"

    def get(self, request, *args, **kwargs):
        form = FiguresForm(request.GET if "as_of_date" in request.GET else None)
        return self.show(form, DisclosureForm())

    def show(self, form: FiguresForm, disclosure_form: DisclosureForm, *, status: int = 200):
        figures = _figures_of(form) if form.is_bound and form.is_valid() else None
        export_format = self.request.GET.get("_export")
        if figures is not None and export_format in ("csv", "xlsx"):
            logger.info("figures export (%s) by %s: %s", export_format, self.request.user, self.request.GET.urlencode())
            rows = export_rows(figures)
            return _download(
                rows, name=f"figures-{form.cleaned_data['as_of_date']:%Y-%m-%d}", export_format=export_format
            )
        if form.is_bound and (form.errors or figures is None):
            status = 400
        context = self.get_context_data(
            page_title="Figures",
            form=form,
            disclosure_form=disclosure_form,
            figures=figures,
            tables=page_tables(shown_figures(figures)) if figures is not None else [],
            threshold=threshold(),
            history_start=figures.history_start if figures is not None else history_start(),
        )
        return self.render_to_response(context, status=status)


class FiguresDisclosureCreateView(FiguresView):
    """Save the figures asked for in the disclosure log, under the request's FOI reference."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form, disclosure_form = FiguresForm(request.POST), DisclosureForm(request.POST)
        if not (form.is_valid() and disclosure_form.is_valid()):
            return self.show(form, disclosure_form, status=400)
        data = form.cleaned_data
        try:
            disclosure = services.figures_disclosure_record(
                actor=request.user,
                reference=disclosure_form.cleaned_data["reference"],
                as_of=data["as_of"],
                command_unit=data.get("command_unit") or "",
                range_start=data.get("range_start"),
                range_end=data.get("range_end"),
                models_withheld_reason=data.get("withhold_models_reason") or "",
                threshold=threshold(),
            )
        except DomainError as error:
            (form if isinstance(error, FiguresError) else disclosure_form).add_error(None, str(error))
            return self.show(form, disclosure_form, status=error.status)
        return redirect("devices:figures_disclosure", pk=disclosure.pk)


class FigureDisclosureListView(FilteredTableView):
    permission_check = permissions.can_view_figures
    table_class = FigureDisclosureTable
    filterset_class = FigureDisclosureFilterSet
    template_name = "devices/figures/log.html"
    export_name = "disclosure-log"

    def get_queryset(self):
        return log.disclosures()

    def get_context_data(self, **kwargs):
        return super().get_context_data(page_title="Disclosure log", **kwargs)


class FigureDisclosureDetailView(RoleRequiredMixin, TemplateView):
    """One answer as it was given, re-computed on opening: a match or a mismatch, always shown.
    `printable`: the same answer for paper, without the portal around it."""

    permission_check = permissions.can_view_figures
    template_name = "devices/figures/disclosure.html"
    printable = False

    def get(self, request, *args, **kwargs):
        try:
            disclosure = log.disclosures().get(pk=kwargs["pk"])
        except FigureDisclosure.DoesNotExist as error:
            raise Http404("No such entry in the disclosure log.") from error
        export_format = request.GET.get("_export")
        if export_format in ("csv", "xlsx"):
            logger.info("disclosure %s export (%s) by %s", disclosure.reference, export_format, request.user)
            name = "figures-" + "".join(c if c.isalnum() else "-" for c in disclosure.reference)
            return _download(log.stored_rows(disclosure), name=name, export_format=export_format)
        context = self.get_context_data(
            page_title=f"Figures given under {disclosure.reference}",
            disclosure=disclosure,
            rows_html=answer_rows_html(log.stored_rows(disclosure)),
            recheck=log.disclosure_recheck(disclosure),
            printable=self.printable,
        )
        return self.render_to_response(context)
