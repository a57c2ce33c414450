"""{% demo_logins as logins %}: the demo accounts for the sign-in page (portal.demo), empty unless
DEBUG is on and seed_demo's accounts are there."""

from django import template

from portal.demo import demo_logins_to_show, demo_password

register = template.Library()


@register.simple_tag
def demo_logins() -> dict:
    logins = demo_logins_to_show()
    return {"logins": logins, "password": demo_password() if logins else ""}
