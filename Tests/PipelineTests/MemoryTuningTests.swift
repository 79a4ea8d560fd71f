import CZlib
import Pipeline
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The process's memory comes from mimalloc (see `MemoryTuning`): if a change of link order let glibc's malloc
/// answer again, runs would be about a quarter slower with nothing failing, so this checks that it does not.
@Suite struct MemoryTuningTests {
    @Test func mimallocServesMalloc() {
        #expect(MemoryTuning.usesMimalloc)
    }

    @Test func swiftsOwnAllocationsComeFromMimalloc() {
        // An array's storage is allocated by the Swift runtime (swift_slowAlloc), not by our C code.
        let bytes = [UInt8](repeating: 7, count: 4096)
        let inHeap = bytes.withUnsafeBufferPointer { mi_is_in_heap_region($0.baseAddress) }
        #expect(inHeap)
        let text = String(repeating: "a long string kept on the heap ", count: 8)
        let textInHeap = text.utf8.withContiguousStorageIfAvailable { mi_is_in_heap_region($0.baseAddress) }
        #expect(textInHeap == true)
    }

    @Test func settingsAndReleaseAreSafeToRepeat() {
        MemoryTuning.returnLargeBuffersToSystem()
        MemoryTuning.returnLargeBuffersToSystem()
        var blocks: [[UInt8]] = (0..<64).map { _ in [UInt8](repeating: 1, count: 1 << 16) }
        blocks.removeAll()
        MemoryTuning.releaseFreeMemory()
        // 0 unless an operator's environment setting wins.
        #expect(getenv("MIMALLOC_DECOMMIT_DELAY") != nil || mi_option_get(mi_option_decommit_delay) == 0)
    }
}
