import CLibFuzzer
import MailferryCore

/// libFuzzer entry point: a generated users file with known passwords (seeded by the input) with
/// the raw input spliced in as extra lines; diagnostics must point inside the file and never
/// contain a password.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUsersFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var random = SplitMix64(seed: fingerprint(bytes))
    let generated = JobSpecProperties.randomUsersFile(&random)
    var lines = generated.lines
    let spliced = TextLines.split(String(decoding: bytes, as: UTF8.self)).map(String.init)
    lines.insert(contentsOf: spliced, at: random.below(lines.count + 1))
    // Joined anew with mixed LF, CR LF and CR; the property compares it with each single convention.
    let file = JobSpecProperties.UsersFile(
        lines: lines, byteOrderMark: generated.byteOrderMark, delimiter: generated.delimiter,
        secrets: generated.secrets, &random)
    if let violation = JobSpecProperties.checkUsersFile(file, &random) {
        fatalError("property violated: \(violation)")
    }
    return 0
}

/// SwiftPM links an executable on Linux with `main` aliased to `<module>_main`, so libFuzzer's own
/// `main` is not linked in: start its driver from here.
@_cdecl("fuzz_users_file_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzUsersFile)
}
