/// `--watch [INTERVAL]`: the interval may be left out, which ArgumentParser's options cannot
/// express; a `--watch` not followed by a number gets the default interval before parsing.
enum WatchArgument {
    static let defaultInterval = "2"
    /// `apply --watch`: a pass every 5 minutes, the pace of mail arriving before an MX switch.
    static let defaultApplyInterval = "300"

    static func normalized(_ arguments: [String]) -> [String] {
        let interval = arguments.first == "apply" ? defaultApplyInterval : defaultInterval
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            result.append(argument)
            if argument == "--" {
                result += arguments[(index + 1)...]
                break
            }
            if argument == "--watch" {
                let next = index + 1 < arguments.count ? arguments[index + 1] : nil
                if next.flatMap(Double.init) == nil { result.append(interval) }
            }
            index += 1
        }
        return result
    }
}
