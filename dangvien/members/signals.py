"""Signals of the membership log.

`membership_ended` is sent by `services.member_add_event`, inside its
transaction, once an event ending the membership (name deletion, exit,
expulsion, death) is appended, whichever page, API call or workflow wrote it.
Receivers (movements.endings) close what was open around the member; an error
they raise undoes the event too. Arguments: actor, member, event.
"""

from django.dispatch import Signal

membership_ended = Signal()
