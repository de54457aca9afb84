"""The service lifecycle as one transition table: (from, to) -> the action's name."""

from catalog.enums import ServiceStatus

SERVICE_TRANSITIONS: dict[tuple[ServiceStatus, ServiceStatus], str] = {
    (ServiceStatus.DRAFT, ServiceStatus.PUBLISHED): "publish",
    (ServiceStatus.DRAFT, ServiceStatus.RETIRED): "retire",
    (ServiceStatus.PUBLISHED, ServiceStatus.RETIRED): "retire",
    (ServiceStatus.RETIRED, ServiceStatus.PUBLISHED): "publish",
}


def can_move(current: ServiceStatus, target: ServiceStatus) -> bool:
    return (current, target) in SERVICE_TRANSITIONS
