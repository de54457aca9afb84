"""The two lifecycles of billing, each as one transition table: (from, action, to)."""

from app.errors import Noun
from app.states import Lifecycle, table
from billing.enums import InvoiceAction as IA
from billing.enums import InvoiceStatus as I
from billing.enums import QuoteAction as QA
from billing.enums import QuoteStatus as Q

QUOTE = Noun("báo giá", "quote")
INVOICE = Noun("hóa đơn", "invoice")

QUOTE_LIFECYCLE: Lifecycle[Q, QA] = Lifecycle(
    QUOTE,
    table(
        [
            (Q.SENT, QA.ACCEPT, Q.ACCEPTED),
            (Q.SENT, QA.DECLINE, Q.DECLINED),
            (Q.SENT, QA.EXPIRE, Q.EXPIRED),
            (Q.SENT, QA.SUPERSEDE, Q.SUPERSEDED),
        ]
    ),
)

INVOICE_LIFECYCLE: Lifecycle[I, IA] = Lifecycle(
    INVOICE,
    table(
        [
            (I.DRAFT, IA.ISSUE, I.ISSUED),
            (I.DRAFT, IA.CANCEL, I.CANCELLED),
            (I.ISSUED, IA.PAY_PART, I.PARTIALLY_PAID),
            (I.ISSUED, IA.PAY_IN_FULL, I.PAID),
            (I.PARTIALLY_PAID, IA.PAY_PART, I.PARTIALLY_PAID),
            (I.PARTIALLY_PAID, IA.PAY_IN_FULL, I.PAID),
            (I.PAID, IA.REFUND_PART, I.PARTIALLY_PAID),
            (I.PAID, IA.REFUND_ALL, I.ISSUED),
            (I.PARTIALLY_PAID, IA.REFUND_PART, I.PARTIALLY_PAID),
            (I.PARTIALLY_PAID, IA.REFUND_ALL, I.ISSUED),
            (I.ISSUED, IA.REPLACE, I.REPLACED),
            (I.PARTIALLY_PAID, IA.REPLACE, I.REPLACED),
            (I.PAID, IA.REPLACE, I.REPLACED),
        ]
    ),
)

# Invoices that count: issued and not replaced (drafts and cancelled ones are no invoices yet or at all).
LIVE = frozenset({I.ISSUED, I.PARTIALLY_PAID, I.PAID})
# Invoices that may still be corrected by an adjustment or a replacement.
CORRECTABLE = LIVE
# Invoices with money still owed (the overdue sweep looks at these) and that take payments.
OWING = frozenset({I.ISSUED, I.PARTIALLY_PAID})
