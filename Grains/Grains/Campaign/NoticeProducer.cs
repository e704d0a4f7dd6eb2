using Npgsql;
using NpgsqlTypes;
using Rectification.Periods;

namespace Rectification.Campaign;

/// <summary>
/// Writes the notices (催办) that facts call for into each unit's inbox, once per recipient and fact
/// (the key is unique; a sweep that finds the fact again inserts nothing):
/// <list type="bullet">
/// <item>reportDueSoon / reportMissing (to the organization): this month's report due within three
/// days and not in; a report missing after its due day (this month's, and last month's).</item>
/// <item>planDueSoon / planMissing (to the organization): next month's activity plan due by the 25th
/// within three days and not in; missing after that day (and this month's, due last month).</item>
/// <item>problemOverdue (to the organization): a problem of its plan past its deadline, one per deadline.</item>
/// <item>caseReturned (to the township): a sign-off returned, or a proposal rejected at review or
/// approval, in the last 30 days.</item>
/// <item>suggestionWaiting (to the township): a screening suggestion not yet accepted or dismissed.</item>
/// </list>
/// Reports and plans are owed by cases in the ledger since before their due day.
/// </summary>
public static class NoticeProducer
{
    public const int DueSoonDays = 3;

    private const string InLedger = "c.status IN ('open', 'acceptanceRequested')";

    /// <returns>How many new notices were written.</returns>
    public static async Task<int> ProduceAsync(NpgsqlDataSource db, DateOnly today, DuePolicy policy)
    {
        var month = Period.MonthOf(today);
        var previous = Period.MonthOf(month.Start.AddDays(-1));
        var next = month.Next;
        await using var batch = db.CreateBatch();

        void Add(string sql, params object[] values)
        {
            var command = new NpgsqlBatchCommand(sql);
            foreach (var v in values)
            {
                command.Parameters.Add(v switch
                {
                    DateOnly d => new NpgsqlParameter { Value = d, NpgsqlDbType = NpgsqlDbType.Date },
                    _ => new NpgsqlParameter { Value = v },
                });
            }
            batch.BatchCommands.Add(command);
        }

        // Monthly reports: due soon, then missing (last month's always past due; this month's after its day).
        var due = policy.DueOn(month);
        if (today >= due.AddDays(-DueSoonDays) && today <= due) AddReport("reportDueSoon", month, due, "月度报告将于{0}到期，尚未报送");
        AddReport("reportMissing", previous, policy.DueOn(previous), "月度报告应于{0}前报送，至今未报");
        if (today > due) AddReport("reportMissing", month, due, "月度报告应于{0}前报送，至今未报");

        // Activity plans for next month (due this month) and for this month (due last month).
        var planDue = policy.ActivityPlanDueOn(next);
        if (today >= planDue.AddDays(-DueSoonDays) && today <= planDue) AddPlan("planDueSoon", next, planDue, "下月活动计划将于{0}到期，尚未上报");
        if (today > planDue) AddPlan("planMissing", next, planDue, "下月活动计划应于{0}前上报，至今未报");
        AddPlan("planMissing", month, policy.ActivityPlanDueOn(month), "本月活动计划应于{0}前上报，至今未报");

        Add($"""
            INSERT INTO notices (unit, level, kind, subject, fact_key, title, detail, due_on)
            SELECT c.code, 'village', 'problemOverdue', c.code, 'deadline:' || d::text,
                   '整顿问题逾期：完成时限' || to_char(d, 'YYYY-MM-DD') || '已过', count(*) || '个问题未销号', d
              FROM cases c CROSS JOIN LATERAL unnest(c.open_deadlines) AS d
             WHERE {InLedger} AND d < $1
             GROUP BY c.code, d
            ON CONFLICT (unit, kind, subject, fact_key) DO NOTHING
            """, today);
        Add("""
            INSERT INTO notices (unit, level, kind, subject, fact_key, title, detail)
            SELECT u.parent_code, p.level, 'caseReturned', h.code, 'version:' || h.version,
                   CASE WHEN h.command = 'acceptanceDecision' THEN u.name || '的销号申请被退回' ELSE u.name || '的整顿对象认定未通过' END,
                   h.note
              FROM case_history h JOIN units u ON u.code = h.code JOIN units p ON p.code = u.parent_code
             WHERE ((h.command = 'acceptanceDecision' AND h.to_status = 'open') OR (h.command IN ('review', 'approval') AND h.to_status = 'rejected'))
               AND h.at >= $1::date - 30
            ON CONFLICT (unit, kind, subject, fact_key) DO NOTHING
            """, today);
        Add("""
            INSERT INTO notices (unit, level, kind, subject, fact_key, title, detail, due_on)
            SELECT u.parent_code, p.level, 'suggestionWaiting', s.code, 'suggestion:' || s.id,
                   u.name || '：排查建议待处理', s.fact, s.fact_on
              FROM screening_suggestions s JOIN units u ON u.code = s.code JOIN units p ON p.code = u.parent_code
             WHERE s.status = 'open'
            ON CONFLICT (unit, kind, subject, fact_key) DO NOTHING
            """);
        await batch.ExecuteNonQueryAsync();
        return batch.BatchCommands.Cast<NpgsqlBatchCommand>().Sum(c => (int)c.RecordsAffected);

        void AddReport(string kind, Period m, DateOnly dueOn, string title) => Add($"""
            INSERT INTO notices (unit, level, kind, subject, fact_key, title, due_on)
            SELECT c.code, 'village', $1, c.code, $2, $3, $4
              FROM cases c
             WHERE {InLedger} AND c.opened_on <= $4
               AND NOT EXISTS (SELECT 1 FROM case_reports r WHERE r.code = c.code AND r.month = $2)
            ON CONFLICT (unit, kind, subject, fact_key) DO NOTHING
            """, kind, m.ToString(), $"{m} " + string.Format(System.Globalization.CultureInfo.InvariantCulture, title, dueOn.ToString("yyyy-MM-dd")), dueOn);

        void AddPlan(string kind, Period m, DateOnly dueOn, string title) => Add($"""
            INSERT INTO notices (unit, level, kind, subject, fact_key, title, due_on)
            SELECT c.code, 'village', $1, c.code, $2, $3, $4
              FROM cases c
             WHERE {InLedger} AND c.opened_on <= $4
               AND NOT COALESCE(c.work -> 'activityPlanMonths' ? $2, false)
            ON CONFLICT (unit, kind, subject, fact_key) DO NOTHING
            """, kind, m.ToString(), $"{m} " + string.Format(System.Globalization.CultureInfo.InvariantCulture, title, dueOn.ToString("yyyy-MM-dd")), dueOn);
    }
}
