import Testing

@testable import MailferryCore

@Suite struct SHA256HasherTests {
    @Test func knownVectors() {
        #expect(
            SHA256Hasher.hexDigest(of: Array("".utf8))
                == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256Hasher.hexDigest(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256Hasher.hexDigest(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func incrementalEqualsWhole() {
        let data = (0..<1000).map { UInt8($0 % 251) }
        var hasher = SHA256Hasher()
        for chunk in stride(from: 0, to: data.count, by: 37) {
            hasher.update(data[chunk..<min(chunk + 37, data.count)])
        }
        #expect(hasher.hexDigest() == SHA256Hasher.hexDigest(of: data))
        // A sequence without contiguous storage, and text, hash as their bytes do.
        var lazy = SHA256Hasher()
        lazy.update(data.lazy.map { $0 })
        #expect(lazy.hexDigest() == SHA256Hasher.hexDigest(of: data))
        var text = SHA256Hasher()
        text.update("Zoë")
        #expect(text.hexDigest() == SHA256Hasher.hexDigest(of: Array("Zoë".utf8)))
    }

    @Test func secretIsRedacted() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "Secret(<redacted>)")
        #expect(!"\(Mirror(reflecting: secret).children.map { "\($0.value)" })".contains("hunter2"))
        #expect(secret.revealed() == "hunter2")
    }
}
