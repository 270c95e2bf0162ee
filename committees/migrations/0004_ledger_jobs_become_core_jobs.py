"""Ledger imports become core background jobs (core.Job, kind committees.ledger_import); the history of
past imports is kept, capped at 1,000 problems each as the new jobs are."""

from django.db import migrations

KIND = "committees.ledger_import"
MAX_PROBLEMS = 1000


def copy_jobs(apps, schema_editor):
    Old = apps.get_model("committees", "LedgerImportJob")
    Job = apps.get_model("core", "Job")
    for old in Old.objects.all().iterator():
        errors = list(old.errors or [])
        if old.status == "succeeded":
            status = "succeeded"
        elif old.status == "failed" and errors:
            status = "refused"
        else:
            status = "failed"  # crashed, or never finished
        result = {**(old.counts or {}), "problems": errors[:MAX_PROBLEMS], "problems_total": len(errors)}
        Job.objects.create(
            kind=KIND, owner_id=old.created_by_id, federation_id=old.federation_id, label=old.original_name,
            params={"dry_run": old.dry_run}, status=status, progress=100 if status != "failed" else old.progress,
            message=old.message if old.finished_at else "任务未完成（后台服务中断），已停止。可以重试。",
            result=result, input_file=old.file_path, attempts=1, created_at=old.created_at,
            queued_at=old.created_at, finished_at=old.finished_at or old.created_at,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("committees", "0003_correction"),
        ("core", "0007_job"),
    ]

    operations = [
        migrations.RunPython(copy_jobs, migrations.RunPython.noop),
        migrations.DeleteModel(name="LedgerImportJob"),
    ]
