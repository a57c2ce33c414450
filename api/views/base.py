"""What every API view shares: token authentication only, a scope, a rate per token, and no
sign-in redirect from the portal's LoginRequiredMiddleware (the API answers 401 itself)."""

from rest_framework import generics, pagination
from rest_framework.views import APIView


class _NoPortalSignIn:
    @classmethod
    def as_view(cls, *args, **kwargs):
        view = super().as_view(*args, **kwargs)
        view.login_required = False  # django.contrib.auth.middleware.LoginRequiredMiddleware
        return view


class ApiView(_NoPortalSignIn, APIView):
    required_scope = ""


class ApiListView(_NoPortalSignIn, generics.ListAPIView):
    required_scope = ""


class ApiRetrieveView(_NoPortalSignIn, generics.RetrieveAPIView):
    required_scope = ""


class Page(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
