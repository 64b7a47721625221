import CLibFuzzer

/// libFuzzer entry point: the input is a server's byte stream, checked by the same properties as
/// the fixed-seed tests (no crash, no hang, bounded buffers, same outcome whole and split).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIMAPResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // The split points derive from the input itself, so every crash file replays exactly.
    var random = SplitMix64(seed: fingerprint(bytes))
    let cuts = ByteMutator.cuts(count: bytes.count, &random)
    if let violation = IMAPParserProperties.check(bytes, cuts: cuts) {
        fatalError("property violated (cuts \(cuts)): \(violation)")
    }
    return 0
}

/// SwiftPM links an executable on Linux with `main` aliased to `<module>_main`, so libFuzzer's own
/// `main` is not linked in: start its driver from here.
@_cdecl("fuzz_imap_response_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzIMAPResponse)
}
