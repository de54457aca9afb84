"""PPP and digital-transformation projects, tracked through milestones."""
