"""Modified UTF-7 (RFC 3501 section 5.1.3) for IMAP mailbox names, stdlib only.

Shared by scripts/corpus.py and scripts/compare-mailboxes.py, which must not depend on mailferry's
own codec: they judge its results.
"""

import base64


def encode(text: str) -> str:
    """Unicode mailbox name -> modified UTF-7 (the form Dovecot keeps on disk and sends on the wire)."""
    out = []
    pending = []

    def flush():
        if pending:
            raw = "".join(pending).encode("utf-16-be")
            b64 = base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",")
            out.append("&" + b64 + "-")
            pending.clear()

    for ch in text:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def decode(name: str) -> str:
    """Modified UTF-7 -> Unicode. Invalid sequences raise ValueError."""
    out = []
    i = 0
    while i < len(name):
        ch = name[i]
        if ch != "&":
            out.append(ch)
            i += 1
            continue
        end = name.find("-", i + 1)
        if end < 0:
            raise ValueError(f"unterminated '&' in mailbox name {name!r}")
        chunk = name[i + 1 : end]
        if chunk == "":
            out.append("&")
        else:
            b64 = chunk.replace(",", "/")
            b64 += "=" * (-len(b64) % 4)
            raw = base64.b64decode(b64, validate=True)
            if len(raw) % 2:
                raise ValueError(f"odd UTF-16 length in mailbox name {name!r}")
            out.append(raw.decode("utf-16-be"))
        i = end + 1
    return "".join(out)
