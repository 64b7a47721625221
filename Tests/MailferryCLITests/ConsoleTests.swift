import Foundation
import Testing

@testable import MailferryCLI

@Suite struct ConsoleTests {
    @Test func noColorsWithoutATerminalOrWithNoColorSet() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mailferry-console-\(UUID().uuidString)")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try FileHandle(forWritingTo: url)
        defer { try? file.close() }
        #expect(!Console.colorsEnabled(fileDescriptor: file.fileDescriptor, environment: [:]))
        #expect(!Console.colorsEnabled(fileDescriptor: 1, environment: ["NO_COLOR": "1"]))
        #expect(!Console.colorsEnabled(fileDescriptor: 1, environment: ["NO_COLOR": ""]))
    }
}
