using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Warden.Core.Inference;
using Warden.Core.Predictions;
using Warden.Core.Storage.Sql;
using Warden.Core.Tensors;

namespace Warden.Bench.Serving;

/// <summary>
/// The prediction log's writer without the HTTP path around it: credit-risk records (12 FP32 <c>[1,1]</c> inputs, a label
/// and two probabilities) queued at a steady rate, as a server at that rate queues them, and written by the real
/// <see cref="PredictionLogWriter"/> into a fresh SQLite database per variant and round. Prints the process's CPU time
/// and managed bytes allocated per record (the writer's serialisation, monitoring vector, commits and wake-ups, plus the
/// queueing itself; the records are built before the clock starts), and bytes written to files per record (the WAL's pages, mostly).
/// Variants: <c>json</c> stores tensors as JSON (<c>CompactTensorElements=0</c>), <c>packed</c> with the default
/// settings; <c>ack-json</c>/<c>ack-packed</c> the same under acknowledged durability (pipelined sync), where each record is
/// serialised by the thread that queues it.
/// </summary>
public static class LogWriterRun
{
    private static readonly string[] Names = ["pirat", "hirat", "lvrat", "chist", "mhist", "phist", "unemp", "selfemp", "insurance", "condomin", "single", "hschool"];

    public static async Task<int> RunAsync(int records, int rate, int rounds, string variants)
    {
        Console.WriteLine($"{records:N0} credit-risk records per variant and round, queued at {rate:N0}/s; {rounds} rounds");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var variant in variants.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var acknowledged = variant.StartsWith("ack-", StringComparison.Ordinal);
                var options = new PredictionLogOptions
                {
                    Durability = acknowledged ? PredictionDurability.Acknowledged : PredictionDurability.Async,
                    QueueCapacity = 1_000_000,
                    CompactTensorElements = variant.EndsWith("json", StringComparison.Ordinal) ? 0 : new PredictionLogOptions().CompactTensorElements,
                };
                using var scratch = new ScratchDatabase("warden-writer-bench", pipelinedSync: acknowledged, durableCommits: acknowledged);
                var log = new PredictionLog(Options.Create(options));
                var writer = new PredictionLogWriter(log, new SqlPredictionStore(scratch.Database), NullLogger<PredictionLogWriter>.Instance);
                await writer.StartAsync(CancellationToken.None);

                await QueueAsync(log, Records(20_000), rate, writer, 20_000);
                var measured = Records(records);
                var wal = new FileInfo(scratch.Database.Path + "-wal");
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                var walBefore = BytesWritten();
                await QueueAsync(log, measured, rate, writer, 20_000 + records);
                var used = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds;
                var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                var walBytes = BytesWritten() - walBefore;
                var seconds = wall.Elapsed.TotalSeconds;
                await writer.StopAsync(CancellationToken.None);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{variant,-11} round {round} load {ScratchDatabase.LoadAverage(),6}  {records / seconds,7:F0} records/s  cpu/record {used / records,6:F1} us  " +
                    $"alloc/record {bytes / (double)records,6:F0} B  written/record {walBytes / (double)records,6:F0} B  db {new FileInfo(scratch.Database.Path).Length / 1e6 + (wal.Exists ? wal.Length / 1e6 : 0),5:F1} MB"));
            }
        }

        return 0;
    }

    // Bytes this process has written to files so far (/proc/self/io), which the log writer's WAL appends dominate.
    private static long BytesWritten()
    {
        foreach (var line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("wchar:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    // Queues the records in steps of a millisecond's worth and waits until the writer has written `total` since start.
    private static async Task QueueAsync(PredictionLog log, PredictionRecord[] records, int rate, PredictionLogWriter writer, long total)
    {
        var clock = Stopwatch.StartNew();
        var commits = new List<Task>();
        for (var i = 0; i < records.Length; i++)
        {
            while (i * 1000.0 / rate > clock.Elapsed.TotalMilliseconds)
            {
                await Task.Delay(1);
            }

            if (!log.TryEnqueue(records[i], out var committed))
            {
                throw new InvalidOperationException("the log's queue is full");
            }

            if (!committed.IsCompleted)
            {
                commits.Add(committed);
            }
        }

        await Task.WhenAll(commits);
        while (writer.Written < total)
        {
            await Task.Delay(5);
        }
    }

    private static PredictionRecord[] Records(int count)
    {
        var records = new PredictionRecord[count];
        for (var i = 0; i < count; i++)
        {
            var x = (float)(i % 97) / 97;
            var time = DateTimeOffset.UtcNow;
            records[i] = new PredictionRecord(RequestIds.NewId(time), time, "credit-risk", "1", "key_bench", null,
                Names.Select((n, j) => new NamedTensor(n, TensorDatatype.Fp32, [1, 1], new[] { x * (j + 1) })).ToArray(),
                [new NamedTensor("label", TensorDatatype.Int64, [1], new[] { (long)(i % 2) }), new NamedTensor("probabilities", TensorDatatype.Fp32, [1, 2], new[] { 1 - x, x })],
                null, 0.4);
        }

        return records;
    }
}
