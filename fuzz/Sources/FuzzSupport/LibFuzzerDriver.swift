// SwiftPM links an executable target with `main` aliased to `<Target>_main` (so that tests
// can import executables), which keeps libFuzzer's own `main` out of the link. Each target
// therefore defines `<Target>_main` and hands over to libFuzzer through
// `LLVMFuzzerRunDriver`, which takes the command line as libFuzzer's `main` would.

/// libFuzzer's entry point for programs that keep their own `main` (LLVM 13 and later).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer with this process's command line, calling `target` with each input.
public func runLibFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                         _ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    var argc = argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&argc, &argv, target)
}

/// The input as a buffer (libFuzzer passes a null pointer with an empty input).
public func inputBuffer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}
