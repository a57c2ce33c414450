"""{% home_part template values %}: one registered part of the home page (portal.home), rendered
as `{% include %}` would, with its own variables on top of the page's."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def home_part(context, template_name: str, values: dict) -> str:
    part = context.template.engine.get_template(template_name)
    with context.push(**values):
        return part.render(context)
