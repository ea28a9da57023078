"""The audit trail (issue 25): who changed what, when, from where. The protocol and the event
live in ``record``; one module per place it is kept (``files``; ``zones.sql.audit``)."""
