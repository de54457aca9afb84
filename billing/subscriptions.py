"""What billing reacts to, and what it registers with the kernel, when the composition root imports this
module: an accepted milestone is invoiced (billing.invoices); the kernel asks billing.documents who may
read a quote's documents."""

from app import bus
from billing import (
    documents,  # noqa: F401 - registers the reader of quote documents
    invoices,
)
from projects.deliveries import MILESTONE_ACCEPTED

bus.subscribe(MILESTONE_ACCEPTED, invoices.on_milestone_accepted)
