using Microsoft.Data.Sqlite;

namespace Warden.Server.Tests.Infrastructure;

/// <summary>A data directory under the temp folder that several servers share in turn, deleted (best effort) on dispose.</summary>
public sealed class TempDataDir : IDisposable
{
    /// <summary>The directory (created by the first server that uses it).</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "warden-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        // Pooled connections keep the SQLite file open.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // The temp folder is disposable (or no server got as far as creating it).
        }
    }
}
