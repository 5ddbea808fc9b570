using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Warden.Core.Predictions;
using Warden.Core.Storage.Sql;
using Warden.Core.Tensors;
using Warden.Storage.Sqlite;

namespace Warden.Bench.Serving;

/// <summary>
/// The acknowledged prediction log's commit cycle without the HTTP path around it: batches of credit-risk-sized records
/// (12 FP32 inputs, a label and two probabilities, with their monitoring feature vector) committed one after another with
/// <c>synchronous=FULL</c>, on a fresh database per round, through three write paths in alternation: <c>pooled</c> opens
/// a pooled connection per batch and lets SQLite checkpoint inside the commit (the path before the kept connection),
/// <c>kept</c> commits on the kept connection with the fsync inside the commit (<c>SyncMode=commit</c>), and
/// <c>pipelined</c> commits on it with <c>synchronous=NORMAL</c> and a group sync of the WAL after, with two batches in
/// flight as the log writer keeps them (<c>SyncMode=pipelined</c>). Prints commits/s, CPU per commit (the whole process,
/// checkpoints and syncs included) and latency from the start of a commit until it is durable. <c>variants</c> (comma-separated)
/// runs some of the three only, e.g. to alternate two builds' <c>pipelined</c> runs.
/// </summary>
public static class LogCommitRun
{
    public static async Task<int> RunAsync(int commits, int batchSize, int rounds, string variants = "pooled,kept,pipelined")
    {
        Console.WriteLine($"{commits:N0} commits of {batchSize} records per variant and round, durable (fsynced) commits, {rounds} rounds");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var variant in variants.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                using (var scratch = new ScratchDatabase("warden-commit-bench", pipelinedSync: variant == "pipelined"))
                {
                    var database = scratch.Database;
                    var store = new SqlPredictionStore(database);
                    Func<IReadOnlyList<StoredPrediction>, Task<Task>> commit = variant == "pooled"
                        ? async batch =>
                        {
                            await WritePooledAsync(database, store, batch);
                            return Task.CompletedTask;
                        }
                        : batch => store.CommitBatchAsync(batch);
                    var seq = 0;
                    for (var i = 0; i < 200; i++)
                    {
                        await await commit(Batch(ref seq, batchSize));
                    }

                    var latencies = new double[commits];
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var wall = Stopwatch.StartNew();

                    // As the log writer does: the commit before the last one must be durable before the next one starts.
                    Task older = Task.CompletedTask, newer = Task.CompletedTask;
                    for (var i = 0; i < commits; i++)
                    {
                        await older;
                        var batch = Batch(ref seq, batchSize);
                        var started = Stopwatch.GetTimestamp();
                        var durable = await commit(batch);
                        older = newer;
                        newer = RecordWhenDurableAsync(durable, started, latencies, i);
                    }

                    await older;
                    await newer;

                    var seconds = wall.Elapsed.TotalSeconds;
                    var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
                    Array.Sort(latencies);
                    var wal = new FileInfo(database.Path + "-wal");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{variant,-9} round {round} load {ScratchDatabase.LoadAverage(),6}  {commits / seconds,7:F0} commits/s  " +
                        $"cpu/commit {used / commits,6:F0} us  p50 {latencies[commits / 2],6:F2} ms  p99 {latencies[(int)(commits * 0.99)],6:F2} ms  " +
                        $"max {latencies[^1],7:F2} ms  WAL {(wal.Exists ? wal.Length / 1e6 : 0),5:F1} MB"));
                }
            }
        }

        return 0;
    }

    private static async Task RecordWhenDurableAsync(Task durable, long started, double[] latencies, int index)
    {
        await durable;
        latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task WritePooledAsync(SqlDatabase database, SqlPredictionStore store, IReadOnlyList<StoredPrediction> batch)
    {
        await using DbConnection connection = await database.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await store.WriteBatchAsync(batch, connection, transaction, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private static readonly string[] Names = ["pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance", "condomin", "single", "hschool"];

    private static List<StoredPrediction> Batch(ref int seq, int size)
    {
        var batch = new List<StoredPrediction>(size);
        for (var i = 0; i < size; i++, seq++)
        {
            var x = (float)(seq % 97) / 97;
            var inputs = Names.Select(n => new NamedTensor(n, TensorDatatype.Fp32, [1, 1], new[] { x })).ToList();
            var outputs = new List<NamedTensor>
            {
                new("label", TensorDatatype.Int64, [1], new[] { (long)(seq % 2) }),
                new("probability", TensorDatatype.Fp32, [1, 2], new[] { 1 - x, x }),
            };
            var inputsJson = "[" + string.Join(",", Names.Select(n => string.Create(CultureInfo.InvariantCulture, $"{{\"name\":\"{n}\",\"shape\":[1,1],\"datatype\":\"FP32\",\"data\":[{x}]}}"))) + "]";
            var outputsJson = string.Create(CultureInfo.InvariantCulture,
                $"[{{\"name\":\"label\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[{seq % 2}]}},{{\"name\":\"probability\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[{1 - x},{x}]}}]");
            batch.Add(new StoredPrediction(0, Guid.CreateVersion7().ToString(), DateTimeOffset.UtcNow, "credit-risk", "1", "key_bench", null, inputsJson, outputsJson, null, 0.4)
            {
                Features = FeatureVector.Encode(inputs, outputs),
            });
        }

        return batch;
    }
}
