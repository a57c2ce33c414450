"""The Portal admin's page of a person's signed-in sessions, with buttons to end one or all."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from portal import permissions, services
from portal.models import User
from portal.selectors import sessions_of_person


def person_sessions(request, pk):
    """GET lists the person's sessions; POST `end=<ref>` ends one, `end=all` ends every one."""
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied("Only a Portal admin ends people's sessions.")
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    sessions = [active for _session, active in sessions_of_person(person=person)]
    status = 200
    if request.method == "POST":
        choice = request.POST.get("end", "")
        if choice == "all" or choice in {active.ref for active in sessions}:
            ended = services.sessions_end(
                actor=request.user, person=person, refs=None if choice == "all" else [choice], request=request
            )
            messages.success(request, f"Ended {ended} session(s) of {person.get_full_name()}.")
            return redirect("admin:portal_user_sessions", pk=person.pk)
        # a session that has already ended, or a tampered form: say so, change nothing
        messages.error(request, "That session has already ended. The list below is up to date.")
        status = 409
    context = {
        **admin.site.each_context(request),
        "title": f"Sessions of {person.get_full_name()} ({person.payroll_number})",
        "person": person,
        "sessions": sessions,
        "opts": User._meta,
    }
    return TemplateResponse(request, "admin/portal/user/sessions.html", context, status=status)
