/// Short-run float loops for copying convolution rows.
enum FloatRun {
    /// `count` floats from `source` to `destination` (not overlapping), eight at a time: the
    /// rows copied here are 10 to 30 floats long, where a call to memmove per row cost more
    /// than the copy.
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, count: Int) {
        var i = 0
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
        while i + 8 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        if i + 4 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self), toByteOffset: i * 4, as: SIMD4<Float>.self)
            i += 4
        }
        while i < count {
            destination[i] = source[i]
            i += 1
        }
    }

    /// `count` floats from `source` plus `shift` to `destination` (not overlapping), eight at a time.
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, count: Int, adding shift: Float) {
        var i = 0
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source), lanes = SIMD8<Float>(repeating: shift)
        while i + 8 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) + lanes, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            destination[i] = source[i] + shift
            i += 1
        }
    }

    /// `count` zeros from `destination`: the padding's one or two floats per row, where a
    /// call to memset cost more than the stores.
    @inline(__always)
    static func zero(_ destination: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { destination[i] = 0 }
    }

    /// destination[i] += source[i] for `count` floats, eight at a time (the compiler does not
    /// vectorise the loop itself: it cannot rule out that the two overlap).
    @inline(__always)
    static func add(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        var i = 0
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
        while i + 8 <= count {
            let sum = to.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) + from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            to.storeBytes(of: sum, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            destination[i] += source[i]
            i += 1
        }
    }
}
