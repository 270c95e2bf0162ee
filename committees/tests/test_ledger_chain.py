"""A ledger import's audit events (written in batches by the bulk paths) are sealed onto the chain: the
chain verifies after an import, after a dry run and after the same workbook again."""

from __future__ import annotations

import pytest

from benchmarks.test_ledger_bench import ledger_workbook
from committees.ledger.importing import import_ledger
from committees.models import Term, Vacancy
from core import audit, auditverify
from core.auditmodels import AuditEvent
from orgs.models import Federation, Unit


@pytest.mark.django_db
def test_the_chain_verifies_after_an_import():
    data, _rows = ledger_workbook(120, seed=5)
    federation = Federation.objects.create(name="链区妇联")
    with audit.acting_as(None, source="test"):
        assert import_ledger(federation=federation, data=data, dry_run=True).ok
        assert not Unit.objects.filter(federation=federation).exists()
        result = import_ledger(federation=federation, data=data)
        assert result.ok and result.applied
        again = import_ledger(federation=federation, data=data)
    assert again.ok and again.changed == 0
    created = (Unit.objects.filter(federation=federation).count() + Term.objects.filter(federation=federation).count()
               + Vacancy.objects.filter(federation=federation).count())
    assert created + result.counts["committees"]["created"] == result.changed
    # One creation event per record, each naming its row.
    creations = AuditEvent.objects.filter(federation_id=federation.pk, action="create")
    assert creations.count() == result.changed
    assert not creations.filter(object_repr="").exists()
    assert auditverify.verify().problems == []
