/// A 64-bit hash of a file's bytes, the one content fingerprint devserve uses: what tells a
/// build's changed outputs apart (``OutputTracker``) and the served files' `ETag`s
/// (``FileCache``).
///
/// It is stable across runs (Swift's `Hasher` is seeded per process), so a browser's cached copy
/// still revalidates as 304 after devserve restarts. It is no defence against crafted collisions;
/// it only has to change when an editor or a build changes a file. Eight bytes at a time, so
/// hashing a served script costs less than reading it.
enum ContentHash {
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            let mixed = hash ^ (word &* multiplier)
            hash = (mixed << 29 | mixed >> 35) &* 0xBF58_476D_1CE4_E5B9
            offset += 8
        }
        var last: UInt64 = 0
        for index in offset..<bytes.count { last = last << 8 | UInt64(bytes[index]) }
        hash = (hash ^ (last &* multiplier)) &* 0x94D0_49BB_1331_11EB
        // The finaliser of MurmurHash3: every input bit reaches every output bit.
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }

    static func of(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { of($0) }
    }
}
