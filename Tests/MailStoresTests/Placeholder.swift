// Tests for MailStores go here.
