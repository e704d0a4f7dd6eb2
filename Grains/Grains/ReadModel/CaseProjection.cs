using Npgsql;
using NpgsqlTypes;
using Rectification.Cases;
using Rectification.Villages;

namespace Rectification.ReadModel;

/// <summary>
/// Writes a case's read-model row, its monthly report rows and its new history rows in one batch
/// (one round trip, one transaction). Version guards make it safe to repeat and to run late.
/// </summary>
public sealed class CaseProjection(NpgsqlDataSource db)
{
    /// <param name="reports">The monthly reports to write: the one just submitted, or all of them when catching up.</param>
    public async Task ProjectAsync(CaseState s, IEnumerable<HistoryEntry> newEntries, IEnumerable<MonthlyReport> reports, CancellationToken ct = default)
    {
        await using var batch = db.CreateBatch();
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO cases AS c (code, status, criteria, categories, problems_open, problems_resolved, problems_closed,
                                    problems_archived, four_ones, relapses, version, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, now())
            ON CONFLICT (code) DO UPDATE SET
                status = excluded.status, criteria = excluded.criteria, categories = excluded.categories,
                problems_open = excluded.problems_open, problems_resolved = excluded.problems_resolved,
                problems_closed = excluded.problems_closed, problems_archived = excluded.problems_archived,
                four_ones = excluded.four_ones, relapses = excluded.relapses, version = excluded.version,
                updated_at = excluded.updated_at
            WHERE c.version < excluded.version
            """);
        int Count(ProblemStatus st) => s.Problems.Count(p => p.Status == st);
        Add(upsert, s.Code, s.Status.ToWire(), s.Criteria, s.Categories, Count(ProblemStatus.Open), Count(ProblemStatus.Resolved),
            Count(ProblemStatus.Closed), Count(ProblemStatus.Archived), s.Assignment is not null, s.Relapses, s.Version);
        batch.BatchCommands.Add(upsert);

        foreach (var r in reports)
        {
            var report = new NpgsqlBatchCommand("""
                INSERT INTO case_reports AS r (code, month, received_at, on_time, funds_yuan, projects, new_members, activists, reserve_cadres, version)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                ON CONFLICT (code, month) DO UPDATE SET
                    funds_yuan = excluded.funds_yuan, projects = excluded.projects, new_members = excluded.new_members,
                    activists = excluded.activists, reserve_cadres = excluded.reserve_cadres, version = excluded.version
                WHERE r.version < excluded.version
                """);
            Add(report, s.Code, r.Month.ToString(), r.ReceivedAt, r.OnTime, r.Figures.FundsYuan, r.Figures.Projects,
                r.Figures.NewMembers, r.Figures.Activists, r.Figures.ReserveCadres, s.Version);
            batch.BatchCommands.Add(report);
        }

        foreach (var e in newEntries)
        {
            var history = new NpgsqlBatchCommand("""
                INSERT INTO case_history (code, version, at, actor, role, command, from_status, to_status, detail)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (code, version) DO NOTHING
                """);
            Add(history, s.Code, e.Version, e.At, e.By, e.Role.ToWire(), e.Command, e.From.ToWire(), e.To.ToWire(), e.Detail);
            batch.BatchCommands.Add(history);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static void Add(NpgsqlBatchCommand cmd, params object[] values)
    {
        foreach (var v in values)
        {
            cmd.Parameters.Add(v switch
            {
                string[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                DateTimeOffset d => new NpgsqlParameter { Value = d.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                _ => new NpgsqlParameter { Value = v },
            });
        }
    }
}
