"""localstripe as the Stripe API version our SDK speaks (2026-10-28.endive).

Since API version 2026-09-30.endive a PaymentIntent no longer takes ``payment_method_types``
on create: Stripe answers 400 ``payment_method_types_no_longer_supported``; the methods to
offer go in ``allowed_payment_method_types`` (Stripe filters them to the compatible ones and
shows the result in the object's read-only ``payment_method_types``). localstripe still
models the older API, so this launcher teaches it the new parameter and the refusal, then
starts its server: `python tests/payments/stripe_server.py --port N --from-scratch`.
"""

from localstripe import resources, server
from localstripe.errors import UserError

_original_init = resources.PaymentIntent.__init__


def _init(self, *args, payment_method_types=None, allowed_payment_method_types=None, **kwargs):
    if payment_method_types is not None:
        raise UserError(
            400,
            "payment_method_types is no longer supported on this API version; "
            "use allowed_payment_method_types",
            {"code": "payment_method_types_no_longer_supported"},
        )
    _original_init(self, *args, payment_method_types=allowed_payment_method_types, **kwargs)


resources.PaymentIntent.__init__ = _init

if __name__ == "__main__":
    server.start()
