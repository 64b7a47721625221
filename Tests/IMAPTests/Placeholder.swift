// Tests for IMAP go here.
