// Why this exists: on PostgreSQL a write holds its county's advisory lock. Two writers of one
// county must not interleave (the second is refused as on SQLite, exit 75); two counties must not
// wait for each other.

import DevKit
import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("PostgreSQL county locks") struct PostgresCountyLockTests {
    @Test func aSecondWriterOfOneCountyIsRefusedWithExit75() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let first = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: "run"))
        defer { first.close() }
        let second = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: "import"))
        defer { second.close() }
        let held = try PostgresCountyLock.acquire(first, region: countyA, command: "run")
        let refused = #expect(throws: RunLockHeld.self) { try PostgresCountyLock.acquire(second, region: countyA, command: "import") }
        #expect(refused?.exitStatus == .locked)
        #expect(refused?.holder == getpid())
        #expect(refused?.command == "run")
        #expect(
            refused?.description
                == "suiji import: another suiji run (pid \(getpid())) holds the lock \(address) (county \(countyA)); nothing was done. Wait for it to finish, or check that process"
        )
        // Given back, it can be taken.
        try held.release()
        let taken = try PostgresCountyLock.acquire(second, region: countyA, command: "import")
        try taken.release()
    }

    @Test func twoCountiesHoldTheirLocksAtOnce() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let a = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: "import"))
        defer { a.close() }
        let b = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: "import"))
        defer { b.close() }
        let lockA = try PostgresCountyLock.acquire(a, region: countyA, command: "import")
        let lockB = try PostgresCountyLock.acquire(b, region: countyB, command: "import")
        #expect((lockA.region, lockB.region) == (countyA, countyB))
    }

    @Test func aClosedSessionLetsItsLockGo() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let first = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: "import"))
        _ = try PostgresCountyLock.acquire(first, region: countyA, command: "import")
        first.close()
        let second = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: "import"))
        defer { second.close() }
        // The server ends the first backend a moment after the connection closes: wait for it (no timing assumed).
        var taken: PostgresCountyLock?
        for _ in 0..<500 where taken == nil {
            taken = try? PostgresCountyLock.acquire(second, region: countyA, command: "import")
            if taken == nil { usleep(10_000) }
        }
        #expect(taken?.region == countyA)
    }

    @Test func anImportWhileTheCountyIsLockedIsRefusedAndWritesNothing() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 20, badRowRate: 0), layout: .csv, to: csv)
        let holder = try PostgresSession.connect(address, applicationName: PostgresCountyLock.applicationName(command: "run"))
        defer { holder.close() }
        let lock = try PostgresCountyLock.acquire(holder, region: countyA, command: "run")
        let refused = #expect(throws: RunLockHeld.self) {
            try PostgresRegisterImporter.importFile(registerRequest(csv), into: address, region: countyA, clock: testClock)
        }
        #expect(refused?.exitStatus == .locked)
        #expect(try number(holder, "SELECT count(*) FROM imports") == 0)
        // County B is not held up by A's lock.
        let report = try PostgresRegisterImporter.importFile(registerRequest(csv), into: address, region: countyB, clock: testClock)
        #expect((report.outcome, report.added) == (.imported, 20))
        try lock.release()
    }

    @Test func applicationNamesCarryThePidAndCommand() {
        #expect(PostgresCountyLock.parseApplicationName("suiji plan import pid 42") == (42, "plan import"))
        #expect(PostgresCountyLock.parseApplicationName("psql") == (nil, nil))
        #expect(PostgresCountyLock.parseApplicationName(nil) == (nil, nil))
    }
}
