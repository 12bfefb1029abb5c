"""Instructions (批示): write one on an indicator or a task, and the list of all instructions with their answers.
Units answer on their quarterly sheet (reports.views.sheet)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.instructions.forms import InstructionForm
from reports.instructions.selectors import (
    answer_due_if_written_today,
    instruction_candidates,
    instructions_on,
    instructions_visible_to,
    user_can_instruct,
)
from reports.instructions.services import instruction_create
from targets.models import Indicator
from tasks.models import Task
from tasks.plan_choice import plan_for

SUBJECTS = {"indicator": Indicator, "task": Task}


def subject_url(subject: Indicator | Task) -> str:
    """The page where the thread of an indicator or task is read."""
    name = "reports:indicator_detail" if isinstance(subject, Indicator) else "reports:task_detail"
    return reverse(name, args=[subject.pk]) + "#instructions"


def instruction_new(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not user_can_instruct(user=request.user):
        raise PermissionDenied(_("只有领导小组办公室和领导可以批示"))
    if kind not in SUBJECTS:
        raise Http404(_("未知类型"))
    subject = get_object_or_404(SUBJECTS[kind].objects.select_related("plan"), pk=pk)
    about = {kind: subject}
    candidates = instruction_candidates(**about)
    form = InstructionForm(request.POST or None, units=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            instruction_create(
                user=request.user,
                text=form.cleaned_data["text"],
                units=list(form.cleaned_data["units"]),
                **about,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            names = "、".join(unit.name for unit in form.cleaned_data["units"])
            due = answer_due_if_written_today(plan=subject.plan)
            if due:
                message = _("批示已发出，%(units)s将在提醒中看到，并于%(due)s前答复。") % {
                    "units": names,
                    "due": f"{due:%Y-%m-%d}",
                }
            else:
                message = _("批示已发出，%(units)s将在提醒中看到，并在下次报送时答复。") % {"units": names}
            messages.success(request, message)
            return redirect(subject_url(subject))
    return render(
        request,
        "reports/instruction_form.html",
        {
            "form": form,
            "kind": kind,
            "subject": subject,
            "instructions": instructions_on(user=request.user, **about),
            "back": subject_url(subject),
            "answer_due": answer_due_if_written_today(plan=subject.plan),
        },
    )


def instruction_list(request: HttpRequest) -> HttpResponse:
    """Every instruction the user may see, newest first; ?state=open keeps those still awaiting an answer."""
    plan = plan_for(request)
    instructions = list(instructions_visible_to(user=request.user).filter(period__plan=plan))
    state = request.GET.get("state", "")
    if state == "open":
        instructions = [i for i in instructions if not i.answered_by_all]
    return render(
        request,
        "reports/instruction_list.html",
        {"instructions": instructions, "state": state, "can_instruct": user_can_instruct(user=request.user)},
    )
