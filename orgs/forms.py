from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, VersionedModelForm, date_field, reason_field
from orgs.models import Federation, Unit


class UnitForm(VersionedModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "requires_committee", "female_staff_count", "address", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class UnitLiaisonForm(VersionedModelForm):
    """What a unit's own liaison may keep up to date."""

    class Meta:
        model = Unit
        fields = ["female_staff_count", "address", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class UnitCreateForm(StyledForm):
    """新增单位 (orgs.services.unit_create)."""

    federation = forms.ModelChoiceField(label=_("所属妇联"), queryset=Federation.objects.none(), empty_label=None)
    name = forms.CharField(label=_("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类别"), choices=Unit.Kind.choices, initial=Unit.Kind.DEPARTMENT)
    established_on = date_field(_("成立日期"), required=False, help_text=_("机构改革新组建的单位填组建日期；不清楚可留空。"))
    requires_committee = forms.BooleanField(label=_("需建妇委会（计入组建率）"), required=False, initial=True)
    female_staff_count = forms.IntegerField(label=_("女职工人数"), required=False, min_value=0)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, federations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        federation_field: Any = self.fields["federation"]
        federation_field.queryset = federations
        self.only_federation = federations.first() if federations.count() == 1 else None
        if self.only_federation is not None:
            # Staff of one federation: nothing to choose.
            federation_field.widget = forms.HiddenInput()
            federation_field.required = False

    def clean_federation(self) -> Any:
        return self.cleaned_data.get("federation") or self.only_federation


class UnitDissolveForm(StyledForm):
    """撤销/合并单位 (committees.services.unit_dissolve)."""

    dissolved_on = date_field(_("撤销日期"), help_text=_("本单位的妇委会（如有）随单位在这一天结束。"))
    successor = forms.ModelChoiceField(
        label=_("并入单位"), queryset=Unit.objects.none(), required=False, empty_label=_("— 不并入其他单位（直接撤销） —"),
        help_text=_("机构改革中并入其他单位时选择；只列出本妇联存续的单位。"),
    )

    def __init__(self, *args: Any, successors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        successor_field: Any = self.fields["successor"]
        successor_field.queryset = successors


class UnitEndCorrectForm(UnitDissolveForm):
    """更正单位撤销/合并 (orgs.services.unit_dissolution_correct): the day and the successor, with the reason."""

    reason = reason_field()


class UnitEndWithdrawForm(StyledForm):
    """撤销单位撤销/合并的登记 (orgs.services.unit_dissolution_withdraw): the reason only."""

    reason = reason_field(label=_("撤销登记的原因"))
