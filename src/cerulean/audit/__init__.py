"""Audit records: every registry login and repository operation, allowed or denied, with ACR's fields."""

from cerulean.audit.interfaces import AuditLog, AuditQuery
from cerulean.audit.models import AUDIT_VERSION, AuditCategory, AuditEvent
from cerulean.audit.recorder import AuditRecorder

__all__ = ["AUDIT_VERSION", "AuditCategory", "AuditEvent", "AuditLog", "AuditQuery", "AuditRecorder"]
