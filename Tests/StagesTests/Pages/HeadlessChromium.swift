import Foundation
import Testing
import ZIPFoundation

/// Debian's Chromium, headless, for the page tests: it renders a page and hands back the DOM as the
/// browser built it (`--dump-dom`) or a screenshot.
///
/// `swift test` must work on a fresh machine, so the first test that needs the browser installs
/// `chromium fonts-noto-cjk` (the CJK fonts, without which Chinese renders as empty boxes) when they
/// are missing, through ``DebianPackages``. `.ci/run` installs the same packages up front.
struct HeadlessChromium: Sendable {
    /// The browser executable.
    let executable: String

    /// The Debian packages the page tests need.
    static let packages = ["chromium", "fonts-noto-cjk"]

    /// Found or installed once per test process.
    static let shared: Result<HeadlessChromium, any Error> = Result { try locateOrInstall() }

    /// The browser, installing what is missing first.
    static func locateOrInstall() throws -> HeadlessChromium {
        var missing: [String] = []
        if find() == nil { missing.append("chromium") }
        if !hasChineseFont() { missing.append("fonts-noto-cjk") }
        if !missing.isEmpty { try install(missing) }
        guard let executable = find() else {
            throw BrowserError("chromium is still not found after installing it; install it with: apt-get install -y chromium")
        }
        guard hasChineseFont() else {
            throw BrowserError("no Chinese font after installing fonts-noto-cjk; install it with: apt-get install -y fonts-noto-cjk")
        }
        return HeadlessChromium(executable: executable)
    }

    /// `chromium` (Debian) or `chromium-browser` on the PATH, or the path in `SUIJI_CHROMIUM`.
    static func find() -> String? {
        if let given = ProcessInfo.processInfo.environment["SUIJI_CHROMIUM"], FileManager.default.isExecutableFile(atPath: given) {
            return given
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin"] {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    /// True when fontconfig knows a font for Chinese.
    static func hasChineseFont() -> Bool {
        guard let result = try? run("/usr/bin/fc-list", [":lang=zh", "family"], timeout: 30) else { return false }
        return result.status == 0 && !result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// Installs the missing packages (``DebianPackages/install(_:for:)``).
    static func install(_ packages: [String]) throws { try DebianPackages.install(packages, for: "the page tests") }

    /// Runs a program (``DebianPackages/run(_:_:environment:timeout:)``).
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval
    ) throws -> (status: Int32, output: String, errors: String) {
        try DebianPackages.run(executable, arguments, environment: environment, timeout: timeout)
    }

    /// The options every headless run takes: no sandbox (root in a container), no GPU, a profile of
    /// its own (runs in parallel do not share one), nothing from the network.
    private func options(profile: URL) -> [String] {
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
            "--user-data-dir=\(profile.path)",
        ]
    }

    private func withProfile<T>(_ body: (URL) throws -> T) throws -> T {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("suiji-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try body(profile)
    }

    /// The DOM of the page at `path` after Chromium has loaded and rendered it.
    func dom(of path: String) throws -> String {
        try withProfile { profile in
            let result = try Self.run(
                executable, options(profile: profile) + ["--dump-dom", URL(fileURLWithPath: path).absoluteString], timeout: 120)
            guard result.status == 0, let start = result.output.range(of: "<html") else {
                throw BrowserError("chromium --dump-dom \(path) failed (exit \(result.status)):\n\(result.errors.suffix(2000))")
            }
            return String(result.output[start.lowerBound...])
        }
    }

    /// A PNG screenshot of the page at `path` in a window `width`×`height`, written to `png`.
    func screenshot(of path: String, to png: String, width: Int, height: Int) throws {
        try withProfile { profile in
            try? FileManager.default.removeItem(atPath: png)
            let result = try Self.run(
                executable,
                options(profile: profile) + [
                    "--screenshot=\(png)", "--window-size=\(width),\(height)", URL(fileURLWithPath: path).absoluteString,
                ],
                timeout: 120)
            guard result.status == 0, FileManager.default.fileExists(atPath: png) else {
                throw BrowserError("chromium --screenshot \(path) failed (exit \(result.status)):\n\(result.errors.suffix(2000))")
            }
        }
    }
}

/// Why the browser could not be used, and what to do.
struct BrowserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A PNG decoded far enough to tell a page from a blank one: its size and its pixels' colours.
struct DecodedPNG {
    /// Width and height in pixels.
    var width: Int, height: Int
    /// Every pixel as 0xRRGGBB.
    var pixels: [UInt32]

    /// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes): the chunks, the
    /// zlib stream of the IDAT chunks (inflated by ZIPFoundation), the five scanline filters.
    init(path: String) throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count > 33, bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw BrowserError("\(path) is not a PNG")
        }
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var at = 8
        var idat: [UInt8] = []
        var (width, height, depth, colour, interlace) = (0, 0, 0, 0, 0)
        while at + 8 <= bytes.count {
            let length = u32(at)
            let type = String(decoding: bytes[at + 4..<at + 8], as: UTF8.self)
            let data = at + 8
            guard data + length <= bytes.count else { throw BrowserError("\(path): chunk \(type) runs past the end") }
            if type == "IHDR" {
                (width, height, depth, colour, interlace) = (
                    u32(data), u32(data + 4), Int(bytes[data + 8]), Int(bytes[data + 9]), Int(bytes[data + 12])
                )
            } else if type == "IDAT" {
                idat += bytes[data..<data + length]
            }
            at = data + length + 4
        }
        guard depth == 8, colour == 2 || colour == 6, interlace == 0, idat.count > 2 else {
            throw BrowserError(
                "\(path): a PNG of depth \(depth), colour type \(colour), interlace \(interlace) is not what Chromium writes")
        }
        let channels = colour == 6 ? 4 : 3
        let stride = width * channels
        // The zlib stream: a 2-byte header, the raw deflate data, a 4-byte Adler-32.
        let deflated = Data(idat[2..<(idat.count - 4)])
        var raw = Data()
        _ = try Data.decompress(
            size: Int64(deflated.count), bufferSize: 64 * 1024, skipCRC32: true,
            provider: { position, size in
                // ZIPFoundation tells zlib every chunk is `size` long (XLSXInflater.swift): pad the last one.
                let start = min(Int(position), deflated.count), end = min(start + size, deflated.count)
                guard start < deflated.count else { throw BrowserError("\(path): the image data ends inside its deflate stream") }
                return deflated.subdata(in: start..<end) + Data(count: size - (end - start))
            }, consumer: { raw.append($0) })
        let inflated = [UInt8](raw)
        guard inflated.count >= height * (stride + 1) else {
            throw BrowserError("\(path): \(inflated.count) bytes of pixels, expected \(height * (stride + 1))")
        }
        var previous = [UInt8](repeating: 0, count: stride)
        var pixels: [UInt32] = []
        pixels.reserveCapacity(width * height)
        for row in 0..<height {
            let filter = inflated[row * (stride + 1)]
            var line = [UInt8](inflated[(row * (stride + 1) + 1)..<((row + 1) * (stride + 1))])
            for i in 0..<stride {
                let a = i >= channels ? Int(line[i - channels]) : 0, b = Int(previous[i]),
                    c = i >= channels ? Int(previous[i - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw BrowserError("\(path): unknown filter \(filter) on row \(row)")
                }
                line[i] = UInt8((Int(line[i]) + predictor) & 0xFF)
            }
            for x in 0..<width {
                let p = x * channels
                pixels.append(UInt32(line[p]) << 16 | UInt32(line[p + 1]) << 8 | UInt32(line[p + 2]))
            }
            previous = line
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The share of pixels that differ from the most common colour (the background).
    var inkShare: Double {
        var counts: [UInt32: Int] = [:]
        for p in pixels { counts[p, default: 0] += 1 }
        let background = counts.values.max() ?? 0
        return pixels.isEmpty ? 0 : Double(pixels.count - background) / Double(pixels.count)
    }

    /// How many colours the picture has.
    var colours: Int { Set(pixels).count }
}
