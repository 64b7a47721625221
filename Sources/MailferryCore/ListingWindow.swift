/// Where the next part of a folder's listing starts, for listing a large folder a window at a time
/// (`SourceStore.summaries(in:identified:window:)`): the messages from UID `first` on, about `size`
/// of them. A store keeps what it learnt about the folder's UIDs in it, to size the next window.
public struct ListingWindow: Sendable, Hashable {
    /// The lowest UID this window lists.
    public var first: UInt32
    /// About how many messages a window holds.
    public var size: Int
    /// How many UIDs the next window spans (a store's guess from how dense the UIDs were so far);
    /// nil before the first window.
    public var span: UInt32?
    /// UIDNEXT when the listing began: the window that reaches it lists everything to the end.
    public var end: UInt32?
    /// UIDVALIDITY when the listing began (the source keys of every window are made with it).
    public var uidValidity: UInt32?

    public init(first: UInt32 = 1, size: Int) {
        self.first = first
        self.size = max(1, size)
    }
}
