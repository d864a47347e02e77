/// One value of a series at a training step.
public struct PlotPoint: Sendable, Equatable {
    public var step: Int
    public var value: Double

    public init(step: Int, value: Double) {
        self.step = step
        self.value = value
    }
}

/// A named series drawn in its theme role's colour (`.loss`, `.accuracy`, ...).
public struct PlotSeries: Sendable, Equatable {
    public var label: String
    /// The label where the legend has no room for `label` ("acc" for "test acc").
    public var shortLabel: String
    public var role: Theme.Role
    public var points: [PlotPoint]
    /// Series with the same scale share one y range (the same quantity of two runs); nil:
    /// a scale of its own.
    public var scale: Int?
    /// A glyph set on the line every few cells and in the legend ("━◆ B loss"): another run's
    /// line told from the first's without colour (`--color never`, the monochrome theme).
    public var mark: Character?

    public init(label: String, shortLabel: String? = nil, role: Theme.Role, points: [PlotPoint], scale: Int? = nil,
                mark: Character? = nil) {
        self.label = label
        self.shortLabel = shortLabel ?? label
        self.role = role
        self.points = points
        self.scale = scale
        self.mark = mark
    }
}

/// Series over steps as braille lines (the Loss panel: loss and accuracy).
///
/// Layout, top to bottom: a legend line ("━ loss 0.312  ━ accuracy 0.881", each in its
/// series' colour, with its latest value), the plot, and (from 5 rows) the first and last
/// step. Every series is scaled to its own y range, so loss and accuracy both fill the
/// height, except that series given the same `scale` share one (another run's loss on the
/// loss's): the first series' range is labelled on the left, the second's on the right
/// (unless it shares the first's scale), each label in its series' colour. Non-finite values break a line. A series' range
/// leaves out an early spike (`valueRange`): LeNet-5's first loss of 5 no longer flattens
/// the rest; such values are drawn at the top edge. Markers (mask updates) are ticks
/// (`▲`) in the `.warning` colour along the bottom row, under the step labels, named in
/// the legend ("▲ mask update") when it has room: as lines across the plot, frequent
/// updates (every step for SWAT) filled it. A series with a `mark` (another run's) has its
/// glyph on the line every `markSpacing` cells or more, over the braille, and in its legend entry.
public struct LinePlotView: Widget {
    public var series: [PlotSeries]
    public var markers: [Int]

    public init(series: [PlotSeries], markers: [Int] = []) {
        self.series = series
        self.markers = markers
    }

    /// Each series' y range: that of every series on its scale.
    static func ranges(_ series: [PlotSeries]) -> [ClosedRange<Double>?] {
        series.indices.map { index in
            guard let scale = series[index].scale else { return valueRange(series[index].points) }
            return valueRange(series.filter { $0.scale == scale }.flatMap(\.points).sorted { $0.step < $1.step })
        }
    }

    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        let area = rect.intersection(screen.bounds)
        guard !area.isEmpty else { return }
        Self.drawLegend(into: &screen, rect: area, series: series, marks: !markers.isEmpty, theme: theme, glyphs: glyphs)
        let stepLabelRows = area.height >= 5 ? 1 : 0
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1 - stepLabelRows)
        guard !body.isEmpty else { return }

        let ranges = Self.ranges(series)
        // The second series' range on the right, unless it is on the first's scale.
        let rightAxis = series.count > 1 && (series[1].scale == nil || series[1].scale != series[0].scale)
        let steps = series.flatMap(\.points).map(\.step)
        guard let firstStep = steps.min(), let lastStep = steps.max() else { return }

        let leftWidth = ranges.first.flatMap { $0 }.map { Self.labelWidth($0) } ?? 0
        let rightWidth = rightAxis ? ranges[1].map { Self.labelWidth($0) } ?? 0 : 0
        let showsLabels = body.width >= leftWidth + rightWidth + 6 && body.height >= 2
        var plot = body
        if showsLabels {
            plot = Rect(x: body.x + leftWidth + (leftWidth > 0 ? 1 : 0), y: body.y,
                        width: body.width - leftWidth - rightWidth - (leftWidth > 0 ? 1 : 0) - (rightWidth > 0 ? 1 : 0),
                        height: body.height)
            if let range = ranges.first.flatMap({ $0 }) {
                let style = theme.style(series[0].role)
                Self.putRight(&screen, WidgetNumberFormat.axis(range.upperBound), rightEdge: body.x + leftWidth, y: plot.y, style: style, clip: body)
                Self.putRight(&screen, WidgetNumberFormat.axis(range.lowerBound), rightEdge: body.x + leftWidth, y: plot.maxY - 1, style: style, clip: body)
            }
            if rightAxis, let range = ranges[1] {
                let style = theme.style(series[1].role)
                screen.put(WidgetNumberFormat.axis(range.upperBound), x: plot.maxX + 1, y: plot.y, style: style, clip: body)
                screen.put(WidgetNumberFormat.axis(range.lowerBound), x: plot.maxX + 1, y: plot.maxY - 1, style: style, clip: body)
            }
        }
        guard !plot.isEmpty else { return }

        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        let span = Double(lastStep - firstStep)
        func pixelX(_ step: Int) -> Int {
            span == 0 ? 0 : Int((Double(step - firstStep) / span * Double(canvas.pixelWidth - 1)).rounded())
        }
        let markerStyle = CellStyle(foreground: theme.color(.warning), dim: theme.isMonochrome)
        let markerRow = stepLabelRows == 1 ? area.maxY - 1 : plot.maxY - 1
        for step in markers where step >= firstStep && step <= lastStep {
            screen[plot.x + pixelX(step) / 2, markerRow] = Cell(Self.markerGlyph(glyphs), style: markerStyle)
        }
        var marks: [(x: Int, y: Int, mark: Character, role: Theme.Role)] = []
        for (index, line) in series.enumerated() {
            guard let range = ranges[index] else { continue }
            let color = theme.color(line.role)
            func pixelY(_ value: Double) -> Int {
                let clamped = min(max(value, range.lowerBound), range.upperBound)
                return Int(((range.upperBound - clamped) / (range.upperBound - range.lowerBound) * Double(canvas.pixelHeight - 1)).rounded())
            }
            var previous: (x: Int, y: Int)?
            var lastMarkColumn = Int.min / 2
            for point in line.points {
                guard point.value.isFinite else { previous = nil; continue }
                let pixel = (x: pixelX(point.step), y: pixelY(point.value))
                if let previous { canvas.line(from: previous, to: pixel, color: color) } else { canvas.set(x: pixel.x, y: pixel.y, color: color) }
                previous = pixel
                if let mark = line.mark, pixel.x / 2 >= lastMarkColumn + Self.markSpacing {
                    lastMarkColumn = pixel.x / 2
                    marks.append((pixel.x / 2, pixel.y / 4, mark, line.role))
                }
            }
        }
        canvas.draw(into: &screen, x: plot.x, y: plot.y, clip: plot, glyphs: glyphs)
        for mark in marks {
            screen.put(String(mark.mark), x: plot.x + mark.x, y: plot.y + mark.y, style: theme.style(mark.role, bold: true), clip: plot)
        }

        if stepLabelRows == 1 {
            let y = area.maxY - 1, style = theme.style(.inactive)
            screen.put(WidgetNumberFormat.count(firstStep) + " ", x: plot.x, y: y, style: style, clip: area)
            let last = WidgetNumberFormat.count(lastStep)
            if plot.width >= WidgetNumberFormat.count(firstStep).count + last.count + 1 {
                Self.putRight(&screen, last, rightEdge: plot.maxX, y: y, style: style, clip: area)
            }
        }
    }

    static func markerGlyph(_ glyphs: Glyphs) -> Character { glyphs.isUnicode ? "▲" : "^" }

    /// Cells from one of a series' marks to its next, at least.
    static let markSpacing = 4

    /// The y range a series is scaled to: its finite values, widened when flat; nil when
    /// empty. An early spike is left out: when the values of the first 5% of the steps
    /// reach more than twice as far above the rest's low as the rest's high does (the
    /// first losses of an untrained LeNet-5), the range is the rest's.
    public static func valueRange(_ points: [PlotPoint]) -> ClosedRange<Double>? {
        let finite = points.filter(\.value.isFinite)
        var values = finite.map(\.value)
        if let first = finite.first?.step, let last = finite.last?.step, last > first, finite.count >= 20 {
            let settled = finite.filter { $0.step >= first + (last - first) / 20 }.map(\.value)
            if let low = settled.min(), let high = settled.max(), let peak = values.max(), peak - low > 2 * (high - low) {
                values = settled
            }
        }
        guard let low = values.min(), let high = values.max() else { return nil }
        if high > low { return low...high }
        let pad = low == 0 ? 1 : abs(low) * 0.1
        return (low - pad)...(high + pad)
    }

    private static func labelWidth(_ range: ClosedRange<Double>) -> Int {
        max(WidgetNumberFormat.axis(range.lowerBound).count, WidgetNumberFormat.axis(range.upperBound).count)
    }

    private static func drawLegend(into screen: inout Screen, rect: Rect, series: [PlotSeries], marks: Bool, theme: Theme, glyphs: Glyphs) {
        let line = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1)
        let (items, gap) = legendItems(series, width: rect.width, glyphs: glyphs)
        var x = rect.x
        for (index, item) in items.enumerated() {
            let style = theme.style(series[index].role, bold: theme.isMonochrome && index == 0)
            x = screen.put(item, x: x, y: rect.y, style: style, clip: line) + gap
        }
        let markerEntry = "\(markerGlyph(glyphs)) mask update"
        if marks, items.count == series.count, x + markerEntry.count <= line.maxX {
            screen.put(markerEntry, x: x, y: rect.y, style: CellStyle(foreground: theme.color(.warning), dim: theme.isMonochrome), clip: line)
        }
    }

    /// The legend's entries, each whole ("━ test acc 0.917"): full labels two spaces apart
    /// when they fit, else short labels, else one space apart, else the first entries that
    /// fit whole. An entry is never cut, so a value never reads as another ("test acc 0").
    static func legendItems(_ series: [PlotSeries], width: Int, glyphs: Glyphs) -> (items: [String], gap: Int) {
        let line = glyphs.isUnicode ? "━" : "-"
        func items(short: Bool) -> [String] {
            series.map { item in
                let latest = item.points.last(where: { $0.value.isFinite }).map { " " + WidgetNumberFormat.axis($0.value) } ?? ""
                return line + (item.mark.map(String.init) ?? "") + " " + (short ? item.shortLabel : item.label) + latest
            }
        }
        func length(_ entries: [String], gap: Int) -> Int { entries.reduce(0) { $0 + $1.count } + gap * max(entries.count - 1, 0) }
        for (short, gap) in [(false, 2), (true, 2), (true, 1)] where length(items(short: short), gap: gap) <= width {
            return (items(short: short), gap)
        }
        var fitting: [String] = []
        for entry in items(short: true) {
            guard length(fitting + [entry], gap: 1) <= width else { break }
            fitting.append(entry)
        }
        if fitting.isEmpty, let first = items(short: true).first { fitting = [first] }  // clipped: better than nothing
        return (fitting, 1)
    }

    private static func putRight(_ screen: inout Screen, _ text: String, rightEdge: Int, y: Int, style: CellStyle, clip: Rect) {
        screen.put(text, x: rightEdge - text.count, y: y, style: style, clip: clip)
    }
}
