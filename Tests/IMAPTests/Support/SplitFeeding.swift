import IMAP
import NIOCore

/// Feeds a transcript to a fresh parser in different chunkings and returns the responses with
/// streamed body chunks merged, so that every chunking must give the same answer.
enum SplitFeeding {
    enum Outcome: Equatable {
        case responses([IMAPResponse])
        case failed(IMAPDecodingError)
    }

    /// Parses `chunks` in order; literal chunk boundaries are normalised away.
    static func parse(_ chunks: [[UInt8]], limits: IMAPLimits = IMAPLimits()) -> Outcome {
        var parser = IMAPResponseParser(limits: limits)
        var responses: [IMAPResponse] = []
        do {
            for chunk in chunks {
                parser.append(ByteBuffer(bytes: chunk))
                while let response = try parser.next() {
                    if case .fetchBodyBytes(var bytes) = response, case .fetchBodyBytes(var previous) = responses.last {
                        previous.writeBuffer(&bytes)
                        responses[responses.count - 1] = .fetchBodyBytes(previous)
                    } else {
                        responses.append(response)
                    }
                }
            }
        } catch {
            return .failed(error)
        }
        return .responses(responses)
    }

    /// All chunkings to try: whole, one byte at a time, and split in two at every position.
    static func chunkings(of bytes: [UInt8]) -> [(String, [[UInt8]])] {
        var result: [(String, [[UInt8]])] = [("whole", [bytes]), ("bytewise", bytes.map { [$0] })]
        for split in 1..<max(bytes.count, 1) {
            result.append(("split at \(split)", [Array(bytes[..<split]), Array(bytes[split...])]))
        }
        return result
    }

    /// The outcome of feeding the transcript whole, after checking every other chunking agrees.
    /// Returns the chunkings that disagreed (empty on success).
    static func verify(_ transcript: String, limits: IMAPLimits = IMAPLimits()) -> (Outcome, [String]) {
        let bytes = Array(transcript.utf8)
        let reference = parse([bytes], limits: limits)
        var disagreeing: [String] = []
        for (name, chunks) in chunkings(of: bytes) where parse(chunks, limits: limits) != reference {
            disagreeing.append(name)
        }
        return (reference, disagreeing)
    }
}
