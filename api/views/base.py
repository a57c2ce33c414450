"""What every API view shares: a scope (`required_scope`, checked by api.permissions) and a page size.
Authentication (tokens only), the rate per token and JSON in and out are REST_FRAMEWORK's defaults
in settings. DRF's views opt out of the portal's LoginRequiredMiddleware: the API answers 401 itself."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, generics, pagination
from rest_framework.views import APIView

from portal.services import security_refusal_record


class RefusalsRecorded:
    """A request refused for want of a token (401) or of its scope (403) is a security event."""

    required_scope = ""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed, exceptions.PermissionDenied)):
            user = self.request.user if getattr(self.request.user, "is_authenticated", False) else None
            security_refusal_record(
                request=self.request._request, user=user, status=response.status_code, reason=f"api: {exc.detail}"
            )
        return response


class ApiView(RefusalsRecorded, APIView):
    pass


class ApiListView(RefusalsRecorded, generics.ListAPIView):
    pass


class ApiRetrieveView(RefusalsRecorded, generics.RetrieveAPIView):
    pass


class Page(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class FiltersKept(DjangoFilterBackend):
    """django-filter's backend, leaving the filterset it applies on the view (`view.filterset`)."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


class CountedApart:
    """A queryset paged as it is but counted by another holding the same rows at less cost (the same
    filters without joins that add no rows): Django's Paginator asks count(), then takes a slice."""

    def __init__(self, rows, counted):
        self.rows, self.counted = rows, counted
        self.ordered = rows.ordered

    def count(self) -> int:
        return self.counted.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        return self.rows[key]
