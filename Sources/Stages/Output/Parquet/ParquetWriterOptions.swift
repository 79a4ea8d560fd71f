/// Knobs of the Parquet writer. The defaults follow parquet-notes.md: pages of ≤ 64k values or ~1 MiB,
/// dictionaries only while they stay small (bit width ≤ 16, ≤ 1 MiB).
public struct ParquetWriterOptions: Sendable {
    /// The mailstats version written into `created_by` and the key/value metadata.
    public static let mailstatsVersion = "0.1.0"
    /// Bumped whenever the byte layout this writer produces changes.
    public static let writerFormatVersion = "3"

    /// Level for GZIP pages: 1 (fastest) … 12 (smallest); values outside are clamped. 1–3 are ISA-L igzip's
    /// levels, 4–12 libdeflate's (10–12 its slow near-optimal parsing); see `GzipPageCompressor`. 1 is the
    /// default: on the benchmark (scripts/bench/parquet.sh) it writes files about the size of pyarrow's default
    /// GZIP (zlib level 6, 1.007×) at a small fraction of the cost.
    public var compressionLevel: Int32 = 1
    public var maxPageValues = 65_536
    public var maxPageBytes = 1 << 20
    public var maxDictionaryEntries = 65_536
    public var maxDictionaryBytes = 1 << 20
    /// DELTA_BINARY_PACKED instead of PLAIN for INT32/INT64/timestamps: half the bytes to gzip and smaller
    /// files. pyarrow and DuckDB read it (checked by ParquetInteropTests); off only for a reader that lacks it.
    public var deltaEncoding = true
    /// DELTA_BYTE_ARRAY (shared prefix + suffix) instead of PLAIN for strings that get no dictionary: on the
    /// benchmark 5% smaller files, at a few % more CPU (the bytes it removes are the ones gzip handles fastest).
    public var deltaByteArray = false
    /// Encode and compress the columns of a row group on several threads (the bytes written are the same).
    public var parallelEncoding = true
    /// An honest writer name: readers distrust statistics from files claiming old parquet-mr/parquet-cpp.
    public var createdBy =
        "mailstats version \(ParquetWriterOptions.mailstatsVersion) "
        + "(parquet writer \(ParquetWriterOptions.writerFormatVersion))"

    public init() {}
}
