"""The header's search box: one GET page for the roles that may search (portal.search.may_search),
a 403 for everyone else."""

from django.shortcuts import redirect
from django.views.generic import TemplateView

from portal import search
from portal.permissions import RoleRequiredMixin


class SearchView(RoleRequiredMixin, TemplateView):
    """An exact identifier goes straight to its page; anything else lists what the user may open,
    grouped by kind. A blank, too short or too long term is a message on the page and a 400."""

    permission_check = search.may_search
    template_name = "portal/search.html"

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("q")
        context = {"page_title": "Search", "term": raw or "", "error": "", "groups": [], "searched": False}
        if raw is None:
            return self.render_to_response(self.get_context_data(**context))
        try:
            term = search.clean_term(raw)
        except search.BadTerm as error:
            context.update(error=str(error), page_title="Error: Search")
            return self.render_to_response(self.get_context_data(**context), status=400)
        outcome = search.search(user=request.user, term=term)
        if outcome.redirect:
            return redirect(outcome.redirect)
        context.update(term=term, groups=outcome.groups, searched=True, page_title=f"Search results for {term}")
        return self.render_to_response(self.get_context_data(**context))
