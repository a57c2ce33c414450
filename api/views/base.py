"""What every API view shares: a scope (`required_scope`, checked by api.permissions) and a page size.
Authentication (tokens only), the rate per token and JSON in and out are REST_FRAMEWORK's defaults
in settings. DRF's views opt out of the portal's LoginRequiredMiddleware: the API answers 401 itself."""

from rest_framework import generics, pagination
from rest_framework.views import APIView


class ApiView(APIView):
    required_scope = ""


class ApiListView(generics.ListAPIView):
    required_scope = ""


class ApiRetrieveView(generics.RetrieveAPIView):
    required_scope = ""


class Page(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
