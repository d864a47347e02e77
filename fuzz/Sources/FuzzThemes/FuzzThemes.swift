// libFuzzer target: btop-format theme files (`--theme NAME`, themes/*.theme).
//
// `ThemeFile(contentsOf:)` refuses non-UTF-8 text, so such inputs are skipped; the text
// goes through `ThemeFile(text:name:source:)`, and the theme it gives is used the way the
// dashboard uses one: every role and gradient, at every colour depth.
import FuzzSupport
import TUI

@_cdecl("FuzzThemes_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzTheme)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTheme(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    guard let text = String(validating: input, as: UTF8.self) else { return -1 }
    // The file name becomes the theme's name: feed the first line as a name too.
    let name = String(text.prefix { $0 != "\n" }.prefix(64))
    guard let file = try? ThemeFile(text: text, name: name, source: "fuzz.theme") else { return 0 }
    for diagnostic in file.diagnostics { _ = diagnostic.description }
    for depth in ColorDepth.allCases {
        let theme = depth.adapting(file.theme)
        for role in Theme.Role.allCases {
            _ = depth.terminalColor(for: theme.color(role))
            _ = theme.style(role, bold: true)
        }
        for role in Theme.GradientRole.allCases {
            guard let gradient = theme.gradient(role) else { continue }
            for t in [-1.0, 0, 0.25, 0.5, 0.75, 1, 2, .nan] { _ = depth.terminalColor(for: gradient.color(at: t)) }
        }
    }
    return 0
}
