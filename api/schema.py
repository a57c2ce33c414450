"""Tells drf-spectacular how the API authenticates, so the docs offer "Authorize" with a token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token a Portal admin created in the admin (API tokens); its scope decides the endpoints.",
        }
