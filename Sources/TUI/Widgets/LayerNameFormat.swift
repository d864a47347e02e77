/// Shorter forms of a prunable tensor's name for narrow columns: "layer2.0.shortcut.conv1.weight"
/// → "layer2.0.shortcut.conv1" (no ".weight") → "l2.0.s.conv1" (each block's path to its
/// first letter and digits) → its end after "…" ("~" in ASCII).
enum LayerNameFormat {
    static func withoutWeightSuffix(_ name: String) -> String {
        name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) : name
    }

    static func abbreviated(_ name: String) -> String {
        let parts = withoutWeightSuffix(name).split(separator: ".")
        return (parts.dropLast().map { part in String(part.prefix(1)) + part.dropFirst().filter(\.isNumber) }
                + parts.suffix(1).map(String.init)).joined(separator: ".")
    }

    /// The longest of the forms that fits `width`.
    static func fitted(_ name: String, width: Int, glyphs: Glyphs) -> String {
        for form in [name, withoutWeightSuffix(name), abbreviated(name)] where form.count <= width { return form }
        guard width > 1 else { return String(name.prefix(max(width, 0))) }
        return (glyphs.isUnicode ? "…" : "~") + abbreviated(name).suffix(width - 1)
    }
}
