"""Every feature's models, imported in one place for Alembic and the shell."""

from vrijstad.api.models import ApiToken
from vrijstad.applications.models import (
    Application,
    ApplicationMessage,
    ApplicationStatus,
    Offer,
    OfferStatus,
    Viewing,
)
from vrijstad.approvals import Approval
from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.audit.models import AuditEvent
from vrijstad.auth.models import RecoveryCode, User
from vrijstad.billing.models import (
    FundSpending,
    Invoice,
    InvoiceLine,
    InvoiceReminder,
    InvoiceSequence,
    Payment,
    Settlement,
    SettlementLine,
)
from vrijstad.bylaw.models import BylawCase, BylawStage, ReportChannel, VacancyBylaw
from vrijstad.contests.models import (
    Award,
    Conflict,
    Contest,
    ContestEntry,
    ContestStatus,
    Criterion,
    Juror,
    JuryScore,
    Vote,
)
from vrijstad.dashboard.models import DashboardSettings, StreetStory, VacancySnapshot
from vrijstad.footfall.models import Counter, FootfallCount, FootfallDay
from vrijstad.ledger.models import Entry, Posting
from vrijstad.legal.models import Consent, LegalKind, LegalText
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    Placement,
    PlacementStatus,
    Space,
    TurnoverReminder,
    TurnoverReport,
)
from vrijstad.matching.models import MatchInvitation, MatchWeights, StreetProfile
from vrijstad.notifications.models import Notification
from vrijstad.opendata.models import BagObject, Establishment, RegisterImport
from vrijstad.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    OrganisationKind,
)
from vrijstad.payments.models import (
    BankImport,
    PaymentIntentRecord,
    PaymentIssue,
    Payout,
    PayoutAccount,
    PayoutBatch,
    StripeEvent,
)
from vrijstad.popups.models import BlockedPeriod, Booking, BookingStatus, ShortLetTerms
from vrijstad.relations.models import Contact, Message, MessageSend, Relation
from vrijstad.saved.models import DigestUnit, Favourite, SavedSearch
from vrijstad.scenarios.models import Scenario, ScenarioZone
from vrijstad.starters.models import BranchGroup, SpaceKind, StarterProfile
from vrijstad.submissions import Submission
from vrijstad.subsidies.models import (
    CostLine,
    DossierSequence,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyScheme,
    SubsidyStatus,
)
from vrijstad.units.models import (
    EnergyLabel,
    PermittedUse,
    Unit,
    UnitPhoto,
    UnitStatus,
)

__all__ = [
    "BylawCase",
    "BylawStage",
    "ReportChannel",
    "VacancyBylaw",
    "Contact",
    "Message",
    "MessageSend",
    "Relation",
    "DigestUnit",
    "Favourite",
    "SavedSearch",
    "Approval",
    "RecoveryCode",
    "CostLine",
    "DossierSequence",
    "SubsidyApplication",
    "SubsidyDocument",
    "SubsidyScheme",
    "SubsidyStatus",
    "ApiToken",
    "DashboardSettings",
    "StreetStory",
    "VacancySnapshot",
    "BankImport",
    "PaymentIntentRecord",
    "PaymentIssue",
    "Payout",
    "PayoutAccount",
    "PayoutBatch",
    "StripeEvent",
    "Submission",
    "BlockedPeriod",
    "Booking",
    "BookingStatus",
    "ShortLetTerms",
    "Collective",
    "Award",
    "Conflict",
    "Contest",
    "ContestEntry",
    "ContestStatus",
    "Criterion",
    "Juror",
    "JuryScore",
    "Vote",
    "Entry",
    "Counter",
    "BagObject",
    "Establishment",
    "RegisterImport",
    "FootfallCount",
    "FootfallDay",
    "Consent",
    "LegalKind",
    "LegalText",
    "FundSpending",
    "HeadLease",
    "Invoice",
    "InvoiceLine",
    "InvoiceReminder",
    "InvoiceSequence",
    "Payment",
    "Posting",
    "Settlement",
    "SettlementLine",
    "Space",
    "TurnoverReminder",
    "TurnoverReport",
    "Application",
    "ApplicationMessage",
    "ApplicationStatus",
    "BranchGroup",
    "MatchInvitation",
    "MatchWeights",
    "Notification",
    "Offer",
    "OfferStatus",
    "Placement",
    "PlacementStatus",
    "SpaceKind",
    "StarterProfile",
    "Viewing",
    "Area",
    "AreaKind",
    "AuditEvent",
    "Invitation",
    "MemberRole",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Street",
    "StreetProfile",
    "StreetGrade",
    "User",
    "EnergyLabel",
    "PermittedUse",
    "Unit",
    "UnitPhoto",
    "UnitStatus",
    "Scenario",
    "ScenarioZone",
]
