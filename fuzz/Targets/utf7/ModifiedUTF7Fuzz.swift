import CLibFuzzer

/// libFuzzer entry point: the input is read both as a wire name to decode and as a name to round-trip.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModifiedUTF7(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let violation = ModifiedUTF7Properties.checkDecode(text) { fatalError("decode: \(violation)") }
    if let violation = ModifiedUTF7Properties.checkRoundTrip(text) { fatalError("round trip: \(violation)") }
    return 0
}

/// SwiftPM links an executable on Linux with `main` aliased to `<module>_main`, so libFuzzer's own
/// `main` is not linked in: start its driver from here.
@_cdecl("fuzz_utf7_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzModifiedUTF7)
}
