"""Posting an admin change form as a browser would: the form's current values, its inlines'
management counts, and the changes a test makes."""


def person_change_data(client, url: str, person, **changes) -> dict:
    """The person's admin change form as it stands (GET), with `changes` applied."""
    context = client.get(url).context
    form = context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups", "last_login")}
    for inline in context["inline_admin_formsets"]:  # the read-only "Kit held now" still posts its counts
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
    data.update(
        {
            "groups": [g.pk for g in person.groups.all()],
            "date_joined_0": person.date_joined.strftime("%d/%m/%Y"),
            "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
            "supervisor": "",
            "leaving_date": "",
        }
    )
    data.update(changes)
    return data
