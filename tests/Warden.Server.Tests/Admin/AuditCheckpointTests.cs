using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Warden.Server.Tests.Infrastructure;

namespace Warden.Server.Tests.Admin;

/// <summary>
/// Issue 17 item 4: deleting the last audit entries went unnoticed (the chain of what is left is intact). A signed
/// checkpoint kept outside the database exposes truncation, rollback and forks.
/// </summary>
public sealed class AuditCheckpointTests : IDisposable
{
    private readonly WardenFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Deleting_the_last_entries_passes_the_chain_check_but_fails_the_checkpoint_check()
    {
        using var admin = _factory.Admin();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/keys", new { name = $"k{i}", role = "consumer" })).StatusCode);
        }

        var (made, output, _) = await _factory.RunCliAsync(WardenFactory.AdminKey, "audit", "checkpoint");
        Assert.Equal(0, made);
        Assert.Contains("\"signature\"", output, StringComparison.Ordinal);
        var log = Path.Combine(_factory.DataDir, "checkpoints", "checkpoints.jsonl");
        Assert.Single(File.ReadAllLines(log));

        var (intact, _, _) = await _factory.RunCliAsync(WardenFactory.AdminKey, "audit", "verify", "--checkpoint", log);
        Assert.Equal(0, intact);

        // The attack of the issue: delete … where seq > max - 3.
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_factory.DataDir, "warden.db")};Pooling=false"))
        {
            connection.Open();
            using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) FROM audit_log) - 3";
            Assert.Equal(3, delete.ExecuteNonQuery());
        }

        var (chainOnly, _, _) = await _factory.RunCliAsync(WardenFactory.AdminKey, "audit", "verify");
        var (anchored, report, _) = await _factory.RunCliAsync(WardenFactory.AdminKey, "audit", "verify", "--checkpoint", log);

        Assert.Equal(0, chainOnly);
        Assert.Equal(5, anchored);
        Assert.Contains("truncated or rolled back", report, StringComparison.Ordinal);
    }
}
