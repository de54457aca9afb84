"""What projects reacts to after commit, and what it registers with the kernel, when the composition root
imports this module: an accepted milestone gets its acceptance minutes (projects.documents, which also
tells the kernel who may read a project's and a milestone's documents)."""

from app import bus
from projects import documents
from projects.deliveries import MILESTONE_ACCEPTED

bus.subscribe(MILESTONE_ACCEPTED, documents.on_milestone_accepted)
