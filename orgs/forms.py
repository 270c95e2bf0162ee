from __future__ import annotations

from django import forms

from core.forms import VersionedModelForm
from orgs.models import Unit


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
