"""Labels for record fields and choice values: the one source of truth for how they are named.

The tables hold English message ids (marked with ``NC_``); the catalog (``fieldapp.core.i18n``) translates them.
A field label has the context ``field``; a value label has its field's name as context (``status`` of an
enterprise: "Active", "Suspended").
"""

from __future__ import annotations

from fieldapp.core.i18n import NC_, Lang, translate

__all__ = ["FIELD_LABELS", "VALUE_LABELS", "Lang", "field_label", "value_label"]

#: field name -> label (context "field")
FIELD_LABELS: dict[str, str] = {
    "id": NC_("field", "Record id"),
    "name": NC_("field", "Enterprise name"),
    "tax_code": NC_("field", "Tax code"),
    "address": NC_("field", "Address"),
    "ward": NC_("field", "Ward"),
    "district": NC_("field", "District"),
    "province_code": NC_("field", "Province code"),
    "ward_code": NC_("field", "Ward code"),
    "province": NC_("field", "Province"),
    "ownership": NC_("field", "Ownership"),
    "status": NC_("field", "Status"),
    "legal_entity": NC_("field", "Legal entity"),
    "family_business": NC_("field", "Family business"),
    "has_union": NC_("field", "Has a grassroots union"),
    "union_members": NC_("field", "Union members"),
    "registered_workers": NC_("field", "Registered workers"),
    "assigned_to": NC_("field", "Assigned cadre"),
    "contact_name": NC_("field", "Contact person"),
    "contact_role": NC_("field", "Contact's role"),
    "contact_phone": NC_("field", "Phone"),
    "contact_email": NC_("field", "E-mail"),
    "representative": NC_("field", "Legal representative"),
    "enterprise_id": NC_("field", "Enterprise"),
    "visited_on": NC_("field", "Visit date"),
    "cadre": NC_("field", "Cadre"),
    "headcount": NC_("field", "Head count"),
    "seasonal": NC_("field", "Seasonal workers"),
    "managers": NC_("field", "Owners and managers"),
    "attitude": NC_("field", "Employer attitude"),
    "applications": NC_("field", "Applications"),
    "note": NC_("field", "Note"),
    "next_visit_on": NC_("field", "Next visit"),
    "met_name": NC_("field", "Met with"),
    "met_role": NC_("field", "Their role"),
    "next_step": NC_("field", "Next step agreed"),
    "created_at": NC_("field", "Created at"),
    "updated_at": NC_("field", "Updated at"),
    "schema_version": NC_("field", "Schema version"),
    "rev": NC_("field", "Revision"),
    "pending_since": NC_("field", "Pending since"),
    "server_version": NC_("field", "Server version"),
    "language": NC_("field", "Language"),
    "theme": NC_("field", "Theme"),
    "server": NC_("field", "Server"),
    "token": NC_("field", "Access token"),
    "verify_tls": NC_("field", "Verify TLS"),
    "allow_insecure": NC_("field", "Allow plain http://"),
    "sync_deadline": NC_("field", "Longest sync (seconds)"),
    "request_deadline": NC_("field", "Longest server answer (seconds)"),
    "rules.toml": NC_("field", "Rules file"),
    "min_members": NC_("field", "Minimum members or applications"),
    "small_size": NC_("field", "Small-enterprise threshold (workers)"),
    "seasonal_share": NC_("field", "Seasonal share"),
    "stale_months": NC_("field", "Months before data is stale"),
    "priority_size": NC_("field", "Stable workers for high priority"),
    # founding cases (fieldapp.core.founding) and their deadlines in the rules
    "bch_meeting_days": NC_("field", "Working days from congress to the BCH's first meeting"),
    "dossier_days": NC_("field", "Working days from congress to the dossier"),
    "decision_days": NC_("field", "Working days from dossier to recognition"),
    "extra_days_off": NC_("field", "The federation's extra days off"),
    "step": NC_("field", "Step"),
    "committee_on": NC_("field", "Organising committee formed on"),
    "committee_members": NC_("field", "Organising committee members"),
    "committee_head": NC_("field", "Head of the organising committee"),
    "applications_on": NC_("field", "Applications counted on"),
    "congress_on": NC_("field", "Founding congress date"),
    "congress_attending": NC_("field", "Attending the congress"),
    "bch_size": NC_("field", "Executive committee (BCH) size"),
    "inspection_size": NC_("field", "Inspection committee size"),
    "bch_meeting_on": NC_("field", "BCH first meeting date"),
    "dossier_on": NC_("field", "Dossier sent on"),
    "recognized_on": NC_("field", "Recognition decision date"),
    "decision_number": NC_("field", "Recognition decision number"),
    "members_at_founding": NC_("field", "Members at founding"),
    "state": NC_("field", "Case state"),
    "state_reason": NC_("field", "Reason"),
    "state_note": NC_("field", "Note on the state"),
    "history": NC_("field", "History"),
    # derived columns of the exported founding sheet (fieldapp.io.founding_table)
    "stage": NC_("field", "Stage"),
    "overdue_step": NC_("field", "Overdue step"),
    "overdue_due_on": NC_("field", "Overdue step due on"),
}

#: (field, value) -> label (context: the field)
VALUE_LABELS: dict[tuple[str, str], str] = {
    ("ownership", "state"): NC_("ownership", "State-owned"),
    ("ownership", "non_state"): NC_("ownership", "Non-state"),
    ("ownership", "fdi"): NC_("ownership", "Foreign-invested (FDI)"),
    ("ownership", "cooperative"): NC_("ownership", "Cooperative"),
    ("ownership", "household"): NC_("ownership", "Household business"),
    ("status", "active"): NC_("status", "Active"),
    ("status", "suspended"): NC_("status", "Suspended"),
    ("status", "dissolved"): NC_("status", "Dissolved"),
    ("attitude", "supportive"): NC_("attitude", "Supportive"),
    ("attitude", "neutral"): NC_("attitude", "Neutral"),
    ("attitude", "reluctant"): NC_("attitude", "Reluctant"),
    ("attitude", "hostile"): NC_("attitude", "Hostile"),
    ("step", "committee"): NC_("step", "Organising committee"),
    ("step", "applications"): NC_("step", "Applications"),
    ("step", "congress"): NC_("step", "Founding congress"),
    ("step", "bch_meeting"): NC_("step", "BCH first meeting"),
    ("step", "dossier"): NC_("step", "Recognition dossier"),
    ("step", "recognized"): NC_("step", "Recognized"),
    ("state", "open"): NC_("state", "Open"),
    ("state", "paused"): NC_("state", "Paused"),
    ("state", "abandoned"): NC_("state", "Abandoned"),
    ("state_reason", "employer_obstruction"): NC_("state_reason", "Employer obstruction"),
    ("state_reason", "workers_withdrew"): NC_("state_reason", "Workers withdrew"),
    ("state_reason", "enterprise_closed"): NC_("state_reason", "Enterprise closed"),
    ("state_reason", "merged_elsewhere"): NC_("state_reason", "Merged into another union"),
    ("state_reason", "other"): NC_("state_reason", "Other"),
}


def field_label(field: str, lang: Lang = "vi") -> str:
    """The label of *field* in *lang*; the field name itself when it has none."""
    msgid = FIELD_LABELS.get(field)
    return field if msgid is None else translate(msgid, lang, "field")


def value_label(field: str, value: str, lang: Lang = "vi") -> str:
    """The label of a choice *value* of *field* in *lang*; the value itself when it has none."""
    msgid = VALUE_LABELS.get((field, value))
    return value if msgid is None else translate(msgid, lang, field)
