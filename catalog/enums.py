"""Catalog vocabularies. Values are stable: they are stored in the database and published in the SDL."""

from enum import StrEnum


class Audience(StrEnum):
    CITIZEN = "citizen"
    BUSINESS = "business"
    AGENCY = "agency"


class Channel(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    POST = "post"


class OnlineLevel(StrEnum):
    """Decree 42/2022: fully online ("toàn trình") or partly online ("một phần")."""

    FULL = "full"
    PARTIAL = "partial"


class ServiceStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class Unit(StrEnum):
    """The unit a plan's price is quoted per."""

    MONTH = "month"
    YEAR = "year"
    COURSE_SEAT = "course_seat"
    MAN_DAY = "man_day"
    SYSTEM = "system"
    HALF_DAY = "half_day"
    DAY = "day"
    HOUR = "hour"
    PACKAGE = "package"
    PROJECT = "project"
    INCIDENT = "incident"
    RACK_UNIT_MONTH = "rack_unit_month"
    VIRTUAL_MACHINE_MONTH = "vm_month"
    TERABYTE_MONTH = "tb_month"


class ServiceAction(StrEnum):
    PUBLISH = "publish"
    RETIRE = "retire"


class PlanAction(StrEnum):
    RETIRE = "retire"
    REACTIVATE = "reactivate"
