using Warden.Storage.Sqlite;

namespace Warden.Bench.Serving;

/// <summary>A fresh SQLite database in a temporary folder, deleted with its pooled connections on dispose: one per bench round.</summary>
public sealed class ScratchDatabase : IDisposable
{
    private readonly DirectoryInfo _directory;

    public ScratchDatabase(string prefix, bool pipelinedSync = false, bool durableCommits = true)
    {
        _directory = Directory.CreateTempSubdirectory(prefix);
        Database = new SqliteDatabase(Path.Combine(_directory.FullName, "warden.db"), durableCommits, pipelinedSync: pipelinedSync);
    }

    public SqliteDatabase Database { get; }

    /// <summary>The first field of /proc/loadavg, printed beside each round.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    public void Dispose()
    {
        Database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
