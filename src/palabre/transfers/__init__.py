"""Large transfers (Melanissimo): a signed-in account sends files to people by e-mail, each
with a personal link; every open and download is a receipt the sender sees; transfers expire
(1, 7 or 30 days) or are revoked, then their blobs are purged. Guest vouchers let one outsider
send files to the agent who made the voucher. See docs/transfers.md."""
