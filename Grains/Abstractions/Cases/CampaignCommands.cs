using Rectification.Periods;

namespace Rectification.Cases;

// The campaign's work around a case beyond its plan and reports (issue #12): pairing, member-development
// targets, training, secretary actions, accountability and monthly activity plans. Each is a command of
// the case, so it gets the case's history, roles, If-Match and Idempotency-Key like every other.

[GenerateSerializer, Immutable, Alias("AddPairing")]
public sealed record AddPairing([property: Id(0)] PairingKind Kind, [property: Id(1)] string Partner, [property: Id(2)] string? PartnerUnit,
    [property: Id(3)] DateOnly Since, [property: Id(4)] string? Note) : CaseCommand
{
    public override string Name => "pairing";
}

[GenerateSerializer, Immutable, Alias("LandSupport")]
public sealed record LandSupport([property: Id(0)] string PairingId, [property: Id(1)] DateOnly On, [property: Id(2)] decimal FundsYuan,
    [property: Id(3)] int Projects, [property: Id(4)] string? Note) : CaseCommand
{
    public override string Name => "pairingSupport";
}

[GenerateSerializer, Immutable, Alias("EndPairing")]
public sealed record EndPairing([property: Id(0)] string PairingId, [property: Id(1)] DateOnly On, [property: Id(2)] string Reason) : CaseCommand
{
    public override string Name => "pairingEnd";
}

[GenerateSerializer, Immutable, Alias("SetMemberTargets")]
public sealed record SetMemberTargets([property: Id(0)] MemberTargets Targets) : CaseCommand
{
    public override string Name => "memberTargets";
}

[GenerateSerializer, Immutable, Alias("RecordTraining")]
public sealed record RecordTraining([property: Id(0)] string Person, [property: Id(1)] TraineeRole Role, [property: Id(2)] string Topic,
    [property: Id(3)] DateOnly From, [property: Id(4)] int Days, [property: Id(5)] string? Organizer) : CaseCommand
{
    public override string Name => "training";
}

[GenerateSerializer, Immutable, Alias("RecordSecretaryAction")]
public sealed record RecordSecretaryAction([property: Id(0)] SecretaryActionKind Kind, [property: Id(1)] DateOnly On,
    [property: Id(2)] string? Person, [property: Id(3)] string? NewSecretary, [property: Id(4)] string? NewSecretaryContact,
    [property: Id(5)] string? FromUnit, [property: Id(6)] string? Note) : CaseCommand
{
    public override string Name => "secretaryAction";
}

[GenerateSerializer, Immutable, Alias("RecordAccountability")]
public sealed record RecordAccountability([property: Id(0)] string Person, [property: Id(1)] string Position,
    [property: Id(2)] AccountabilityMeasure Measure, [property: Id(3)] DateOnly On, [property: Id(4)] string Reason,
    [property: Id(5)] string? Assessment) : CaseCommand
{
    public override string Name => "accountability";
}

[GenerateSerializer, Immutable, Alias("SubmitActivityPlan")]
public sealed record SubmitActivityPlan([property: Id(0)] Period Month, [property: Id(1)] PlannedActivity[] Activities) : CaseCommand
{
    public override string Name => "activityPlan";
}
