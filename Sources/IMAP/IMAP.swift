// IMAP4rev1 client.
