// libFuzzer target: checkpoints (`--resume CKPT`).
//
// Each input is decoded twice: as it is, and with the header's payload length and CRC-32
// made to match it, so that mutations reach every section behind the checksum. A
// checkpoint that decodes is encoded again and then resumed as `--resume` does it:
// a training session restored from it (on the embedded digits, the only data set in
// memory here; a checkpoint of another data set is refused before anything is
// restored), followed by one training step.
import FuzzSupport
import Training

private let dataset = DatasetLoader.embeddedDigits()

@_cdecl("FuzzCheckpoints_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzCheckpoint)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    let bytes = Array(input)
    resume(bytes)
    let headerSize = Checkpoint.magic.count + 4 + 8 + 4
    if bytes.count >= headerSize, bytes.starts(with: Checkpoint.magic) {
        var fixed = bytes
        let length = UInt64(bytes.count - headerSize)
        let crc = crc32(bytes[headerSize...])
        for i in 0..<8 { fixed[16 + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
        for i in 0..<4 { fixed[24 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        if fixed != bytes { resume(fixed) }
    }
    return 0
}

private func resume(_ bytes: [UInt8]) {
    guard let checkpoint = try? Checkpoint(decoding: bytes, file: "fuzz.ckpt") else { return }
    _ = try? checkpoint.encoded()
    guard let session = try? TrainingSession(checkpoint: checkpoint, dataset: dataset) else { return }
    // One step at most of a batch the size of a real run's (bigger batches only take longer).
    if !session.isComplete && session.config.batchSize <= 256 { _ = session.trainStep() }
}

private let crcTable: [UInt32] = (0..<256).map { (n: UInt32) in
    (0..<8).reduce(n) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
}

private func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    ~bytes.reduce(~UInt32(0)) { crc, byte in crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
}
