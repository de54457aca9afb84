from pathlib import Path

from piccolo.conf.apps import AppConfig

from projects.tables import (
    Milestone,
    MilestoneDependency,
    MilestoneEvidence,
    Project,
    ProjectManager,
    ProjectPartner,
)

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="projects",
    migrations_folder_path=str(ROOT / "migrations" / "projects"),
    table_classes=[
        Project,
        ProjectManager,
        ProjectPartner,
        Milestone,
        MilestoneDependency,
        MilestoneEvidence,
    ],
    migration_dependencies=["app.piccolo_app", "app.auth.piccolo_app", "catalog.piccolo_app"],
    commands=[],
)
