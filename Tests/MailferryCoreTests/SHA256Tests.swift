import Testing

@testable import MailferryCore

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(
            SHA256.hexDigest(of: Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hexDigest(of: Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hexDigest(of: long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func incrementalEqualsWhole() {
        let data = (0..<1000).map { UInt8($0 % 251) }
        var hasher = SHA256()
        for chunk in stride(from: 0, to: data.count, by: 37) {
            hasher.update(data[chunk..<min(chunk + 37, data.count)])
        }
        #expect(hasher.hexDigest() == SHA256.hexDigest(of: data))
    }

    @Test func secretIsRedacted() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "Secret(<redacted>)")
        #expect(!"\(Mirror(reflecting: secret).children.map { "\($0.value)" })".contains("hunter2"))
        #expect(secret.revealed() == "hunter2")
    }
}
