// libFuzzer target: IDX data files (MNIST format, `--data DIR`), raw or gzipped.
//
// Writes the bytes to a temporary file and reads it with `IDXFile.read(path:)`, the path
// `DatasetLoader` takes for each of the four files: gunzip when it starts with 1f 8b,
// first only the header (`Gzip.decompressPrefix`), then up to the size it declares,
// then parse. Inputs starting with 0x78 (a zlib header) also go through
// `Gzip.decompress` and `parse` directly, as zlib streams are accepted there too.
import Foundation
import FuzzSupport
import Training

private let temporaryPath: String = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return (directory as NSString).appendingPathComponent("fuzz-idx-\(getpid())")
}()

@_cdecl("FuzzIDX_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzIDX)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    var bytes = Array(input)
    if bytes.first == 0x78 {
        guard let inflated = try? Gzip.decompress(bytes, path: "fuzz.idx", limit: 1 << 31) else { return 0 }
        bytes = inflated
        if let array = try? IDXFile.parse(bytes, path: "fuzz.idx") { check(array) }
        return 0
    }
    guard FileManager.default.createFile(atPath: temporaryPath, contents: Data(bytes)),
          let array = try? IDXFile.read(path: temporaryPath) else { return 0 }
    check(array)
    return 0
}

/// The invariant the loader relies on.
private func check(_ array: IDXArray) {
    let count = array.dimensions.reduce(1, { $0 &* $1 })
    precondition(array.dimensions.contains(0) ? array.bytes.isEmpty : array.bytes.count == count,
                 "IDX dimensions \(array.dimensions) do not match \(array.bytes.count) bytes")
}
