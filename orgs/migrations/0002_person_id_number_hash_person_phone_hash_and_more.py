# Encrypt people's phone numbers and ID numbers at rest (core.fields), with keyed hashes for search.

import core.fields
from django.db import migrations

COLUMNS = (("phone", "phone_hash", "phone"), ("id_number", "id_number_hash", "id_number"))


def encrypt_existing(apps, schema_editor):
    """Plaintext left by 0001 -> ciphertext + hash. Raw SQL: the field would refuse to load plaintext."""
    from core import crypto

    conn = schema_editor.connection
    qn = conn.ops.quote_name
    with conn.cursor() as cur:
        cur.execute(f"SELECT id, {qn('phone')}, {qn('id_number')} FROM {qn('orgs_person')}")
        rows = cur.fetchall()
        for pk, *values in rows:
            sets, params = [], []
            for (column, hash_column, kind), value in zip(COLUMNS, values):
                if not value or crypto.is_encrypted(value):
                    continue
                sets += [f"{qn(column)} = %s", f"{qn(hash_column)} = %s"]
                params += [
                    crypto.encrypt(value, aad=crypto.associated_data("orgs_person", column)),
                    crypto.blind_index(value, kind=kind),
                ]
            if sets:
                cur.execute(f"UPDATE {qn('orgs_person')} SET {', '.join(sets)} WHERE id = %s", [*params, pk])


def decrypt_existing(apps, schema_editor):
    from core import crypto

    conn = schema_editor.connection
    qn = conn.ops.quote_name
    with conn.cursor() as cur:
        cur.execute(f"SELECT id, {qn('phone')}, {qn('id_number')} FROM {qn('orgs_person')}")
        for pk, *values in cur.fetchall():
            plain = [
                crypto.decrypt(v, aad=crypto.associated_data("orgs_person", c)) if v and crypto.is_encrypted(v) else v
                for (c, _h, _k), v in zip(COLUMNS, values)
            ]
            cur.execute(
                f"UPDATE {qn('orgs_person')} SET {qn('phone')} = %s, {qn('id_number')} = %s WHERE id = %s", [*plain, pk]
            )


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='id_number_hash',
            field=core.fields.BlindIndexField(kind='id_number', source='id_number'),
        ),
        migrations.AddField(
            model_name='person',
            name='phone_hash',
            field=core.fields.BlindIndexField(kind='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number',
            field=core.fields.EncryptedCharField(blank=True, max_length=32, verbose_name='身份证号'),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone',
            field=core.fields.EncryptedCharField(blank=True, max_length=32, verbose_name='手机号码'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]
