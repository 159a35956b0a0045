"""The sentences of the notices about subsidy applications, registered for
``vrijstad.notifications`` (imported by ``models.py``)."""

from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.texts import register_texts

NOTICE_TEXTS = register_texts(
    {
        "subsidy.started": _l(
            "%(applicant)s started an application for %(scheme)s; plan the intake talk."
        ),
        "subsidy.intake": _l(
            "The intake for your application for %(scheme)s is recorded. Add your costs and "
            "documents and submit it."
        ),
        "subsidy.submitted": _l(
            "Your application for %(scheme)s has been received with dossier number %(dossier)s. "
            "The decision follows by %(deadline)s."
        ),
        "subsidy.submitted_staff": _l(
            "Dossier %(dossier)s (%(applicant)s) came in for %(scheme)s; the decision is due by "
            "%(deadline)s."
        ),
        "subsidy.info_requested": _l(
            "More information is needed for dossier %(dossier)s. The decision term stands still "
            "until you reply."
        ),
        "subsidy.info_supplied": _l(
            "%(applicant)s replied to the request for information on dossier %(dossier)s; the "
            "decision is now due by %(deadline)s."
        ),
        "subsidy.extended": _l(
            "The decision term of dossier %(dossier)s is extended by 12 weeks, to %(deadline)s."
        ),
        "subsidy.granted": _l(
            "A subsidy of %(amount)s has been granted for dossier %(dossier)s. The grant letter "
            "is on the application page; account for the actual costs when the work is done."
        ),
        "subsidy.rejected": _l(
            "Your application with dossier number %(dossier)s was not granted; the reason is on "
            "the application page."
        ),
        "subsidy.advance_paid": _l(
            "An advance of %(amount)s has been paid for dossier %(dossier)s. Account for the "
            "actual costs when the work is done."
        ),
        "subsidy.accounted": _l(
            "Your accountability for dossier %(dossier)s is in; the final amount will be set on "
            "the actual costs."
        ),
        "subsidy.accounted_staff": _l(
            "%(applicant)s accounted for the costs of dossier %(dossier)s."
        ),
        "subsidy.settled": _l("The final amount of dossier %(dossier)s is set at %(amount)s."),
        "subsidy.paid": _l(
            "%(amount)s has been paid for dossier %(dossier)s; the dossier is closed."
        ),
        "subsidy.reclaimed": _l(
            "%(amount)s of the advance for dossier %(dossier)s has been paid back; the dossier is "
            "closed."
        ),
        "subsidy.withdrawn_staff": _l("%(applicant)s withdrew the application for %(scheme)s."),
        "subsidy.applicant_deleted": _l(
            "The applicant of dossier %(dossier)s (%(applicant)s) deleted their account. The "
            "grant stands: finish the dossier without the applicant's account."
        ),
    }
)
