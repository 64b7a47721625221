/// The files `mailferry init` writes. The job validates as is (with its users file), so that the
/// first `validate` after `init` already passes.
enum InitTemplates {
    static let jobPath = "jobs/example.yaml"
    static let usersPath = "users/example.csv"
    static let gitignorePath = ".gitignore"

    static let job = """
        # yaml-language-server: $schema=../schemas/job.schema.json
        # A mailferry job: where mail comes from, where it goes, and for which mailboxes.
        # Check it:            mailferry validate jobs/example.yaml
        # See what would move: mailferry plan --offline jobs/example.yaml
        # Editor completion:   mkdir -p schemas && mailferry schema > schemas/job.schema.json
        version: 1
        name: example
        source:
          host: mail.old.example
          protocol: auto            # INBOX over POP3, other folders over IMAP4
          starttls: required
        destination:
          imap:
            host: mail.new.example
            port: 993
            security: tls
            admin:                  # log in to every mailbox as this (Dovecot master) user
              user: migrator
              password: env:DEST_ADMIN_PASSWORD
              style: separator
              separator: "*"
        folders:
          skip: [Trash, "Junk*"]
          translate:
            "Sent Items": Sent
        users:
          file: ../users/example.csv  # relative to this file; never commit it
          destination_domain: new.example
        options:
          concurrency: 4
          retries: 3

        """

    static let users = """
        # mailferry users file: one mailbox per line, fields separated by the job's delimiter (","):
        #   source_user,source_password[,local_user[,local_password]]
        # local_user defaults to source_user; "@<destination_domain>" is added when it has no "@".
        # local_password only for an IMAP destination without `admin`.
        # Lines starting with # and blank lines are ignored; quote fields as in CSV when needed.
        # This file holds passwords: keep it mode 0600 and out of git (init's .gitignore does that).
        alice@old.example,change-me-alice,alice

        """

    static let gitignore = """
        # mailferry: users files hold passwords; run state is per machine.
        users/
        .mailferry/

        """
}
