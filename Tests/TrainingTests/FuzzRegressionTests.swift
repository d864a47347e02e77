import Foundation
import Training
import XCTest

/// Checkpoints that crashed `prunetop run --resume CKPT` (found with fuzz/ FuzzCheckpoints,
/// see scripts/fuzz.sh). The checkpoint format itself checks out (lengths, CRC-32): the run
/// config inside it is JSON that `RunConfig.validate()` accepted, but that the session
/// then could not use without trapping. They are now refused with a clean error.
final class FuzzRegressionTests: XCTestCase {
    /// A LeNet-5 checkpoint of the embedded digits with its tensors cut to 4 values each (as
    /// in fuzz/corpus/checkpoints/magnitude-lenet5-shrunk.ckpt) and "epochs": 2^62 in its
    /// config, with a correct CRC-32. Resuming computed steps an epoch x epochs and trapped
    /// ("arithmetic overflow" in TrainingSession.totalSteps) before looking at the tensors.
    private static let epochsOverflowCheckpoint = """
        UFJVTkVUT1BDS1BUAQAAAMYHAAAAAAAA7D22OgYAAAAAAAAAY29uZmln+gEAAAAAAAB7ImJhdGNoU2l6ZSI6MTI4LCJjaGVja3BvaW50RGlyZW
        N0b3J5IjoiY2svbWFnbml0dWRlLWxlbmV0NSIsImNoZWNrcG9pbnRFdmVyeVN0ZXBzIjo1LCJkYXRhRGlyZWN0b3J5IjoiZW1iZWRkZWQiLCJl
        cG9jaHMiOjQ2MTE2ODYwMTg0MjczODc5MDQsImV2YWx1YXRlRXZlcnlTdGVwcyI6MywibGVhcm5pbmdSYXRlIjowLjA1LCJsZWFybmluZ1JhdG
        VTY2hlZHVsZSI6eyJkZWNheSI6eyJjb3NpbmUiOnsibWluaW11bUZhY3RvciI6MH19LCJ3YXJtdXBTdGVwcyI6MH0sIm1vZGVsIjoibGVuZXQ1
        Iiwib3B0aW1pemVyIjp7InNnZCI6eyJtb21lbnR1bSI6MC45LCJuZXN0ZXJvdiI6dHJ1ZSwid2VpZ2h0RGVjYXkiOjAuMDAwNX19LCJzZWVkIj
        owLCJzbmFwc2hvdEludGVydmFsU2Vjb25kcyI6MC4xLCJzcGFyc2l0eSI6eyJtZXRob2QiOiJtYWduaXR1ZGUiLCJvcHRpb25zIjp7fSwidGFy
        Z2V0IjowLjV9LCJzdGFydFBhdXNlZCI6ZmFsc2UsInN0b3BBZnRlclN0ZXBzIjo1LCJ0aHJlYWRzIjoxfQoAAAAAAAAAcHJvdmVuYW5jZQAAAA
        AAAAAAAAcAAAAAAAAAZGF0YXNldBUAAAAAAAAAZGlnaXRzLTh4OCAoZW1iZWRkZWQpnQUAAAAAAABoAQAAAAAAAAcAAAAAAAAAc2Vzc2lvbgUA
        AAAAAAAAAAAAAAAAAAAKAAAAAAAAAHBhcmFtZXRlcnMKAAAAAAAAAAwAAAAAAAAAY29udjEud2VpZ2h0AQAAAAAAAAAEAAAAAAAAAAQAAAAAAA
        AAAAAAAIT5Q74AAAAA1ACrvgoAAAAAAAAAY29udjEuYmlhcwEAAAAAAAAABAAAAAAAAAAEAAAAAAAAADo/YL7kmju+SpWCvym0J74MAAAAAAAA
        AGNvbnYyLndlaWdodAEAAAAAAAAABAAAAAAAAAAEAAAAAAAAALBB173vKOi9AAAAgAAAAAAKAAAAAAAAAGNvbnYyLmJpYXMBAAAAAAAAAAQAAA
        AAAAAABAAAAAAAAAC0Z/K8fRWBvt00O70Hngy9CgAAAAAAAABmYzEud2VpZ2h0AQAAAAAAAAAEAAAAAAAAAAQAAAAAAAAAG2WqPXo7lL3XBvK9
        XWTwPQgAAAAAAAAAZmMxLmJpYXMBAAAAAAAAAAQAAAAAAAAABAAAAAAAAAA0vpC74xeAvG2zBLxZWu48CgAAAAAAAABmYzIud2VpZ2h0AQAAAA
        AAAAAEAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAA4irA9rMn4PQgAAAAAAAAAZmMyLmJpYXMBAAAAAAAAAAQAAAAAAAAABAAAAAAAAACPtqe890cb
        OGxfxbxlSfW7CgAAAAAAAABmYzMud2VpZ2h0AQAAAAAAAAAEAAAAAAAAAAQAAAAAAAAAovYQPikbZj4AAAAAAAAAgAgAAAAAAAAAZmMzLmJpYX
        MBAAAAAAAAAAQAAAAAAAAABAAAAAAAAADSuco8b+fjveO+0zxfxgQ9CAAAAAAAAABzcGFyc2l0eQUAAAAAAAAA+jIJRunZ/BIAAQUAAAAAAAAA
        +RgAAAAAAAAFAAAAAAAAAAQAAAAAAAAAAAAAAAAAgD8AAAAAAACAPwQAAAAAAAAAAACAPwAAgD8AAAAAAAAAAAQAAAAAAAAAAACAPwAAgD8AAI
        A/AACAPwQAAAAAAAAAAAAAAAAAAAAAAIA/AACAPwQAAAAAAAAAAACAPwAAgD8AAAAAAAAAAAwAAAAAAAAAbWV0aG9kIHN0YXRlAAAAAAAAAAAP
        AAAAAAAAAG9wdGltaXplciBzdGF0ZQEAAAAAAAAACgAAAAAAAAB2ZWxvY2l0aWVzAAoAAAAAAAAABAAAAAAAAAAAAAAAk39HPwAAAAAUNSM/BA
        AAAAAAAACjNDA/lTo1P+K+gEAGUTI/BAAAAAAAAACeVn0+CyxQPgAAAAAAAAAABAAAAAAAAACxQu09B/J4PzWSGT458cg9BAAAAAAAAACNpx04
        xbUMOgPMF7omoPI6BAAAAAAAAAAgTQw9lWi+PZxkHD1/hae9BAAAAAAAAAAAAAAAAAAAAJETXzwpGco9BAAAAAAAAABP5YI9Xv+xuqWqpT1Dsm
        88BAAAAAAAAAAxCQy9o2RauwAAAAAAAAAABAAAAAAAAABUJKy9rkeOPrr+Zr0qmAK+CAAAAAAAAABwcm9ncmVzcwAAkI48UxJAEQAAAAAAAAAA
        AQAAAAAAAAIAAAAAAAAAgAIAAAAAAAB7a1vySiLYPwEDAAAAAAAAAJqZmZmZmak/UPqkvfibAkAEAAAAAAAAAAgICAgEAAAAAAAAAAUAAAAAAA
        AAcmVsdTEA1xkAAAAAACILCgAAAAAABQAAAAAAAAByZWx1MgDKCAAAAAAAjq0IAAAAAAAFAAAAAAAAAHJlbHUzwKgAAAAAAACOYQAAAAAAAAUA
        AAAAAAAAcmVsdTQgdgAAAAAAAOxIAAAAAAAAAwAAAAAAAABlbmQ=
        """

    func testACheckpointWithMoreEpochsThanStepsCanCountIsRefused() throws {
        let bytes = [UInt8](try XCTUnwrap(Data(base64Encoded: Self.epochsOverflowCheckpoint, options: .ignoreUnknownCharacters)))
        let checkpoint = try Checkpoint(decoding: bytes, file: "epochs.ckpt")
        XCTAssertEqual(checkpoint.config.epochs, 1 << 62)
        XCTAssertThrowsError(try TrainingSession(checkpoint: checkpoint, dataset: DatasetLoader.embeddedDigits())) { error in
            XCTAssertEqual(error as? RunConfigError,
                           .invalid(key: "epochs", expected: "an integer <= 1000000", found: "4611686018427387904"))
        }
    }

    /// A checkpoint of a real run whose config says "warmupSteps": Int.min. It restored, and the
    /// first step trapped in LearningRateSchedule.rate (step - warmupSteps overflows). The full
    /// checkpoint is 741 kB, so the test makes it: the same run, saved, edited, encoded.
    func testACheckpointWithANegativeWarmUpIsRefused() throws {
        let dataset = DatasetLoader.embeddedDigits()
        var config = RunConfig()
        config.model = "lenet5"
        config.epochs = 1
        let session = try TrainingSession(config: config, dataset: dataset)
        _ = session.trainStep()
        var saved = Checkpoint(session: session)
        saved.config.learningRateSchedule.warmupSteps = Int.min
        let checkpoint = try Checkpoint(decoding: try saved.encoded(), file: "warmup.ckpt")
        XCTAssertThrowsError(try TrainingSession(checkpoint: checkpoint, dataset: dataset)) { error in
            XCTAssertEqual(error as? RunConfigError,
                           .invalid(key: "warmup-steps", expected: "an integer >= 0", found: "\(Int.min)"))
        }
    }

    func testRunConfigBoundsEpochs() throws {
        var config = RunConfig()
        config.epochs = RunConfig.maximumEpochs
        XCTAssertNoThrow(try config.validate())
        config.epochs = RunConfig.maximumEpochs + 1
        XCTAssertThrowsError(try config.validate()) {
            XCTAssertEqual("\($0)", "epochs: expected an integer <= 1000000, found 1000001")
        }
    }
}
