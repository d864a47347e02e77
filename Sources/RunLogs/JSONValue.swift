import Foundation

/// A JSON value whose objects keep their key order, so logs read naturally
/// (`"event"` first). Non-finite numbers are written as null. Run-log events become one
/// through `RunLogEncoder`; the commands' `--json` outputs build one directly.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Already-encoded JSON (e.g. from JSONEncoder), written as is.
    case raw(String)

    /// A Float written as its shortest decimal form (0.05, not 0.05000000074505806).
    public static func number(_ value: Float) -> JSONValue {
        value.isFinite ? .number(Double(value.description) ?? Double(value)) : .null
    }
    public static func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }

    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    private func render(into out: inout String) {
        switch self {
        case .null: out += "null"
        case let .raw(json): out += json
        case let .bool(value): out += value ? "true" : "false"
        case let .int(value): out += String(value)
        case let .number(value):
            if !value.isFinite { out += "null" }
            else if value == value.rounded(), abs(value) < 1e15 { out += String(Int(value)) }
            else { out += String(value) }
        case let .string(value): Self.renderString(value, into: &out)
        case let .array(values):
            out += "["
            for (i, value) in values.enumerated() {
                if i > 0 { out += "," }
                value.render(into: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                Self.renderString(key, into: &out)
                out += ":"
                value.render(into: &out)
            }
            out += "}"
        }
    }

    private static func renderString(_ value: String, into out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
