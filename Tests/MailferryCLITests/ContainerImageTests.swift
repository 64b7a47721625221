#if os(Linux)
    import Foundation
    import Testing

    @testable import BuildInfo

    /// deploy/container: the image's file tree, as the Containerfile assembles it (assemble-rootfs),
    /// runs mailferry on its own, as the image's non-root user; the image is labelled with the
    /// version `mailferry --version` prints. (Building the image itself needs a container engine and
    /// the network; this machine has neither. The tree is assembled from the debug binary here, whose
    /// Swift runtime libraries come along, where the image has the static release binary.)
    @Suite struct ContainerImageTests {
        static var containerFolder: URL { MailferryBinary.packageRoot.appendingPathComponent("deploy/container") }

        @Test(.enabled(if: getuid() == 0, "unshare and chroot need root"))
        func imageTreeRunsMailferryAsTheNonRootUser() async throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent(
                "mailferry-rootfs-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let binary = try MailferryBinary.locate()
            let assemble = try await ToolRun.run([
                Self.containerFolder.appendingPathComponent("assemble-rootfs").path, binary.url.path, root.path,
            ])
            #expect(assemble.status == 0, "\(assemble.output)")
            #expect(FileManager.default.fileExists(atPath: root.path + "/etc/ssl/certs/ca-certificates.crt"))
            #expect(FileManager.default.isExecutableFile(atPath: root.path + "/usr/local/bin/mailferry"))
            let passwd = try String(contentsOfFile: root.path + "/etc/passwd", encoding: .utf8)
            #expect(passwd.contains(":65532:65532:"))

            // As a container runs it: only the tree (no shell, no host libraries), a /proc of its own,
            // mailferry as PID 1 of a new PID namespace, the image's non-root user.
            func inImage(_ arguments: [String]) async throws -> ToolRun {
                try await ToolRun.run(
                    [
                        "unshare", "--mount", "--pid", "--fork", "--mount-proc=\(root.path)/proc", "chroot",
                        "--userspec=65532:65532", root.path, "/usr/local/bin/mailferry",
                    ] + arguments)
            }
            let version = try await inImage(["--version"])
            #expect(version.status == 0, "\(version.output)")
            #expect(version.output == MailferryVersion.description + "\n")
            // A command that writes files: init into the image's /tmp as the non-root user.
            let initRun = try await inImage(["init", "/tmp/scaffold"])
            #expect(initRun.status == 0, "\(initRun.output)")
            #expect(FileManager.default.fileExists(atPath: root.path + "/tmp/scaffold/jobs/example.yaml"))
        }

        @Test func imageLabelsAreTheVersionMailferryPrints() async throws {
            let labels = try await ToolRun.run([
                Self.containerFolder.appendingPathComponent("build-image").path, "--print-labels",
            ])
            #expect(labels.status == 0, "\(labels.output)")
            let lines = labels.output.split(separator: "\n").map(String.init)
            #expect(lines.contains("org.opencontainers.image.version=\(MailferryVersion.release)"))
            if let commit = try await VersionTests.checkoutCommit() {
                #expect(lines.contains("org.opencontainers.image.revision=\(commit)"))
            }
            let recipe = try String(
                contentsOf: Self.containerFolder.appendingPathComponent("Containerfile"), encoding: .utf8)
            #expect(recipe.contains("swift build -c release --static-swift-stdlib"))
            #expect(recipe.contains("org.opencontainers.image.version=\"${MAILFERRY_VERSION}\""))
            #expect(recipe.contains("\nUSER 65532:65532\n"))
            #expect(recipe.contains("\nFROM scratch\n"))
        }
    }
#endif
