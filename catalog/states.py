"""The catalog's lifecycles, each as one transition table: (from, action, to)."""

from app.errors import Noun
from app.states import Lifecycle, table
from catalog.enums import PlanAction, PlanStatus, ServiceAction, ServiceStatus

SERVICE = Noun("dịch vụ", "service")
PLAN = Noun("gói dịch vụ", "plan")

_S, _SA = ServiceStatus, ServiceAction
SERVICE_LIFECYCLE: Lifecycle[ServiceStatus, ServiceAction] = Lifecycle(
    SERVICE,
    table(
        [
            (_S.DRAFT, _SA.PUBLISH, _S.PUBLISHED),
            (_S.DRAFT, _SA.RETIRE, _S.RETIRED),
            (_S.PUBLISHED, _SA.RETIRE, _S.RETIRED),
            (_S.RETIRED, _SA.PUBLISH, _S.PUBLISHED),
        ]
    ),
)

PLAN_LIFECYCLE: Lifecycle[PlanStatus, PlanAction] = Lifecycle(
    PLAN,
    table(
        [
            (PlanStatus.ACTIVE, PlanAction.RETIRE, PlanStatus.RETIRED),
            (PlanStatus.RETIRED, PlanAction.REACTIVATE, PlanStatus.ACTIVE),
        ]
    ),
)
