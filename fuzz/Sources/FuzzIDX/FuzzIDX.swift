// libFuzzer target: IDX data files (MNIST format, `--data DIR`), raw or gzipped.
//
// Does with the bytes what `IDXFile.read(path:)` does with a file's content (the path
// `DatasetLoader` takes for each of the four files): gunzip when it starts with 1f 8b,
// with the same 2 GiB output limit, then parse. Inputs starting with 0x78 (a zlib
// header) also go through `Gzip.decompress`, which accepts zlib streams too.
import FuzzSupport
import Training

@_cdecl("FuzzIDX_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzIDX)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    var bytes = Array(input)
    if Gzip.isCompressed(bytes) || bytes.first == 0x78 {
        guard let inflated = try? Gzip.decompress(bytes, path: "fuzz.idx", limit: 1 << 31) else { return 0 }
        bytes = inflated
    }
    guard let array = try? IDXFile.parse(bytes, path: "fuzz.idx") else { return 0 }
    // The invariant the loader relies on.
    let count = array.dimensions.reduce(1, { $0 &* $1 })
    precondition(array.dimensions.contains(0) ? array.bytes.isEmpty : array.bytes.count == count,
                 "IDX dimensions \(array.dimensions) do not match \(array.bytes.count) bytes")
    return 0
}
