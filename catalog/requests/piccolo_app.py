from pathlib import Path

from piccolo.conf.apps import AppConfig

from catalog.requests.tables import (
    GuestLink,
    RequestDocument,
    ServiceRequest,
    StaffDepartment,
    WorkingCalendarYear,
    WorkingDayOverride,
)

ROOT = Path(__file__).resolve().parent.parent.parent

APP_CONFIG = AppConfig(
    app_name="requests",
    migrations_folder_path=str(ROOT / "migrations" / "requests"),
    table_classes=[
        ServiceRequest,
        RequestDocument,
        StaffDepartment,
        WorkingDayOverride,
        WorkingCalendarYear,
        GuestLink,
    ],
    migration_dependencies=["app.piccolo_app", "catalog.piccolo_app", "app.auth.piccolo_app"],
    commands=[],
)
