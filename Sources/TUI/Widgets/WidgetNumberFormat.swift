import Foundation

/// How the data widgets write numbers: short, locale-independent, and in ASCII when the
/// glyph set is ASCII.
enum WidgetNumberFormat {
    /// An axis value in at most three significant digits: "0.2", "-0.05", "1.2e+03".
    static func axis(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if value == 0 { return "0" }
        return String(format: "%.3g", value)
    }

    /// A fraction as a percentage: 0.9 -> "90.0%".
    /// "90.0%"; a fraction short of 1 (or above 0) never rounds to "100%" (or "0%"): with
    /// `digits` 0, 99.8% reads ">99%" and 0.2% "<1%".
    static func percent(_ fraction: Double, digits: Int = 1) -> String {
        guard fraction.isFinite else { return "n/a" }
        let text = String(format: "%.\(digits)f%%", fraction * 100)
        let step = pow(10, -Double(digits)) / 100
        if fraction < 1, fraction > 1 - step / 2 { return ">" + String(format: "%.\(digits)f%%", (1 - step) * 100) }
        if fraction > 0, fraction < step / 2 { return "<" + String(format: "%.\(digits)f%%", step * 100) }
        return text
    }

    /// A speedup factor: "5.6×" (ASCII "5.6x"); infinite as "∞×"/"inf x".
    static func factor(_ value: Double, glyphs: Glyphs) -> String {
        let times = glyphs.isUnicode ? "×" : "x"
        guard value.isFinite else { return value.isNaN ? "n/a" : (glyphs.isUnicode ? "∞" : "inf ") + times }
        return String(format: value >= 100 ? "%.0f" : "%.1f", value) + times
    }

    /// A step count with thousands separators: 12345 -> "12,345".
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// A size in bits as decimal bytes: "940 B", "1.2 kB", "3.4 MB", "1.1 GB".
    static func bytes(bits: Int) -> String {
        let bytes = Double(bits) / 8
        for (unit, scale) in [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] where bytes >= scale {
            return String(format: "%.1f", bytes / scale) + " " + unit
        }
        return String(format: "%.0f B", bytes)
    }

    /// A multiply-add count in three significant digits with an SI prefix: "940", "1.2k",
    /// "3.4M", "5.6G", "7.8T", "9.1P".
    static func macs(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        for (unit, scale) in [("P", 1e15), ("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)] where value >= scale {
            return String(format: "%.3g", value / scale) + unit
        }
        return String(format: "%.0f", value)
    }

    /// Bands: which of `bands` parts item `index` of `count` falls in, as evenly as integers allow.
    static func band(_ index: Int, of count: Int, into bands: Int) -> Int {
        guard count > 0 else { return 0 }
        return min(index * bands / count, bands - 1)
    }

    /// The items of `count` that part `band` of `bands` covers; never empty when count > 0.
    static func items(inBand band: Int, of bands: Int, count: Int) -> Range<Int> {
        let start = band * count / bands, end = (band + 1) * count / bands
        return start..<max(end, min(start + 1, count))
    }
}
