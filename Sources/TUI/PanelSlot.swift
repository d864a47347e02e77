/// Where a panel sits in one arrangement of the dashboard: a band of it, its place along
/// the band, and how much of the band it takes. The top and bottom bands lay their panels
/// out left to right, the side column top to bottom (`DashboardLayout`).
public struct PanelSlot: Sendable, Equatable {
    public enum Band: Sendable, Equatable {
        case top, bottom
        /// The right-hand column of the medium and large arrangements.
        case side
    }

    public enum Size: Sendable, Equatable {
        /// `numerator / denominator` of what the panels before it left of the band.
        case share(Int, of: Int)
        /// A fixed number of columns (rows in the side column).
        case cells(Int)
        /// An even part of what the shares and fixed sizes leave, with the band's other
        /// `.rest` panels: a panel added to a band this way takes room from those alone.
        case rest
    }

    public var band: Band
    /// Its place along the band, from the left (the top in the side column).
    public var order: Int
    public var size: Size

    public init(_ band: Band, order: Int, _ size: Size) {
        self.band = band
        self.order = order
        self.size = size
    }
}
