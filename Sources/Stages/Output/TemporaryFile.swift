// The one naming scheme of the temporary files suiji writes, and the sweep that knows it.
//
// Every file suiji puts in place whole (a rejects file, a payload, a night's report, a file moved
// to archive/ or rejects/ across file systems) is first written under a temporary name beside its
// target and renamed into place: `.<name>.<pid>.tmp`. A leftover is the debris of a writer that was
// killed; its pid says whether that writer still runs, so the nightly run removes exactly those
// (after taking the store's lock, when no writer of this store can be running).

internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Names and sweeps suiji's temporary files.
enum TemporaryFile {
    /// The temporary name beside `path` for a file written by process `pid`: `.<name>.<pid>.tmp`.
    static func path(for path: String, pid: Int32 = getpid()) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(pid).tmp").path
    }

    /// The writer's pid in a temporary file's name, or nil if the name is not one of suiji's.
    static func writer(ofName name: String) -> Int32? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, !parts.dropLast().joined(separator: ".").isEmpty, let pid = Int32(parts[parts.count - 1]), pid > 0
        else { return nil }
        return pid
    }

    /// Removes the temporary files under `folder` (at any depth) whose writer no longer runs; returns their paths.
    @discardableResult
    static func sweep(under folder: String) -> [String] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: folder) else { return [] }
        var removed: [String] = []
        for case let relative as String in walker {
            guard let pid = writer(ofName: (relative as NSString).lastPathComponent) else { continue }
            if kill(pid, 0) != 0, errno == ESRCH, (try? manager.removeItem(atPath: folder + "/" + relative)) != nil {
                removed.append(folder + "/" + relative)
            }
        }
        return removed.sorted()
    }
}
