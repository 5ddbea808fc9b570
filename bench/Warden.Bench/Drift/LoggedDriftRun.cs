using System.Diagnostics;
using System.Globalization;
using System.Text;
using Warden.Core.Drift;
using Warden.Core.Monitoring;
using Warden.Core.Predictions;
using Warden.Core.Storage.Sqlite;

namespace Warden.Bench.Drift;

/// <summary>
/// Drift over logged predictions end to end: N single-row predictions of a 20-input model are written to a SQLite prediction
/// log, then read back page by page, parsed into columns and analysed against a 5,000-row reference sample.
/// </summary>
public static class LoggedDriftRun
{
    public static async Task<int> RunAsync(int rows, int repeats)
    {
        const int features = 20;
        var directory = Directory.CreateTempSubdirectory("warden-drift-bench");
        try
        {
            var database = new SqliteDatabase(Path.Combine(directory.FullName, "warden.db"));
            var store = new SqlitePredictionStore(database);
            var (profile, _) = DriftBenchmarks.Data(1000, features, seed: 11);
            var write = Stopwatch.StartNew();
            await WriteAsync(store, rows, features);
            Console.WriteLine($"wrote {rows:N0} predictions in {write.Elapsed.TotalSeconds:F1} s ({new FileInfo(database.Path).Length / 1e6:F0} MB)");

            for (int r = 0; r < repeats; r++)
            {

                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                var columns = await LoggedColumns.ReadAsync(store, "bench", "1", [.. profile.Features.Select(f => f.Name)], null, null, int.MaxValue);
                var read = wall.Elapsed;
                var report = new DriftAnalyzer().Analyze(profile, columns.Columns, new DriftOptions { ComputePsi = true });
                var total = wall.Elapsed;
                var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {r + 1}: {columns.Count:N0} rows; read+parse {read.TotalMilliseconds:F0} ms, analysis {(total - read).TotalMilliseconds:F0} ms, total {total.TotalMilliseconds:F0} ms wall, {used.TotalMilliseconds:F0} ms CPU; drifted {report.DriftedCount}/{report.FeatureCount}"));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }

        return 0;
    }

    private static async Task WriteAsync(SqlitePredictionStore store, int rows, int features)
    {
        var random = new Random(7);
        var start = DateTimeOffset.UnixEpoch.AddYears(56);
        const int batch = 10_000;
        for (int done = 0; done < rows; done += batch)
        {
            var list = new List<StoredPrediction>(batch);
            for (int i = done; i < Math.Min(rows, done + batch); i++)
            {
                var json = new StringBuilder("[");
                for (int f = 0; f < features; f++)
                {
                    var value = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) + (f % 2 == 1 ? 0.3 : 0));
                    json.Append(CultureInfo.InvariantCulture, $"{(f == 0 ? "" : ",")}{{\"name\":\"f{f}\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[{value}]}}");
                }

                json.Append(']');
                list.Add(new StoredPrediction(0, $"p{i}", start.AddMilliseconds(i), "bench", "1", "k", null, json.ToString(),
                    "[{\"name\":\"probability\",\"datatype\":\"FP32\",\"shape\":[1,1],\"data\":[0.5]}]", null, 1.0));
            }

            await store.WriteBatchAsync(list);
        }
    }
}
