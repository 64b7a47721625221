import ArgumentParser
import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

/// deploy/kubernetes: the manifests validate against the Kubernetes API schemas (PyPI
/// kubernetes-validate, offline), and the Indexed Job runs a command line mailferry accepts for
/// every index, over the job file and users file the manifests mount.
@Suite struct KubernetesManifestTests {
    static var folder: URL { MailferryBinary.packageRoot.appendingPathComponent("deploy/kubernetes") }

    static var manifests: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") && $0 != "kustomization.yaml" }.sorted()
    }

    /// The first document of a manifest, as JSON values.
    static func manifest(_ name: String) throws -> [String: Any] {
        try #require(try ToolRun.yamlDocuments(folder.appendingPathComponent(name).path).first as? [String: Any])
    }

    @Test func manifestsValidateAgainstTheKubernetesSchemas() async throws {
        let validator = try ToolRun.venvTool("kubernetes-validate")
        #expect(Self.manifests.count == 5, "\(Self.manifests)")
        let paths = Self.manifests.map { Self.folder.appendingPathComponent($0).path }
        // The oldest Kubernetes with backoffLimitPerIndex (GA in 1.33), and the newest the package knows.
        for version in ["1.33", "1.37"] {
            let result = try await ToolRun.run([validator, "--strict", "-k", version] + paths)
            #expect(result.status == 0, "Kubernetes \(version): \(result.output)")
            #expect(!result.output.contains("ERROR"))
        }
        let kustomization = try Self.manifest("kustomization.yaml")
        #expect((kustomization["resources"] as? [String])?.sorted() == Self.manifests)

        // The validator does reject a misspelt field.
        let job = try String(contentsOf: Self.folder.appendingPathComponent("job.yaml"), encoding: .utf8)
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mailferry-k8s-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: broken) }
        try job.replacingOccurrences(of: "  parallelism:", with: "  paralelism:").write(
            to: broken, atomically: true, encoding: .utf8)
        #expect(try await ToolRun.run([validator, "--strict", broken.path]).status != 0)
    }

    @Test func theIndexedJobRunsACommandLineMailferryAcceptsForEveryIndex() async throws {
        let job = try Self.manifest("job.yaml")
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        let completions = try #require(spec["completions"] as? Int)
        #expect((spec["parallelism"] as? Int).map { $0 >= 1 && $0 <= completions } == true)
        #expect((spec["backoffLimitPerIndex"] as? Int).map { $0 >= 0 } == true)
        let template = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        let security = try #require(template["securityContext"] as? [String: Any])
        #expect(security["runAsNonRoot"] as? Bool == true)
        #expect((security["runAsUser"] as? Int).map { $0 != 0 } == true)
        let container = try #require((template["containers"] as? [[String: Any]])?.first)
        let arguments = try #require(container["args"] as? [String])
        #expect(arguments.contains("$(JOB_COMPLETION_INDEX)/\(completions)"), "--shard K/N with N = completions")

        // Every index's command line parses into `apply --shard index/completions`.
        for index in 0..<completions {
            let concrete = arguments.map { $0.replacingOccurrences(of: "$(JOB_COMPLETION_INDEX)", with: String(index)) }
            let command = try MailferryCommand.parseAsRoot(concrete)
            let apply = try #require(command as? ApplyCommand, "\(concrete)")
            #expect(apply.sharding.shard == (try ShardSelection(index: index, count: completions)))
        }
        #expect(throws: (any Error).self) {
            try MailferryCommand.parseAsRoot(
                arguments.map { $0.replacingOccurrences(of: "$(JOB_COMPLETION_INDEX)", with: String(completions)) })
        }

        // The paths it names are mounted: the job file from the ConfigMap, the state on the volume.
        let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
        func mountPath(_ name: String) -> String? {
            mounts.first { $0["name"] as? String == name }?["mountPath"] as? String
        }
        let jobFile = try #require(arguments.first { $0.hasSuffix(".yaml") })
        let stateDirectory = try #require(arguments.firstIndex(of: "--state-dir").map { arguments[$0 + 1] })
        let volumes = try #require(template["volumes"] as? [[String: Any]])
        func volume(_ name: String) -> [String: Any]? { volumes.first { $0["name"] as? String == name } }
        let jobMount = try #require(mountPath("job-file"))
        let usersMount = try #require(mountPath("users-file"))
        #expect(jobFile.hasPrefix(jobMount + "/"))
        #expect(stateDirectory.hasPrefix(try #require(mountPath("state")) + "/"))
        let configMap = try Self.manifest("job-file.yaml")
        let usersSecret = try Self.manifest("users-file.yaml")
        let adminSecret = try Self.manifest("admin-secret.yaml")
        let claim = try Self.manifest("state-volume.yaml")
        #expect(
            (volume("job-file")?["configMap"] as? [String: Any])?["name"] as? String
                == (configMap["metadata"] as? [String: Any])?["name"] as? String)
        #expect(
            (volume("users-file")?["secret"] as? [String: Any])?["secretName"] as? String
                == (usersSecret["metadata"] as? [String: Any])?["name"] as? String)
        #expect(
            (volume("state")?["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String
                == (claim["metadata"] as? [String: Any])?["name"] as? String)
        #expect(((claim["spec"] as? [String: Any])?["accessModes"] as? [String]) == ["ReadWriteMany"])
        let environment = try #require(container["env"] as? [[String: Any]])
        let adminKeys = Set(((adminSecret["stringData"] as? [String: String]) ?? [:]).keys)
        for variable in environment {
            let reference = try #require((variable["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any])
            #expect(reference["name"] as? String == (adminSecret["metadata"] as? [String: Any])?["name"] as? String)
            #expect(adminKeys.contains(try #require(reference["key"] as? String)))
        }

        // Lay the mounted files out as the pod sees them (under a temporary root) and run the binary
        // with the same options: the job validates, and the shards together plan every user once.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("mailferry-pod-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let jobData = try #require((configMap["data"] as? [String: String])?[(jobFile as NSString).lastPathComponent])
        let usersData = try #require(usersSecret["stringData"] as? [String: String])
        try FileManager.default.createDirectory(atPath: root.path + jobMount, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root.path + usersMount, withIntermediateDirectories: true)
        try jobData.write(toFile: root.path + jobFile, atomically: true, encoding: .utf8)
        for (name, content) in usersData {
            try content.write(toFile: root.path + usersMount + "/" + name, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o400], ofItemAtPath: root.path + usersMount + "/" + name)
        }
        let binary = try MailferryBinary.locate()
        let environmentValues = Dictionary(uniqueKeysWithValues: adminKeys.map { ($0, "not-used") })
        let validate = try await binary.run(["validate", root.path + jobFile], environment: environmentValues)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        var planned: [String] = []
        for index in 0..<completions {
            let concrete = arguments.map {
                $0.replacingOccurrences(of: "$(JOB_COMPLETION_INDEX)", with: String(index))
                    .replacingOccurrences(of: jobFile, with: root.path + jobFile)
                    .replacingOccurrences(of: stateDirectory, with: root.path + stateDirectory)
            }
            // `plan --offline` with apply's options: the same job, shard and state folder, no server.
            let plan = try await binary.run(
                ["plan", "--offline", "--format", "json"] + concrete.dropFirst(), environment: environmentValues)
            #expect(plan.status == 0, "index \(index): \(plan.stderr)")
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
            planned += (document["users"] as? [[String: Any]] ?? []).compactMap { $0["source_user"] as? String }
        }
        #expect(planned.sorted() == ["alice@old.example", "bob@old.example"])
    }

    /// deploy/kubernetes/rerun-index K: the same Job as one pod running shard K of N, still valid.
    @Test func rerunIndexRunsOneShardAgain() async throws {
        let script = Self.folder.appendingPathComponent("rerun-index").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mailferry-rerun-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: output) }
        let rerun = try await ToolRun.run([script, "2"])
        #expect(rerun.status == 0, "\(rerun.output)")
        try rerun.output.write(to: output, atomically: true, encoding: .utf8)
        let validation = try await ToolRun.run([try ToolRun.venvTool("kubernetes-validate"), "--strict", output.path])
        #expect(validation.status == 0, "\(validation.output)")

        let original = try #require(try Self.manifest("job.yaml")["spec"] as? [String: Any])
        let count = try #require(original["completions"] as? Int)
        let job = try #require(try ToolRun.yamlDocuments(output.path).first as? [String: Any])
        #expect((job["metadata"] as? [String: Any])?["name"] as? String == "mailferry-fleet-index-2")
        let spec = try #require(job["spec"] as? [String: Any])
        #expect(spec["completions"] as? Int == 1)
        #expect(spec["parallelism"] as? Int == 1)
        let template = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        // The host name the Indexed Job gives index 2, so that a run its killed pod left is seen as dead.
        #expect(template["hostname"] as? String == "mailferry-fleet-2")
        let arguments = try #require((template["containers"] as? [[String: Any]])?.first?["args"] as? [String])
        let apply = try #require(try MailferryCommand.parseAsRoot(arguments) as? ApplyCommand)
        #expect(apply.sharding.shard == (try ShardSelection(index: 2, count: count)))

        #expect(try await ToolRun.run([script, String(count)]).status == 1)
        #expect(try await ToolRun.run([script, "two"]).status == 1)
    }
}
