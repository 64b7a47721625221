extension RandomAccessCollection {
    /// The index of the first element for which `isBefore` is false, by binary search, in a
    /// collection where every element for which it is true comes first (a listing in UID order
    /// searched for a UID, say); `endIndex` when there is none.
    public func partitionPoint(where isBefore: (Element) -> Bool) -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if isBefore(self[middle]) {
                low = index(after: middle)
                count -= half + 1
            } else {
                count = half
            }
        }
        return low
    }
}
