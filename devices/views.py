"""Officers' device pages: My kit and the receipts of their counter visits."""

from django.http import Http404
from django.views.generic import TemplateView

from devices import selectors


class MyKitView(TemplateView):
    """What I hold, since when and from which Tech Bar, with each receipt; what I handed back."""

    template_name = "devices/my_kit.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            page_title="My kit",
            held=selectors.kit_held_by(user=user),
            handed_back=selectors.kit_handed_back_by(user=user)[:50],
            **kwargs,
        )


class CounterReceiptView(TemplateView):
    """My copy of a Tech Bar receipt. Someone else's is not found (Tech Bar staff and Portal admins
    may open any)."""

    template_name = "devices/receipt.html"

    def get_context_data(self, pk, **kwargs):
        visit = selectors.counter_visit_for_viewer(viewer=self.request.user, pk=pk)
        if visit is None:
            raise Http404("No such receipt.")
        return super().get_context_data(page_title=f"Tech Bar receipt {visit.reference}", visit=visit, **kwargs)
