"""Partner and agreement records (exchange.md §1–§2) on SQLite: every refused value with
its exact message and nothing written; an edit changes only what it is given."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tokkyo.exchange import partners
from tokkyo.exchange.errors import InvalidRecord, PartnerNotFound
from tokkyo.store.tables import exchange_agreements

BASE = {"direction": "receive", "right": "patent", "product": "publication data",
        "content": "text", "format": "XML", "frequency": "monthly", "transport": "inbox"}


@pytest.mark.parametrize(("change", "message"), [
    ({"frequency": "hourly"},
     "frequency 'hourly' is none of daily, weekly, biweekly, monthly, quarterly"),
    ({"direction": None}, "an agreement needs direction"),
    ({"coverage_from": "2020-01-01", "coverage_to": "2019-12-31"},
     "coverage_to 2019-12-31 is before coverage_from 2020-01-01"),
    ({"coverage_from": "2020-13-01"}, "coverage_from '2020-13-01' is not a date (YYYY-MM-DD)"),
    ({"kinds": "A,BB"}, "kinds: 'BB' is not a kind code (a letter, a digit optional: A, B1, "
                        "U, Y)"),
    ({"required_sections": "claims,figures"},
     "required_sections: 'figures' is none of bibliography, abstract, claims, description, "
     "drawings, gazettes"),
    ({"max_delay_days": "ten"}, "max_delay_days 'ten' is not a whole number of days"),
    ({"extra": "[1]"}, "extra must be a JSON object ({\"field\": \"value\", …})"),
    ({"all_or_nothing": "maybe"}, "all_or_nothing 'maybe' is not yes or no"),
    ({"url": "sftp://x/y"}, "an inbox agreement has no URL: the partner uploads to "
                            "{data}/exchange/inbox/{partner}/"),
    ({"transport": "sftp", "url": "https://x/y"},
     "url 'https://x/y' does not fit transport sftp (a sftp URL is expected)"),
    ({"transport": "https"}, "a https agreement needs a url (https/http://…)"),
    ({"password": "secret"}, "a password can only be stored sealed with the server secret, "
                             "which was not given"),
    ({"colour": "blue"}, "unknown agreement field(s) colour (fields: direction, right, "
                         "product, content, format, schema, kinds, coverage_from, "
                         "coverage_to, frequency, transport, url, username, password, "
                         "private_key, host_key, allow_plain_ftp, required_sections, "
                         "legal_status, max_delay_days, all_or_nothing, tolerant, extra, "
                         "active)"),
])
def test_a_refused_agreement_value_writes_nothing(sqlite_db, change, message):
    with sqlite_db.transaction() as conn:
        partners.add_partner(conn, "TH")
    fields = {k: v for k, v in {**BASE, **change}.items() if v is not None}
    with pytest.raises(InvalidRecord) as caught, sqlite_db.transaction() as conn:
        partners.add_agreement(conn, "TH", fields)
    assert str(caught.value) == message
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count())
                            .select_from(exchange_agreements)).scalar_one() == 0


def test_records_and_edits(sqlite_db):
    with sqlite_db.transaction() as conn:
        row = partners.add_partner(conn, "th", contacts="Mr B\nMs C", status="renewing")
        assert (row.code, row.name, row.status) == ("TH", "Thailand", "renewing")
        with pytest.raises(InvalidRecord, match="partner TH exists already"):
            partners.add_partner(conn, "TH")
        with pytest.raises(InvalidRecord, match="status 'lapsed' is none of none, "):
            partners.edit_partner(conn, "TH", status="lapsed")
        with pytest.raises(PartnerNotFound, match="no partner 'ID'"):
            partners.edit_partner(conn, "ID", notes="x")
        agreement = partners.add_agreement(conn, "TH", {**BASE, "kinds": "a, b1",
                                                        "extra": '{"cws67": "draft"}'},
                                           secret=b"k" * 40)
        edited = partners.edit_agreement(conn, agreement.id, {"frequency": "weekly"})
        shown = partners.agreement_json(edited, "TH")
    assert (shown["frequency"], shown["kinds"], shown["extra"], shown["format"]) == (
        "weekly", ["A", "B1"], {"cws67": "draft"}, "XML")
    assert partners.partner_json(row)["contacts"] == ["Mr B", "Ms C"]
