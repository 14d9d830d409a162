"""The raw contract: the tables leadscore reads, their columns, types and which are required.

docs/raw_contract.md describes the same tables for people; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # one of: varchar, bigint, double, timestamp
    required: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    source: str
    key: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _cols(*specs: str) -> tuple[Column, ...]:
    """'name:type' or 'name:type!' (required)."""
    out = []
    for spec in specs:
        name, typ = spec.split(":")
        out.append(Column(name, typ.rstrip("!"), typ.endswith("!")))
    return tuple(out)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("accounts", "crm", "account_id", _cols(
            "account_id:varchar!", "account_name:varchar", "domain:varchar", "industry:varchar",
            "employee_count:bigint", "annual_revenue:double", "country:varchar", "created_at:timestamp!",
        )),
        Table("leads", "crm", "lead_id", _cols(
            "lead_id:varchar!", "crm_record_id:varchar", "account_id:varchar", "email:varchar!",
            "first_name:varchar", "last_name:varchar", "phone:varchar", "job_title:varchar",
            "department:varchar", "lead_source:varchar", "country:varchar", "owner_id:varchar",
            "created_at:timestamp!", "updated_at:timestamp",
        )),
        Table("lead_status_changes", "crm", "status_change_id", _cols(
            "status_change_id:varchar!", "lead_id:varchar!", "changed_at:timestamp!",
            "new_status:varchar!", "reason:varchar", "owner_id:varchar",
        )),
        Table("opportunities", "crm", "opportunity_id", _cols(
            "opportunity_id:varchar!", "lead_id:varchar!", "account_id:varchar", "created_at:timestamp!",
            "stage:varchar!", "amount:double", "closed_at:timestamp",
        )),
        Table("sales_activities", "crm", "sales_activity_id", _cols(
            "sales_activity_id:varchar!", "lead_id:varchar!", "owner_id:varchar",
            "activity_type:varchar!", "occurred_at:timestamp!",
        )),
        Table("owners", "crm", "owner_id", _cols("owner_id:varchar!", "owner_name:varchar", "team:varchar")),
        Table("events", "activity", "event_id", _cols(
            "event_id:varchar!", "lead_id:varchar!", "event_type:varchar!", "occurred_at:timestamp!",
            "url:varchar", "form_name:varchar", "campaign_id:varchar", "user_agent:varchar",
        )),
    )
}

EVENT_TYPES = (
    "page_view", "email_sent", "email_open", "email_click", "email_unsubscribe",
    "email_bounce", "form_submit", "webinar_attended",
)
LEAD_STATUSES = (
    "mql", "sales_accepted", "sales_rejected", "sql", "opportunity", "customer",
    "closed_lost", "disqualified", "recycled",
)
OPPORTUNITY_STAGES = ("open", "closed_won", "closed_lost")
ACTIVITY_TYPES = ("call", "email", "meeting")
# One @, something before it, a dotted domain after it, no spaces (the dbt var email_pattern).
EMAIL_PATTERN = r"^[^@ ]+@[^@ ]+[.][^@ ]+$"
