import Pipeline
import Testing

@Suite("platform identities")
struct PlatformIdentityTests {
    @Test func thePlatformsCodesStandInsteadOfOurs() throws {
        var task = PublicationFixture.task(frequency: 2)
        task.platform = PlatformIdentity(planCode: "SX2024P001", planName: "原平市2024年度联合抽查（省平台）", taskCode: "SX2024T017")
        let payload = try PublicationPayload(
            plan: AnnualPlan(year: 2024, region: "140981", tasks: [task]), task: task, round: try PublicationFixture.round(),
            planName: PublicationFixture.planName, inspections: try PublicationFixture.inspections())
        #expect(payload.task.raninsPlanId == "SX2024P001")
        #expect(payload.task.raninsPlanName == "原平市2024年度联合抽查（省平台）")
        #expect(payload.task.raninsTaskId == "SX2024T017R01")
        #expect(payload.records.map(\.id).allSatisfy { $0.hasPrefix("SX2024T017R01-") })

        task.platform = nil
        let ours = try PublicationPayload(
            plan: AnnualPlan(year: 2024, region: "140981", tasks: [task]), task: task, round: try PublicationFixture.round(),
            planName: PublicationFixture.planName, inspections: try PublicationFixture.inspections())
        #expect(ours.task.raninsTaskId == "1409812024P017R01")
        #expect(ours.task.raninsPlanId == "1409812024P")
    }

    @Test func aCodeThatAPayloadCannotCarryIsRefused() {
        #expect(PlatformIdentity.isValidCode("SX2024T017"))
        #expect(!PlatformIdentity.isValidCode("SX-2024"))
        #expect(!PlatformIdentity.isValidCode(""))
        #expect(throws: PublicationPayloadError.self) { try PublicationIdentifier.platform("抽查001", round: nil) }
    }
}
