"""The field-work router; the endpoints are added by the modules next to this one."""

from ninja import Router

router = Router(tags=["fieldwork"])
