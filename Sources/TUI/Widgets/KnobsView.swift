import Foundation
import Training

/// The values the Knobs panel shows, one string per knob, from the run's method, target,
/// schedule (begin, end, frequency and exponent where the schedule has them), layer budget
/// and learning rate.
public struct KnobValues: Sendable, Equatable {
    public var values: [Knob: String]
    /// Knobs the run does not take: drawn as unavailable, whatever their value.
    public var unavailable: Set<Knob> = []

    public init(_ values: [Knob: String] = [:], unavailable: Set<Knob> = []) {
        self.values = values
        self.unavailable = unavailable
    }

    /// A schedule without the knob (constant, or nil when unknown) shows its name on the
    /// "schedule begin" row and a dash on the rows it lacks.
    public init(method: String, target: Double, schedule: SparsitySchedule?, scheduleName: String? = nil,
                budget: String, learningRate: Float, pace: String = RunPace.fullSpeed.description) {
        var values: [Knob: String] = [
            .method: method,
            .target: Format.fraction(target),
            .budget: budget,
            .learningRate: Self.learningRate(learningRate),
            .pace: pace,
        ]
        switch schedule {
        case let .polynomial(_, begin, end, frequency, exponent)?:
            values[.scheduleBegin] = Format.grouped(begin)
            values[.scheduleEnd] = Format.grouped(end)
            values[.frequency] = Format.grouped(frequency)
            values[.exponent] = String(format: "%g", exponent)
        case let .oneShot(atStep)?:
            values[.scheduleBegin] = Format.grouped(atStep)
            values[.scheduleEnd] = Format.grouped(atStep)
        case let .iterative(rounds, stepsPerRound)?:
            values[.scheduleBegin] = Format.grouped(stepsPerRound)
            values[.scheduleEnd] = Format.grouped(rounds * stepsPerRound)
            values[.frequency] = Format.grouped(stepsPerRound)
        case .constant?, nil:
            if let name = scheduleName ?? schedule?.name { values[.scheduleBegin] = name }
        }
        self.values = values
    }

    /// `replaySpeed`: a replay's speed, shown on the pace row instead of the live pace.
    public init(snapshot: TrainingSnapshot, replaySpeed: Double? = nil, unavailable: Set<Knob> = []) {
        let sparsity = snapshot.sparsity
        self.init(method: sparsity.method, target: sparsity.target, schedule: sparsity.activeSchedule,
                  scheduleName: sparsity.schedule, budget: sparsity.activeBudget.name, learningRate: snapshot.baseLearningRate,
                  pace: replaySpeed.map { "replay \(ReplaySource.format($0))x" } ?? snapshot.pace.description)
        self.unavailable = unavailable
    }

    /// What an unavailable knob shows instead of a value.
    public static let unavailableText = "unavailable"

    /// "0.05", "0.001", "3e-05".
    static func learningRate(_ rate: Float) -> String { Format.rate(rate) }

    /// The value shown for `knob`; nil when it is not known (drawn as a dash).
    public subscript(knob: Knob) -> String? { unavailable.contains(knob) ? Self.unavailableText : values[knob] }
}

/// The Knobs panel's contents: one row per knob (name left, value right), the selected
/// knob highlighted, and a hint line at the bottom. When the panel is too short for every
/// knob it scrolls to keep the selected one in view.
public struct KnobsView: Widget {
    public var values: KnobValues
    public var selectedKnob: Int

    public init(_ values: KnobValues, selectedKnob: Int) {
        self.values = values
        self.selectedKnob = selectedKnob
    }

    /// `area` is the panel's inner rect (inside the frame).
    public func render(into screen: inout Screen, area rect: Rect, theme: Theme, glyphs: Glyphs) {
        guard !rect.isEmpty else { return }
        let knobs = Knob.allCases
        let visible = Self.visibleKnobs(selectedKnob: selectedKnob, rows: Self.knobRows(innerHeight: rect.height))
        for (row, index) in visible.enumerated() {
            let knob = knobs[index], y = rect.y + row
            let selected = index == selectedKnob
            let value = values[knob], isAvailable = !values.unavailable.contains(knob)
            var labelStyle = theme.style(isAvailable ? .foreground : .inactive)
            var valueStyle = theme.style(value == nil || !isAvailable ? .inactive : .highlight, bold: value != nil && isAvailable)
            if selected {
                let chosen = CellStyle(foreground: theme.color(.selectedForeground), background: theme.color(.selectedBackground),
                                       bold: true, reverse: theme.isMonochrome)
                labelStyle = chosen
                valueStyle = chosen
                screen.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), with: Cell(" ", style: chosen))
            }
            let valueText = Self.fitted(value ?? "-", width: max(rect.width - 3, 1), glyphs: glyphs)
            let valueX = rect.maxX - 1 - valueText.count
            let fitsFullLabel = knob.rawValue.count + valueText.count + 3 <= rect.width
            screen.put(fitsFullLabel ? knob.rawValue : Self.shortLabel(knob), x: rect.x + 1, y: y, style: labelStyle,
                       clip: Rect(x: rect.x, y: y, width: max(valueX - 1 - rect.x, 0), height: 1))
            screen.put(valueText, x: valueX, y: y, style: valueStyle, clip: rect)
        }
        if rect.height >= 2 {
            screen.put(Self.hint(glyphs, width: rect.width - 2), x: rect.x + 1, y: rect.maxY - 1, style: CellStyle(foreground: theme.color(.inactive), dim: theme.isMonochrome),
                       clip: Rect(x: rect.x, y: rect.maxY - 1, width: rect.width - 1, height: 1))
        }
    }

    /// The label when the full one and the value do not both fit.
    public static func shortLabel(_ knob: Knob) -> String {
        switch knob {
        case .method: "method"
        case .target: "target"
        case .scheduleBegin: "begin"
        case .scheduleEnd: "end"
        case .frequency: "every"
        case .exponent: "exponent"
        case .budget: "budget"
        case .learningRate: "lr"
        case .pace: "pace"
        }
    }

    /// "←/→ change  Enter type a value", shortened to fit `width`.
    public static func hint(_ glyphs: Glyphs, width: Int = .max) -> String {
        let arrows = glyphs.isUnicode ? "←/→" : "</>"
        let wordings = ["\(arrows) change  Enter type a value", "\(arrows) change  Enter type", "\(arrows) change"]
        return wordings.first { $0.count <= width } ?? wordings[wordings.count - 1]
    }

    /// Rows available for knobs in an inner rect this high (the last row is the hint).
    public static func knobRows(innerHeight: Int) -> Int {
        innerHeight >= 2 ? innerHeight - 1 : innerHeight
    }

    /// The knob indices shown in `rows` rows: all of them when they fit, else a window
    /// that holds the selected knob (as low in the window as needed, no lower).
    public static func visibleKnobs(selectedKnob: Int, rows: Int) -> Range<Int> {
        let count = Knob.allCases.count
        guard rows < count else { return 0..<count }
        guard rows > 0 else { return 0..<0 }
        let selected = min(max(selectedKnob, 0), count - 1)
        let first = max(0, min(selected - rows + 1, count - rows))
        return first..<(first + rows)
    }

    /// The knob on screen row `y` of a Knobs panel framed at `panel` (frame included);
    /// nil on the frame, the hint line or an empty row.
    public static func knob(atX x: Int, y: Int, in panel: Rect, selectedKnob: Int) -> Int? {
        let inner = panel.inset(by: 1)
        guard inner.contains(x: x, y: y) else { return nil }
        let visible = visibleKnobs(selectedKnob: selectedKnob, rows: knobRows(innerHeight: inner.height))
        let row = y - inner.y
        return row < visible.count ? visible.lowerBound + row : nil
    }

    /// `text`, shortened with an ellipsis to at most `width` characters.
    static func fitted(_ text: String, width: Int, glyphs: Glyphs) -> String {
        guard text.count > width else { return text }
        let ellipsis = glyphs.isUnicode ? "…" : "."
        return width <= 1 ? String(text.prefix(width)) : String(text.prefix(width - 1)) + ellipsis
    }
}
