using Rectification.Units;

namespace Rectification.Cases;

/// <summary>Who acts: the token's subject and role, and the level of the unit in their token.</summary>
[GenerateSerializer, Immutable, Alias("Actor")]
public sealed record Actor([property: Id(0)] string Sub, [property: Id(1)] Role Role, [property: Id(2)] UnitLevel Level);

/// <summary>The answer to an accepted command: small, so a repeated request can be answered exactly alike.</summary>
[GenerateSerializer, Immutable, Alias("CaseAck")]
public sealed record CaseAck([property: Id(0)] string Code, [property: Id(1)] string Command, [property: Id(2)] CaseStatus Status,
    [property: Id(3)] int Version, [property: Id(4)] DateTimeOffset At);

/// <summary>How a command ended. <c>Unchanged</c>: an import of content the case already holds, answered without a write.</summary>
public enum CaseOutcome { Accepted, Invalid, Forbidden, NotFound, Conflict, PreconditionFailed, Unchanged }

/// <summary>A command's result: accepted with an ack, or refused with the reason.</summary>
[GenerateSerializer, Immutable, Alias("CaseResult")]
public sealed record CaseResult(
    [property: Id(0)] CaseOutcome Outcome,
    [property: Id(1)] CaseAck? Ack = null,
    [property: Id(2)] string? Detail = null,
    [property: Id(3)] Dictionary<string, string[]>? Errors = null,
    [property: Id(4)] CaseStatus? CurrentStatus = null,
    [property: Id(5)] string[]? Allowed = null,
    [property: Id(6)] string? Rule = null);

/// <summary>Optional request conditions: If-Match (expected version) and Idempotency-Key with the body's hash.</summary>
[GenerateSerializer, Immutable, Alias("CommandConditions")]
public sealed record CommandConditions([property: Id(0)] int? IfMatch = null, [property: Id(1)] string? IdempotencyKey = null,
    [property: Id(2)] string? RequestHash = null);
