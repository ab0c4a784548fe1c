import Foundation
import Pipeline
import Testing

@Suite("PublicationDiff")
struct PublicationDiffTests {
    /// The ledger after publishing every record of `payload` once.
    func published(_ payload: PublicationPayload) -> [PublishedRecordState] {
        payload.ledgerRecords.map { PublishedRecordState(publishing: $0, action: .add) }
    }

    @Test func firstPublicationAddsEverything() throws {
        let payload = try PublicationFixture.payload()
        let diff = try PublicationDiff(proposed: payload.ledgerRecords, published: [])
        #expect(diff.summary == .init(added: 3, changed: 0, withdrawn: 0, unchanged: 0))
        #expect(diff.added.map(\.id) == payload.records.map(\.id))
        #expect(diff.added.first?.contentSHA256 == payload.ledgerRecords.first?.sha256)
        #expect(!diff.isEmpty)
    }

    @Test func republishingTheSameContentChangesNothing() throws {
        let payload = try PublicationFixture.payload()
        let diff = try PublicationDiff(proposed: payload.ledgerRecords, published: published(payload))
        #expect(diff.isEmpty)
        #expect(diff.summary == .init(added: 0, changed: 0, withdrawn: 0, unchanged: 3))
        #expect(diff.description == "0 to add, 0 to change, 0 to withdraw, 3 unchanged")
    }

    @Test func aCorrectedResultIsAChangeWithItsField() throws {
        let before = try PublicationFixture.payload()
        var after = before
        after.records[0].details[1].raninsCheckResName = ResultCode.correctedWhenOrdered.text
        let diff = try PublicationDiff(proposed: after.ledgerRecords, published: published(before))
        #expect(diff.summary == .init(added: 0, changed: 1, withdrawn: 0, unchanged: 2))
        let change = try #require(diff.changed.first)
        #expect(change.id == "1409812024P017R01-911409810573184662")
        #expect(change.previousSHA256 == before.ledgerRecords[0].sha256)
        #expect(change.contentSHA256 == after.ledgerRecords[0].sha256)
        #expect(
            change.fields == [
                FieldChange(path: "details[1].raninsCheckResName", old: #""未发现问题""#, new: #""发现问题经责令已改正""#)
            ])
        #expect(
            diff.description == """
                0 to add, 1 to change, 0 to withdraw, 2 unchanged
                ~ 1409812024P017R01-911409810573184662
                    details[1].raninsCheckResName: "未发现问题" → "发现问题经责令已改正"
                """)
    }

    @Test func addedAndRemovedDetailsAndRenamedTask() throws {
        let before = try PublicationFixture.payload()
        var after = before
        after.task.raninsTaskName = "对游泳场馆的双随机抽查"
        after.records[0].details.append(PublicationDetail(seqno: 3, raninsItemName: "水质", raninsCheckResName: "未发现问题"))
        after.records[1].details.removeLast()
        after.records[1].insDate = try day("2024-07-04")
        let diff = try PublicationDiff(proposed: after.ledgerRecords, published: published(before))
        #expect(diff.summary == .init(added: 0, changed: 3, withdrawn: 0, unchanged: 0))
        #expect(
            diff.changed[0].fields.map(\.description) == [
                #"details[2]: (none) → {"raninsCheckResName":"未发现问题","raninsItemName":"水质","seqno":3}"#,
                #"raninsTaskName: "对游泳场(馆)的双随机抽查" → "对游泳场馆的双随机抽查""#,
            ])
        #expect(
            diff.changed[1].fields.map(\.description) == [
                #"details[1]: {"raninsCheckResName":"未发现开展本次抽查涉及的经营活动","raninsItemName":"卫生管理情况等检查","seqno":2} → (none)"#,
                #"insDate: "2024-07-03" → "2024-07-04""#,
                #"raninsTaskName: "对游泳场(馆)的双随机抽查" → "对游泳场馆的双随机抽查""#,
            ])
    }

    @Test func aDroppedRecordIsWithdrawnAndComesBackAsAnAddition() throws {
        let payload = try PublicationFixture.payload()
        var fewer = payload
        let dropped = fewer.records.remove(at: 1)
        let diff = try PublicationDiff(proposed: fewer.ledgerRecords, published: published(payload))
        #expect(diff.summary == .init(added: 0, changed: 0, withdrawn: 1, unchanged: 2))
        #expect(diff.withdrawn.map(\.id) == [dropped.id])
        #expect(diff.withdrawn.first?.uscc == "911409814720138623")
        #expect(diff.description.hasSuffix("\n- \(dropped.id)"))

        // Once withdrawn in the ledger, it is not withdrawn again; publishing it again is an addition.
        var ledger = published(payload)
        ledger[1] = PublishedRecordState(recordID: dropped.id, uscc: dropped.uscc, action: .withdraw, contentSHA256: nil, payloadJSON: nil)
        #expect(try PublicationDiff(proposed: fewer.ledgerRecords, published: ledger).isEmpty)
        let again = try PublicationDiff(proposed: payload.ledgerRecords, published: ledger)
        #expect(again.summary == .init(added: 1, changed: 0, withdrawn: 0, unchanged: 2))
    }

    @Test func aTamperedLedgerStopsTheDiff() throws {
        let payload = try PublicationFixture.payload()
        var ledger = published(payload)
        ledger[0].payloadJSON = ledger[0].payloadJSON?.replacing("未发现问题", with: "发现问题经责令已改正")
        let error = #expect(throws: PublicationDiffError.self) {
            try PublicationDiff(proposed: payload.ledgerRecords, published: ledger)
        }
        #expect(error == .ledgerHashMismatch("1409812024P017R01-911409810573184662"))
        #expect(
            error?.description == "the publication ledger's content for 1409812024P017R01-911409810573184662 does not match its SHA-256; "
                + "the ledger was altered or damaged, publication stopped")

        ledger = published(payload)
        ledger[2].payloadJSON = "{"
        ledger[2].contentSHA256 = SHA256.hex("{")
        #expect(
            throws: PublicationDiffError.ledgerContentUnreadable(
                "1409812024P017R01-921409811682093506", "invalid JSON at byte 1: expected a key string")
        ) {
            try PublicationDiff(proposed: payload.ledgerRecords, published: ledger)
        }

        ledger = published(payload)
        ledger[1].payloadJSON = nil
        #expect(throws: PublicationDiffError.ledgerContentMissing("1409812024P017R01-911409814720138623")) {
            try PublicationDiff(proposed: payload.ledgerRecords, published: ledger)
        }
    }

    @Test func duplicateIdsAreRefused() throws {
        let payload = try PublicationFixture.payload()
        let records = payload.ledgerRecords
        #expect(throws: PublicationDiffError.duplicateRecord(records[0].id, side: "publication")) {
            try PublicationDiff(proposed: records + [records[0]], published: [])
        }
        let ledger = published(payload)
        #expect(throws: PublicationDiffError.duplicateRecord(records[2].id, side: "ledger")) {
            try PublicationDiff(proposed: records, published: ledger + [ledger[2]])
        }
    }

    @Test func encodesForJSONOutput() throws {
        let before = try PublicationFixture.payload()
        var after = before
        after.records[0].details[1].raninsCheckResName = ResultCode.correctedWhenOrdered.text
        after.records.remove(at: 2)
        let diff = try PublicationDiff(proposed: after.ledgerRecords, published: Array(published(before).dropFirst(1)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = String(decoding: try encoder.encode(diff), as: UTF8.self)
        let added = after.ledgerRecords[0].sha256
        let withdrawn = before.ledgerRecords[2].sha256
        #expect(
            json == #"{"added":[{"contentSHA256":"\#(added)","id":"1409812024P017R01-911409810573184662","uscc":"911409810573184662"}],"#
                + #""changed":[],"summary":{"added":1,"changed":0,"unchanged":1,"withdrawn":1},"#
                + #""unchanged":["1409812024P017R01-911409814720138623"],"#
                + #""withdrawn":[{"id":"1409812024P017R01-921409811682093506","previousSHA256":"\#(withdrawn)","uscc":"921409811682093506"}]}"#
        )
        #expect(try JSONDecoder().decode(PublicationDiff.self, from: Data(json.utf8)) == diff)

        let change = FieldChange(path: "name", old: nil, new: #""x""#)
        #expect(String(decoding: try encoder.encode(change), as: UTF8.self) == #"{"new":"\"x\"","old":null,"path":"name"}"#)
    }
}
