"""Quotes, invoices with Vietnamese VAT, Stripe and VietQR payments, finance exports.

Not built yet: it arrives with the billing issue. Shared money rules already live in app/vat.py.
"""
