#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory for the lifetime of this object.
///
/// `@unchecked Sendable`: the mapping is created once in `init`, never written (PROT_READ), and
/// unmapped only in `deinit`, when no reference to it can remain; concurrent reads are safe.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawPointer
    public let count: Int

    /// Maps `path` read-only. Throws `ModelFileError.unreadable` when it cannot be opened or mapped.
    public init(path: String) throws(ModelFileError) {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
        count = Int(info.st_size)
        guard count > 0 else { throw .truncated(path: path, offset: 0, reading: "the header") }
        guard let base = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        #if os(Linux)
        // Decode streams every weight once per step, and with 4 KiB pages the hardware prefetchers
        // stop at each page boundary. With this hint, weights read in through the mapping are cached
        // as 2 MiB folios and mapped with 2 MiB pages (file-backed transparent huge pages; kernels
        // without them ignore it). Pages the cache already holds in small folios stay as they are.
        _ = madvise(base, count, MADV_HUGEPAGE)
        #endif
        bytes = UnsafeRawPointer(base)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes), count) }
}
