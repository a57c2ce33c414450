"""What every incident page shares: loading the incident and checking who may see it (a service's
errors are shown against the form by `portal.views_mixins.DomainErrorMixin`)."""

from django.core.exceptions import PermissionDenied

from incidents import permissions, selectors
from portal.permissions import RoleRequiredMixin


class IncidentObjectMixin(RoleRequiredMixin):
    """Loads `self.incident` (404 if the user may not see it), then checks `object_permission`."""

    permission_check = permissions.can_report
    object_permission = permissions.can_view

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not type(self).permission_check(request.user):
            raise PermissionDenied("You do not have the role this page needs.")
        self.incident = selectors.incident_with_deadlines(user=request.user, pk=kwargs["pk"])
        if not type(self).object_permission(request.user, self.incident):
            raise PermissionDenied("You cannot do that to this incident.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(incident=self.incident, **kwargs)
