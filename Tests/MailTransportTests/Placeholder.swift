// Tests for MailTransport go here.
