using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;

namespace Rectification.Villages;

/// <summary>What the rules made of a command: a new state with its history entry, or a refusal.</summary>
public abstract record Decision;
public sealed record Accepted(CaseState State, HistoryEntry Entry) : Decision;
public sealed record Refused(CaseResult Result) : Decision;

/// <summary>
/// The case's life as an explicit state machine. Every (state, command, role) has one answer, read off
/// <see cref="CaseLifecycle.Table"/>: 403 when the role or the token's level is too low, 400 when the input is bad,
/// 409 when the state does not allow the command. Then the rules that depend on the case's own past
/// (<see cref="CaseTransitions"/>): who acted before, which problems exist, when the case was in the ledger.
/// Every refusal names its rule (<see cref="CaseRuleNames"/>). No quota, no ratio: nothing counts other cases.
/// </summary>
public static class CaseRules
{
    public static Decision Decide(CaseState state, CaseCommand command, Actor actor, DateTimeOffset now, DuePolicy policy)
    {
        var rule = CaseLifecycle.Table.Single(r => r.Command == command.Name);
        if (command is ImportCase import && state.ImportedHash == import.ContentHash() && actor.Role >= rule.MinRole)
        {
            return new Refused(new CaseResult(CaseOutcome.Unchanged, Detail: "The case already holds this import.", CurrentStatus: state.Status));
        }
        if (actor.Role < rule.MinRole)
        {
            return Forbid(CaseRuleNames.Authority, $"'{rule.Command}' needs the role {rule.MinRole.ToWire()} or higher.");
        }
        if (actor.Level > rule.LowestLevel)
        {
            return Forbid(CaseRuleNames.Authority, $"'{rule.Command}' is done at {rule.LowestLevel.ToWire()} level or above; the token is for a {actor.Level.ToWire()}.");
        }
        var errors = CaseValidation.Check(command, now, policy);
        if (errors.Count > 0)
        {
            return new Refused(new CaseResult(CaseOutcome.Invalid, Detail: "The request is not valid.", Errors: errors));
        }
        if (!rule.From.Contains(state.Status))
        {
            return Conflict(state, CaseRuleNames.Lifecycle, $"The case is {state.Status.ToWire()}; '{rule.Command}' is not allowed in that state.");
        }
        return CaseTransitions.Apply(state, command, actor, now, policy);
    }

    internal static Refused Refuse(CaseOutcome outcome, string detail) => new(new CaseResult(outcome, Detail: detail));

    internal static Refused Forbid(string rule, string detail) => new(new CaseResult(CaseOutcome.Forbidden, Detail: detail, Rule: rule));

    internal static Refused Conflict(CaseState state, string rule, string detail) =>
        new(new CaseResult(CaseOutcome.Conflict, Detail: detail, CurrentStatus: state.Status, Allowed: CaseLifecycle.AllowedIn(state.Status), Rule: rule));
}
