from enum import StrEnum


class AccountKind(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


class CustomerKind(StrEnum):
    CITIZEN = "citizen"  # identified by CCCD
    BUSINESS = "business"  # identified by tax code (MST)
    AGENCY = "agency"  # state agency; tax code optional (many have a budget-unit code instead)


class Role(StrEnum):
    """Staff roles; granted only by an admin. Customers have none."""

    CATALOG_MANAGER = "catalog_manager"
    OPERATOR = "operator"
    PROJECT_MANAGER = "project_manager"
    FINANCE = "finance"
    ADMIN = "admin"


class Scope(StrEnum):
    """What a partner API key may read."""

    CATALOG_READ = "catalog:read"
    PROJECTS_READ = "projects:read"
