/// Number formatting shared by messages and the command line.
public enum Format {
    /// 1234567 -> "1,234,567".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// A fraction such as a target sparsity: two decimals, or as many as it takes to show
    /// the value itself (0.9 -> "0.90", 0.998 -> "0.998", 0.9999999 -> "0.9999999").
    public static func fraction(_ value: Double) -> String {
        let short = String(format: "%.2f", value)
        return Double(short) == value ? short : "\(value)"
    }

    /// A rate such as the learning rate, to six significant digits: "0.05", "3e-05".
    public static func rate(_ value: Float) -> String { String(format: "%g", Double(value)) }

    /// A number as a person writes it: 1.0 -> "1", 0.5 -> "0.5", 1e-8 -> "1e-08".
    public static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
