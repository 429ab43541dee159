"""Roster endpoints of the JSON API (see config/api.py)."""

from ninja import Router

router = Router(tags=["roster"])
