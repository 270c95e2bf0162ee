"""PostgreSQL roles for production: an owner that owns the schema's objects, and the application's role
that owns nothing and cannot delete, change or alter the audit log.

    manage.py pg_roles_setup                          # print the SQL (review it, run it with psql)
    manage.py pg_roles_setup --apply                  # run it now, as a superuser or the current owner
    manage.py pg_roles_setup --owner jg_owner --app jg_app

The owner role (`--owner`, default jinguo_owner) runs `migrate`, `backup` and `restore`; the application
(gunicorn, the job worker, the other commands) connects as `--app` (default jinguo_app), which:

* owns no table, sequence or function (so it can neither ALTER a table nor DROP or DISABLE a trigger);
* may SELECT, INSERT, UPDATE and DELETE the other tables, but only SELECT and INSERT core_auditevent and
  core_auditanchor: no UPDATE, DELETE, TRUNCATE, TRIGGER or REFERENCES, whatever it sets
  `jinguo.audit_purge` to;
* purges the audit log only through core_audit_purge(upto), a SECURITY DEFINER function owned by the
  owner, which itself refuses events younger than the retention and a purge without its anchor.

Run it again after every `migrate` (it is idempotent): new tables are granted by the default privileges
of the owner, but ownership and the audit log's revocations are set here. Passwords are not set here:
`ALTER ROLE … PASSWORD` by the database administrator (or a certificate / pg_hba rule).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction
from django.utils.translation import gettext_lazy as _

AUDIT_TABLES = ("core_auditevent", "core_auditanchor")
NOT_POSTGRESQL_MESSAGE = _("此命令仅适用于 PostgreSQL（当前数据库：{vendor}）。")
APPLIED_MESSAGE = _("已设置数据库角色：属主 {owner}，应用 {app}（模式 {schema}）。请为两个角色设置口令，应用改用 {app} 连接。")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def grants_sql(*, owner: str, app: str, schema: str, database: str) -> list[str]:
    """The statements, in order; each is idempotent."""
    o, a, s, d = _ident(owner), _ident(app), _ident(schema), _ident(database)
    lo, la, ls = _literal(owner), _literal(app), _literal(schema)
    audit = ", ".join(f"{s}.{_ident(t)}" for t in AUDIT_TABLES)
    return [
        # The roles (no superuser, no role or database creation; the application's logs in).
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {lo}) THEN "  # noqa: S608
        f"CREATE ROLE {o} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; END IF; END $$",
        f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {la}) THEN "  # noqa: S608
        f"CREATE ROLE {a} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT; END IF; END $$",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {d} TO {o}, {a}",
        f"GRANT USAGE, CREATE ON SCHEMA {s} TO {o}",
        f"REVOKE CREATE ON SCHEMA {s} FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA {s} FROM {a}",
        f"GRANT USAGE ON SCHEMA {s} TO {a}",
        # Everything of the schema belongs to the owner (tables, views, free sequences, functions).
        f"""DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = {ls} AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = c.oid AND dep.deptype IN ('a', 'i')
                               AND c.relkind = 'S')
    LOOP
        EXECUTE format(CASE r.relkind WHEN 'v' THEN 'ALTER VIEW %I.%I OWNER TO %I'
                                      WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %I.%I OWNER TO %I'
                                      WHEN 'S' THEN 'ALTER SEQUENCE %I.%I OWNER TO %I'
                                      ELSE 'ALTER TABLE %I.%I OWNER TO %I' END,
                       {ls}, r.relname, {lo});
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = {ls} AND p.prokind IN ('f', 'p')
    LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.fn, {lo});
    END LOOP;
END $$""",  # noqa: S608
        # The application's rights: the data, not the schema.
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA {s} GRANT USAGE, SELECT ON SEQUENCES TO {a}",
        # The audit log: read and append only, for the application and for everybody else.
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit} FROM {a}",
        f"REVOKE ALL ON {audit} FROM PUBLIC",
        f"GRANT SELECT, INSERT ON {audit} TO {a}",
        # Purges go through the owner's function alone.
        f"REVOKE ALL ON FUNCTION {s}.core_audit_purge(bigint) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {s}.core_audit_purge(bigint) TO {a}",
    ]


class Command(BaseCommand):
    help = "Print (or --apply) the SQL of the PostgreSQL owner and application roles and the audit log's grants."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", default="jinguo_owner", help="the role that owns the schema's objects")
        parser.add_argument("--app", default="jinguo_app", help="the role the application connects as")
        parser.add_argument("--schema", default="", help="default: the connection's current schema")
        parser.add_argument("--database", default="default", help="the Django database alias")
        parser.add_argument("--apply", action="store_true", help="run the statements in one transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        conn = connections[options["database"]]
        if conn.vendor != "postgresql":
            raise CommandError(NOT_POSTGRESQL_MESSAGE.format(vendor=conn.vendor))
        with conn.cursor() as cur:
            cur.execute("SELECT current_schema(), current_database()")
            current_schema, database = cur.fetchone()
        schema = options["schema"] or current_schema
        statements = grants_sql(owner=options["owner"], app=options["app"], schema=schema, database=database)
        if not options["apply"]:
            self.stdout.write(";\n\n".join(statements) + ";")
            return
        with transaction.atomic(using=conn.alias), conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
        self.stdout.write(APPLIED_MESSAGE.format(owner=options["owner"], app=options["app"], schema=schema))
