"""What billing reacts to, registered on the bus when the composition root imports this module."""

from app import bus
from billing import invoices
from projects.deliveries import MILESTONE_ACCEPTED

bus.subscribe(MILESTONE_ACCEPTED, invoices.on_milestone_accepted)
