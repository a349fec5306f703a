"""Transfers and removals: the services, one function per step.

The steps live in `transfers` (R2) and `removals` (R4); the workflow tables in
`workflow`. This module re-exports them so that
`from dangvien.movements import services; services.transfer_open(...)` keeps
working for pages, the API, seeding and tests.
"""

from __future__ import annotations

from .removals import (
    PROPOSED_KINDS,
    RECORDED_KINDS,
    removal_decide,
    removal_propose,
    removal_record,
)
from .transfers import (
    transfer_cancel,
    transfer_open,
    transfer_receive,
    transfer_register_incoming,
    transfer_reissue,
    transfer_return,
    transfer_send,
)
from .workflow import RECEIVING, REMOVAL, SENDING, TRANSFER, transfer_issuer

__all__ = [
    "PROPOSED_KINDS",
    "RECEIVING",
    "RECORDED_KINDS",
    "REMOVAL",
    "SENDING",
    "TRANSFER",
    "removal_decide",
    "removal_propose",
    "removal_record",
    "transfer_cancel",
    "transfer_issuer",
    "transfer_open",
    "transfer_receive",
    "transfer_register_incoming",
    "transfer_reissue",
    "transfer_return",
    "transfer_send",
]
