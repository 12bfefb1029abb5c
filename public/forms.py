"""The office's form for what the public page shows of a plan."""

from django import forms
from django.utils.translation import gettext_lazy

from targets.models import WorkPlan

from .models import Publication


class PublicationForm(forms.Form):
    published = forms.BooleanField(label=gettext_lazy("在公开页面显示本方案"), required=False)
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("公开的指标"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    through = forms.ModelChoiceField(
        label=gettext_lazy("公开截至季度"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("（请选择）"),
        help_text=gettext_lazy("只公开这一季度及以前各季度审核通过的数据"),
    )
    show_units = forms.BooleanField(
        label=gettext_lazy("同时公开各报送单位的数据"),
        required=False,
        help_text=gettext_lazy("不勾选时只公开全市数据"),
    )

    def __init__(self, *args, plan: WorkPlan, publication: Publication | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = plan.indicators.order_by("position", "id")
        self.fields["through"].queryset = plan.periods.order_by("year", "quarter")
        if publication is not None:
            self.initial.update(
                published=publication.published,
                indicators=list(publication.indicators.values_list("pk", flat=True)),
                through=publication.through_id,
                show_units=publication.show_units,
            )

    def chosen_ids(self) -> set[str]:
        """The ids of the indicators ticked (as posted, or as saved), for the checkboxes grouped by goal area."""
        return {str(value) for value in (self["indicators"].value() or [])}
