import CLibFuzzer
import Foundation
import JobSpec

/// A scratch copy of jobs/ (example users files included), made once per process.
private let workspace: JobSpecProperties.Workspace = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    do {
        return try JobSpecProperties.Workspace(repository: repository)
    } catch {
        fatalError("cannot copy \(repository.path)/jobs: \(error)")
    }
}()

private let loader = JobLoader(gitTrackedCheck: { _ in false })

/// libFuzzer entry point: the input is a job file next to the example users files.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJobFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let result = loader.load(jobFile: workspace.jobPath, contents: text)
    if let violation = JobSpecProperties.checkDiagnostics(
        result.diagnostics, files: workspace.knownFiles(job: text), secrets: workspace.secrets)
    {
        fatalError("property violated: \(violation)")
    }
    if let violation = JobSpecProperties.checkJobLineEndings(text, loader: loader, path: workspace.jobPath) {
        fatalError("property violated: \(violation)")
    }
    return 0
}

/// SwiftPM links an executable on Linux with `main` aliased to `<module>_main`, so libFuzzer's own
/// `main` is not linked in: start its driver from here.
@_cdecl("fuzz_job_file_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzJobFile)
}
