"""Project vocabularies. Values are stable: they are stored in the database and published in the SDL."""

from enum import StrEnum


class ProjectKind(StrEnum):
    PPP = "ppp"
    DIGITAL_TRANSFORMATION = "digital_transformation"
    RESEARCH = "research"  # R&D
    INFRASTRUCTURE = "infrastructure"


class PppContractType(StrEnum):
    """PPP Law 64/2020/QH14, article 45."""

    BOT = "bot"
    BTO = "bto"
    BOO = "boo"
    OM = "om"  # O&M
    BTL = "btl"
    BLT = "blt"
    MIXED = "mixed"


class PppStage(StrEnum):
    """Stages of a PPP project, in order (shared/NOTES-domain.md)."""

    INVESTMENT_POLICY = "investment_policy"  # proposal and investment-policy decision
    FEASIBILITY = "feasibility"  # feasibility study and approval
    INVESTOR_SELECTION = "investor_selection"
    CONTRACT_SIGNING = "contract_signing"  # negotiation and signing
    FINANCIAL_CLOSE = "financial_close"
    CONSTRUCTION = "construction"  # construction / implementation
    COMPLETION_ACCEPTANCE = "completion_acceptance"
    OPERATION = "operation"
    TRANSFER = "transfer"
    LIQUIDATION = "liquidation"  # contract liquidation


class Visibility(StrEnum):
    INTERNAL = "internal"
    PUBLIC = "public"


class ProjectStatus(StrEnum):
    """OC4IDS project statuses."""

    IDENTIFICATION = "identification"
    PREPARATION = "preparation"
    IMPLEMENTATION = "implementation"
    COMPLETION = "completion"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class MilestoneType(StrEnum):
    """OCDS milestoneType (open codelist) plus the PPP profile's procurement and contractClose."""

    PRE_PROCUREMENT = "preProcurement"
    APPROVAL = "approval"
    ENGAGEMENT = "engagement"
    ASSESSMENT = "assessment"
    DELIVERY = "delivery"
    REPORTING = "reporting"
    FINANCING = "financing"
    PAYMENT = "payment"
    PROCUREMENT = "procurement"
    CONTRACT_CLOSE = "contractClose"


class MilestoneCode(StrEnum):
    """PPP profile milestone codes."""

    PROJECT_APPROVAL = "projectApproval"
    COMMERCIAL_CLOSE = "commercialClose"
    FINANCIAL_CLOSE = "financialClose"
    COMMENCEMENT = "commencement"
    COMPLETION = "completion"
    COMMISSIONING = "commissioning"


class MilestoneStatus(StrEnum):
    """Our workflow; OCDS sees it mapped to scheduled/met/notMet/partiallyMet (projects.ocds)."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # submitted for acceptance
    ACCEPTED = "accepted"
    RETURNED = "returned"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


class OcdsMilestoneStatus(StrEnum):
    SCHEDULED = "scheduled"
    MET = "met"
    NOT_MET = "notMet"
    PARTIALLY_MET = "partiallyMet"


class Health(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"


class ProjectAction(StrEnum):
    PREPARE = "prepare"
    IMPLEMENT = "implement"
    COMPLETE = "complete"
    CLOSE = "close"
    CANCEL = "cancel"


class MilestoneAction(StrEnum):
    START = "start"
    SUBMIT = "submit"
    ACCEPT = "accept"
    RETURN = "return"
    RESUME = "resume"
    BLOCK = "block"
    UNBLOCK = "unblock"
    CANCEL = "cancel"
