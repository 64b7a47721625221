import Foundation
import PackagePlugin

/// Writes `BuildCommit.swift` (the git commit this build comes from) into the BuildInfo target before
/// every build, with scripts/build-commit. A prebuild command, so that a new commit is seen without
/// any declared input; the script rewrites the file only when the commit changed, so an unchanged
/// checkout compiles nothing again. No git or no checkout (a source tarball): "unknown commit".
@main
struct BuildCommitPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = context.package.directoryURL.appending(path: "scripts/build-commit")
        return [
            .prebuildCommand(
                displayName: "Recording the git commit of mailferry",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    script.path(percentEncoded: false), context.package.directoryURL.path(percentEncoded: false),
                    output.appending(path: "BuildCommit.swift").path(percentEncoded: false),
                ],
                outputFilesDirectory: output)
        ]
    }
}
