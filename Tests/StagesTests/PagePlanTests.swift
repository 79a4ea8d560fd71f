import Testing

@testable import Stages

/// How `ParquetColumnChunkBuilder` splits an OPTIONAL fixed-width column, and a PLAIN string column, into data
/// pages: a page ends at `maxPageValues` rows, or before a present value that would pass `maxPageBytes`. The
/// planner counts the definition levels eight at a time; the pages must be exactly those of the row-by-row
/// rule, whatever the budgets and however the nulls fall.
@Suite struct PagePlanTests {
    /// Rows per data page by the row-by-row rule: a page ends at `maxValues` rows, or before a present row
    /// (`sizes[row]` not nil) whose size would take the page's sizes past `budget` (a page holds at least one
    /// value). Fixed-width values count 1 each against the values that fit the bytes; strings their bytes.
    static func expectedPages(sizes: [Int?], maxValues: Int, budget: Int) -> [Int] {
        var pages: [Int] = []
        var row = 0
        while row < sizes.count {
            let rowLimit = min(sizes.count, row + max(1, maxValues))
            var end = row
            var used = 0
            while end < rowLimit {
                if let size = sizes[end] {
                    if used > 0 && used + size > budget { break }
                    used += size
                }
                end += 1
            }
            pages.append(end - row)
            row = end
        }
        return pages
    }

    @Test(arguments: [1, 2, 3, 7, 8, 9, 16, 40, 333])
    func optionalNumberPagesFollowTheRowByRowRule(valuesPerPage: Int) {
        var generator = RecordGenerator(seed: UInt64(valuesPerPage))
        for maxValues in [5, 8, 64, 1000, 65_536] {
            var options = ParquetWriterOptions()
            options.maxPageBytes = 8 * valuesPerPage
            options.maxPageValues = maxValues
            var values = ParquetColumnBuffer(kind: .int64, isOptional: true)
            // Runs of nulls and of values, short and long, so that pages end inside and at the edges of the
            // eight-level blocks.
            while values.rowCount < 3000 {
                let present = generator.chance(60)
                for _ in 0..<generator.pick([1, 1, 2, 7, 8, 9, 30]) {
                    values.append(present ? Int64(generator.int(-1000..<1000)) : nil)
                }
            }
            let builder = ParquetColumnChunkBuilder(options: options)
            builder.encode(column: ParquetColumn("x", .int64, optional: true), chunk: ParquetChunkRows(values))
            let pages = builder.pages.filter { !$0.isDictionary }.map(\.valueCount)
            #expect(pages == Self.expectedPages(
                sizes: values.definitionLevels.map { $0 == 1 ? 1 : nil }, maxValues: maxValues, budget: valuesPerPage))
            #expect(pages.reduce(0, +) == values.rowCount)
        }
    }

    /// PLAIN string pages: the same rule on the values' bytes with their 4-byte lengths. The planner walks the
    /// values, not the rows, and finds a page's last row from the levels.
    @Test(arguments: [false, true])
    func plainStringPagesFollowTheRowByRowRule(optional: Bool) {
        var generator = RecordGenerator(seed: optional ? 3 : 4)
        for maxValues in [5, 8, 64, 1000, 65_536] {
            for maxBytes in [1, 30, 100, 1000] {
                var options = ParquetWriterOptions()
                options.maxPageBytes = maxBytes
                options.maxPageValues = maxValues
                options.maxDictionaryEntries = 0  // PLAIN
                var values = ParquetColumnBuffer(kind: .string, isOptional: optional)
                var texts: [String?] = []
                // Runs of nulls and of values, so that pages end inside and at the edges of eight-level blocks.
                while texts.count < 2000 {
                    let present = !optional || generator.chance(60)
                    for _ in 0..<generator.pick([1, 1, 2, 7, 8, 9, 30]) {
                        let text = present ? String(repeating: "x", count: generator.int(0..<40)) : nil
                        texts.append(text)
                        values.append(text)
                    }
                }
                let builder = ParquetColumnChunkBuilder(options: options)
                builder.encode(
                    column: ParquetColumn("x", .string, optional: optional), chunk: ParquetChunkRows(values))
                let pages = builder.pages.filter { !$0.isDictionary }.map(\.valueCount)
                #expect(!builder.pages.contains { $0.isDictionary })
                #expect(pages == Self.expectedPages(
                    sizes: texts.map { $0.map { $0.utf8.count + 4 } }, maxValues: maxValues, budget: maxBytes))
            }
        }
    }
}
