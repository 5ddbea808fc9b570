using Warden.Core.Storage.Sql;
using System.Diagnostics;
using System.Globalization;
using Warden.Core.Drift;
using Warden.Core.Monitoring;
using Warden.Core.Predictions;
using Warden.Storage.Sqlite;
using Warden.Core.Tensors;

namespace Warden.Bench.Drift;

/// <summary>
/// Drift over logged predictions end to end: N single-row predictions of a 20-input model are written to a SQLite prediction
/// log (JSON payloads plus the monitoring feature vector, as the log writer stores them), then read back page by page into
/// columns by <see cref="LoggedColumns"/> (the live drift service's reader) and analysed against a 5,000-row reference sample.
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
            var store = new SqlPredictionStore(database);
            var (profile, _) = DriftBenchmarks.Data(1000, features, seed: 11);
            var write = Stopwatch.StartNew();
            await WriteAsync(store, rows, features);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
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

    private static async Task WriteAsync(SqlPredictionStore store, int rows, int features)
    {
        var random = new Random(7);
        var start = DateTimeOffset.UnixEpoch.AddYears(56);
        const int batch = 10_000;
        for (int done = 0; done < rows; done += batch)
        {
            var list = new List<StoredPrediction>(batch);
            for (int i = done; i < Math.Min(rows, done + batch); i++)
            {
                var inputs = new NamedTensor[features];
                for (int f = 0; f < features; f++)
                {
                    var value = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) + (f % 2 == 1 ? 0.3 : 0));
                    inputs[f] = new NamedTensor($"f{f}", TensorDatatype.Fp32, [1, 1], new[] { value });
                }

                // Written the way the prediction log writer writes: JSON payloads plus the monitoring feature vector.
                list.Add(PredictionSerializer.ToStored(new PredictionRecord(
                    $"p{i}", start.AddMilliseconds(i), "bench", "1", "k", null, inputs,
                    [new NamedTensor("probability", TensorDatatype.Fp32, [1, 1], new[] { 0.5f })], null, 1.0)));
            }

            await store.WriteBatchAsync(list);
        }
    }
}
