import Foundation
import NIOSSL
import TestSupport

/// A throw-away self-signed certificate made with the openssl CLI.
struct TestCertificate {
    let directory: URL
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }
    var keyPath: String { directory.appendingPathComponent("key.pem").path }

    /// - Parameter subjectAltName: e.g. `DNS:localhost,IP:127.0.0.1,IP:::1`.
    static func make(subjectAltName: String) throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mailferry-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = TestCertificate(directory: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=mailferry test", "-addext", "subjectAltName=\(subjectAltName)",
            "-keyout", certificate.keyPath, "-out", certificate.certificatePath,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard process.waitForEnd() == .exited(0) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return certificate
    }

    func serverContext() throws -> NIOSSLContext {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
