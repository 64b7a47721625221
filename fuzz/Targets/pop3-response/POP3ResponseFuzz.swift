import CLibFuzzer
import POP3

/// libFuzzer entry point: the input is a server's byte stream; the announced response shapes and
/// the split points derive from the input, so every crash file replays exactly.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPOP3Response(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var random = SplitMix64(seed: fingerprint(bytes))
    let shapes = POP3FramerProperties.shapes([.singleLine], &random)
    let cuts = ByteMutator.cuts(count: bytes.count, &random)
    if let violation = POP3FramerProperties.check(bytes, shapes: shapes, cuts: cuts) {
        fatalError("property violated (shapes \(shapes), cuts \(cuts)): \(violation)")
    }
    return 0
}

/// SwiftPM links an executable on Linux with `main` aliased to `<module>_main`, so libFuzzer's own
/// `main` is not linked in: start its driver from here.
@_cdecl("fuzz_pop3_response_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzPOP3Response)
}
